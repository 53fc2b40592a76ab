from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import de_tax_id_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class DeTaxIdRecognizer(IdentifierRecognizer):
    """German Steuer-ID (steuerliche Identifikationsnummer): eleven digits whose first ten
    repeat exactly one digit, and an ISO 7064 check digit: about one random eleven-digit
    number in 5,000 passes, so the value alone is enough."""

    ENTITY = "DE_TAX_ID"
    PATTERNS = (
        Pattern(
            "pii.de_tax_id",
            r"(?<![\w\-.+/@#])[1-9]\d(?P<s> ?)\d{3}(?P=s)\d{3}(?P=s)\d{3}(?![\w\-]|[.,/]\d)",
            0.85,
        ),
    )
    CONTEXT = (
        "steuer", "identifikationsnummer", "idnr", "id-nr", "tin", "tax id", "tax identification",
        "finanzamt", "steuernummer", "tax number",
    )  # fmt: skip
    STANDALONE = 0.85

    def check(self, value: str) -> bool:
        return de_tax_id_ok(value)
