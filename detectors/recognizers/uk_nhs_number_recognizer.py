from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import nhs_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class UkNhsNumberRecognizer(IdentifierRecognizer):
    """NHS number (England, Wales, Isle of Man): ten digits, often 3-3-4, with a mod-11
    check digit. One ten-digit number in eleven passes the check, so a word is needed."""

    ENTITY = "UK_NHS"
    PATTERNS = (
        Pattern("pii.uk_nhs", r"(?<![\w\-.+/@#])\d{3}([ \-]?)\d{3}\1\d{4}(?![\w\-]|[.,/]\d)", 0.3),
    )
    CONTEXT = (
        "nhs", "national health", "health service", "health and care number", "chi number",
        "patient", "gp ", "nhs no", "nhs#",
    )  # fmt: skip

    def check(self, value: str) -> bool:
        return nhs_ok(value)
