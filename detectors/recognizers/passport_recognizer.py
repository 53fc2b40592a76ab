from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

# the word "passport" in English, German, French, Spanish, Italian, Dutch, Polish,
# Portuguese, Turkish, Swedish, Japanese, Korean and Chinese
CUES = (
    "passport", "pass-nr", "passnummer", "reisepass", "passeport", "pasaporte", "passaporto",
    "paspoort", "paszport", "passaporte", "pasaport", "pass nr", "旅券", "パスポート", "여권",
    "护照", "護照",
)  # fmt: skip
_CUE = "|".join(sorted(CUES, key=len, reverse=True))


class PassportRecognizer(FastPatternRecognizer):
    """Passport numbers next to a word that names them: six to nine capital letters and
    digits (at least two digits), the shapes the ICAO countries issue. A passport number
    has no shape of its own, so the word is required (the recognizer runs only around
    it)."""

    ENTITY = "PASSPORT"
    PATTERNS = (
        Pattern(
            "pii.passport",
            r"(?i:" + _CUE + r")[\w]{0,8}" + FILLER + START
            + r"(?P<v>(?=[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]{6,9})" + END,
            0.85,
        ),
    )  # fmt: skip
    ANCHORS = CUES
    REACH = (0, 64)
