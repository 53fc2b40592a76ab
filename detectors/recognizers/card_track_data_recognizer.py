"""Magnetic-stripe track data (PCI DSS "sensitive authentication data"): track 1
`%B<PAN>^<NAME>^<YYMM><service code>...?` and track 2 `;<PAN>=<YYMM><service code>...?`,
with or without the sentinels; the PAN inside must pass the Luhn check."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.credit_card_number_recognizer import luhn_ok

_PAN = re.compile(r"\d{13,19}")


class CardTrackDataRecognizer(FastPatternRecognizer):
    ENTITY = "CARD_TRACK_DATA"
    PATTERNS = (
        Pattern(
            "pii.card_track1", r"%?B\d{13,19}\^[A-Za-z /.'\-]{2,26}\^\d{7}[\dA-Za-z ]{0,60}\??", 0.9
        ),
        Pattern("pii.card_track2", r"(?<![\d=]);?\d{13,19}=\d{7}\d{0,20}\??(?![\d=])", 0.9),
    )
    NUMERIC = True  # a PAN is a long digit run

    def validate_result(self, pattern_text: str) -> bool | None:
        m = _PAN.search(pattern_text)
        return bool(m and luhn_ok(m.group()))
