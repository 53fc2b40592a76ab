from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import ca_sin_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class CaSinRecognizer(IdentifierRecognizer):
    """Canadian Social Insurance Number: nine digits, 3-3-3, Luhn; one number in ten
    passes, so a word is needed."""

    ENTITY = "CA_SIN"
    PATTERNS = (
        Pattern("pii.ca_sin", r"(?<![\w\-.+/@#])\d{3}([ \-]?)\d{3}\1\d{3}(?![\w\-]|[.,/]\d)", 0.3),
    )
    CONTEXT = (
        "sin", "social insurance", "assurance sociale", "nas", "s.i.n", "service canada",
    )  # fmt: skip

    def check(self, value: str) -> bool:
        return ca_sin_ok(value)
