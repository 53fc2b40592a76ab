from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class CreditCardNumberRecognizer(FastPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        # 12-19 digits starting with a known issuer digit, optionally grouped by - or space.
        Pattern(
            "pii.credit_card",
            r"(?<![\d.\-+])(?:[1-6]\d{3}([ \-])\d{4}\1\d{4}\1\d{1,4}|3[47]\d{2}([ \-])\d{6}\2\d{5}|"
            r"[1-6]\d{11,18})(?![\d\-]|\.\d)",
            0.3,
        ),
    )
    CONTEXT = ("credit", "card", "visa", "mastercard", "amex", "cc", "payment", "debit")
    NUMERIC = True

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if not 12 <= len(digits) <= 19 or len(set(digits)) < 2:
            return False
        # one separator style only
        seps = {c for c in pattern_text if not c.isdigit()}
        if len(seps) > 1:
            return False
        return luhn_ok(digits)
