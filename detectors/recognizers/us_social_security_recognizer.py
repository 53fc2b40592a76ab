from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


class UsSocialSecurityRecognizer(FastPatternRecognizer):
    ENTITY = "US_SSN"
    PATTERNS = (
        Pattern("pii.us_ssn", r"(?<![\d\-.])\d{3}([\- .])\d{2}\1\d{4}(?![\d\-]|\.\d)", 0.5),
        # bare nine digits: only with a context word nearby
        Pattern("pii.us_ssn_bare", r"(?<![\d\-.])\d{9}(?![\d\-]|\.\d)", 0.05),
    )
    CONTEXT = ("ssn", "social security", "social sec", "ss#", "ss #", "taxpayer")
    CONTEXT_BOOST = 0.45
    NUMERIC = True

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        return (
            len(set(digits)) == 1
            or digits[3:5] == "00"
            or digits[5:] == "0000"
            or digits[:3] in ("000", "666")
            or digits[0] == "9"
            or digits in ("123456789", "987654320", "078051120", "219099999")
        )
