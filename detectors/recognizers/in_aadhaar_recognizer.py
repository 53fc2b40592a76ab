from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import in_aadhaar_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class InAadhaarRecognizer(IdentifierRecognizer):
    """Indian Aadhaar: twelve digits, the first 2-9, a Verhoeff check digit; written
    4-4-4 as on the card (a shape of its own) or run together (needs a word)."""

    ENTITY = "IN_AADHAAR"
    PATTERNS = (
        Pattern(
            "pii.in_aadhaar",
            r"(?<![\w\-.+/@#])[2-9]\d{3}([ \-]?)\d{4}\1\d{4}(?![\w\-]|[.,/]\d)",
            0.35,
        ),
    )
    CONTEXT = ("aadhaar", "aadhar", "adhaar", "uidai", "uid", "आधार", "enrolment")

    def check(self, value: str) -> bool:
        return in_aadhaar_ok(value)

    def standalone_score(self, value: str, rule: str) -> float:
        return 0.6 if not value.isdigit() else 0.35
