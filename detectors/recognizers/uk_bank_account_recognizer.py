from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


class UkBankAccountRecognizer(FastPatternRecognizer):
    """UK sort code (NN-NN-NN) and eight-digit account number near the words "sort code":
    both are reported, each its own span. Without those words six digits in pairs are a
    date or a reference, so the recognizer runs only around them."""

    ENTITY = "UK_BANK_ACCOUNT"
    PATTERNS = (
        Pattern(
            "pii.uk_sort_code", r"(?<![\d\-./])\d{2}([\- ])\d{2}\1\d{2}(?![\d\-]|[./]\d)", 0.85
        ),
        Pattern("pii.uk_account_number", r"(?<![\d\-./])\d{8}(?![\d\-]|[./]\d)", 0.85),
    )
    ANCHORS = ("sort code", "sort-code", "sortcode")
    REACH = (96, 96)
