from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import kr_rrn_check_ok, kr_rrn_date_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class KrRrnRecognizer(IdentifierRecognizer):
    """Korean resident registration number: YYMMDD-SNNNNNC. Numbers issued before October
    2020 carry a check digit; newer ones do not, so with a word the birth date and the
    sex digit are enough."""

    ENTITY = "KR_RRN"
    PATTERNS = (Pattern("pii.kr_rrn", r"(?<![\d\-.+/])\d{6}-?[1-8]\d{6}(?![\d\-]|[.,/]\d)", 0.5),)
    CONTEXT = ("주민등록번호", "주민번호", "resident registration", "rrn")
    WITH_CONTEXT = 0.95

    def check(self, value: str) -> bool:
        return kr_rrn_date_ok(value)

    def standalone_score(self, value: str, rule: str) -> float:
        if not kr_rrn_check_ok(value.replace("-", "")):
            return 0.0
        return 0.9 if "-" in value else 0.45
