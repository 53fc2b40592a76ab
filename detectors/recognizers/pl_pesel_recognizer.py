from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import pl_pesel_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class PlPeselRecognizer(IdentifierRecognizer):
    """Polish PESEL: a birth date (the century coded in the month), a serial and a
    weighted check digit; about one random eleven-digit number in fifty passes."""

    ENTITY = "PL_PESEL"
    PATTERNS = (Pattern("pii.pl_pesel", r"(?<![\w\-.+/@#])\d{11}(?![\w\-]|[.,/]\d)", 0.45),)
    CONTEXT = ("pesel", "numer ewidencyjny", "polish national id", "dowód", "dowod")
    STANDALONE = 0.45

    def check(self, value: str) -> bool:
        return pl_pesel_ok(value)
