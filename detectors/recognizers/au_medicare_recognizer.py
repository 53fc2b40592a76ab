from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import au_medicare_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class AuMedicareRecognizer(IdentifierRecognizer):
    """Australian Medicare card number: ten digits (4-5-1 on the card), the first 2-6,
    the ninth a check digit, and optionally the individual reference number."""

    ENTITY = "AU_MEDICARE"
    PATTERNS = (
        Pattern(
            "pii.au_medicare",
            r"(?<![\w\-.+/@#])[2-6]\d{3}([ \-]?)\d{5}\1\d(?:[ \-/]?\d)?(?![\w\-]|[.,/]\d)",
            0.3,
        ),
    )
    CONTEXT = ("medicare", "irn", "health card")

    def check(self, value: str) -> bool:
        return au_medicare_ok(value)
