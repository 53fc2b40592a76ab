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


# (first digits, lengths) of the card schemes: Visa, Mastercard (51-55, 2221-2720), Amex,
# Discover, UnionPay, JCB (and its old 15-digit 1800/2131), Diners, Maestro (and
# Switch 0604), Mir, RuPay. A Luhn-valid run with no
# scheme's prefix and length is an account, order or national ID number, not a card.
_SCHEMES: tuple[tuple[tuple[int, int], int, tuple[int, ...]], ...] = (
    ((4, 4), 1, (13, 16, 19)),
    ((51, 55), 2, (16,)),
    ((2221, 2720), 4, (16,)),
    ((34, 34), 2, (15,)),
    ((37, 37), 2, (15,)),
    ((6011, 6011), 4, (16, 17, 18, 19)),
    ((644, 649), 3, (16, 17, 18, 19)),
    ((65, 65), 2, (16, 17, 18, 19)),
    ((62, 62), 2, (16, 17, 18, 19)),
    ((35, 35), 2, (16, 17, 18, 19)),
    ((1800, 1800), 4, (15,)),
    ((2131, 2131), 4, (15,)),
    ((604, 604), 4, tuple(range(12, 20))),
    ((300, 305), 3, (14, 15, 16, 17, 18, 19)),
    ((36, 36), 2, (14, 15, 16, 17, 18, 19)),
    ((38, 39), 2, (14, 15, 16, 17, 18, 19)),
    ((50, 50), 2, tuple(range(12, 20))),
    ((56, 69), 2, tuple(range(12, 20))),
    ((2200, 2204), 4, (16, 17, 18, 19)),
    ((60, 60), 2, (16,)),
    ((81, 82), 2, (16,)),
)


def card_scheme_ok(digits: str) -> bool:
    """True when some card scheme issues numbers of this prefix and length."""
    n = len(digits)
    return any(lo <= int(digits[:k]) <= hi and n in lengths for (lo, hi), k, lengths in _SCHEMES)


class CreditCardNumberRecognizer(FastPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        # 12-19 digits starting with a known issuer digit, optionally grouped by - or space.
        Pattern(
            "pii.credit_card",
            # not a digit run inside a longer token: a hex trace id or digest
            # ("4bc74b6495025643947c5f...") holds Luhn-valid runs by chance
            r"(?<![\dA-Za-z.\-+])(?:[0-6]\d{3}([ \-])\d{4}\1\d{4}\1\d{1,4}|"
            r"3[47]\d{2}([ \-])\d{6}\2\d{5}|[0-68]\d{11,18})(?![\dA-Za-z\-]|\.\d)",
            0.3,
        ),
    )
    CONTEXT = ("credit", "card", "visa", "mastercard", "amex", "cc", "payment", "debit")
    CONTEXT_BOOST = 0.1
    NUMERIC = True

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if not 12 <= len(digits) <= 19 or len(set(digits)) < 2:
            return False
        # one separator style only
        seps = {c for c in pattern_text if not c.isdigit()}
        if len(seps) > 1:
            return False
        return luhn_ok(digits) and card_scheme_ok(digits)

    def score(self, pattern, validated, value=""):  # type: ignore[no-untyped-def]
        """A grouped number (4111 1111 1111 1111) is a card; a bare digit run that passes
        Luhn is one in ten of all digit runs, so it stays below an identifier that its
        own check and a context word confirm (1.0), unless a card word is near."""
        if validated and not value.isdigit():
            return 1.0
        return 0.85 if validated else pattern.score
