from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

_US = r"(?:u\.\s?s\.(?:\s?a\.)?|usa|us|american|united\s+states)"


class UsPassportRecognizer(FastPatternRecognizer):
    """US passport numbers: nine digits, or a letter and eight digits (Next Generation
    passports), next to "US passport" or followed by "(United States)". Scored above the
    generic PASSPORT so that the overlap resolution keeps this more specific type."""

    ENTITY = "US_PASSPORT"
    PATTERNS = (
        Pattern(
            "pii.us_passport",
            r"(?i:\b" + _US + r"[ \t]+passport)" + FILLER + START + r"(?P<v>[A-Z]?\d{8,9})" + END,
            0.9,
        ),
        Pattern(
            "pii.us_passport_after",
            r"(?i:passport)" + FILLER + START + r"(?P<v>[A-Z]?\d{8,9})" + END
            + r"(?=[ \t]*\((?i:" + _US + r")\))",
            0.9,
        ),
    )  # fmt: skip
    ANCHORS = ("passport",)
    REACH = (24, 64)
