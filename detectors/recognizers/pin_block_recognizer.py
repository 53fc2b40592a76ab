"""A card PIN or an encrypted PIN block named as such (PCI PIN security): "PIN 4821",
"PIN block: 0412AC89ABCDEF67". Only with the word: four digits alone are everywhere."""

from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


class PinBlockRecognizer(FastPatternRecognizer):
    ENTITY = "CARD_PIN"
    PATTERNS = (
        Pattern(
            "pii.pin_block",
            r"(?i)\bpin[\s\-]?block\b[\s:=#]{0,4}(?:is\s+)?(?P<v>[0-9A-F]{16})(?![0-9A-Za-z])",
            0.9,
        ),
        Pattern(
            "pii.card_pin",
            r"(?i)\b(?:card\s+)?pin(?:\s+(?:code|number))?\b[\s:=#]{0,4}(?:is\s+)?(?P<v>\d{4,6})(?![\d\-/.:])",
            0.45,
        ),
    )
    WORD_ANCHORS = True
    ANCHORS = ("pin",)
    REACH = (8, 64)
    # "PIN 1234" is a card PIN only around card words; a PIN block is one by its shape
    CONTEXT = ("card", "debit", "atm", "bank", "visa", "mastercard", "karte", "carte")
    CONTEXT_BOOST = 0.3
