from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import aba_routing_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class UsBankRoutingRecognizer(IdentifierRecognizer):
    """US ABA routing transit number: nine digits, a Federal Reserve prefix and the 3-7-1
    checksum; one number in thirty passes, so a word is needed."""

    ENTITY = "US_BANK_ROUTING"
    PATTERNS = (Pattern("pii.us_bank_routing", r"(?<![\w\-.+/@#])\d{9}(?![\w\-]|[.,/]\d)", 0.3),)
    CONTEXT = ("routing", "aba", "rtn", "transit number", "ach", "wire", "fedwire")

    def check(self, value: str) -> bool:
        return aba_routing_ok(value)
