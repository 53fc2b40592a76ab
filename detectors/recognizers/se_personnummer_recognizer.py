from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import se_personnummer_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class SePersonnummerRecognizer(IdentifierRecognizer):
    """Swedish personnummer (and samordningsnummer): YYMMDD-NNNC or YYYYMMDD-NNNC, a
    birth date and a Luhn check digit. With the hyphen (or plus, over 100 years old) the
    shape is the personnummer's own; ten bare digits need a word."""

    ENTITY = "SE_PERSONNUMMER"
    PATTERNS = (
        Pattern(
            "pii.se_personnummer",
            r"(?<![\w\-.+/@#])(?:19|20)?\d{6}[\-+ ]?\d{4}(?![\w\-]|[.,/]\d)",
            0.4,
        ),
    )
    CONTEXT = (
        "personnummer", "personnr", "pnr", "p-nr", "personal identity number",
        "samordningsnummer", "swedish",
    )  # fmt: skip

    def check(self, value: str) -> bool:
        return se_personnummer_ok(value)

    def standalone_score(self, value: str, rule: str) -> float:
        return 0.75 if "-" in value or "+" in value else 0.35
