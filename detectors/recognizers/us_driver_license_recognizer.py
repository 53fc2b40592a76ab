from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

_CUE = (
    r"(?i:driver[’']?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|drivers?[ \t]+lic\b\.?|"
    r"\bdl\b|führerschein|fuhrerschein|permis[ \t]+de[ \t]+conduire|licencia[ \t]+de[ \t]+"
    r"conduc(?:ir|ción)|carnet[ \t]+de[ \t]+conducir|patente[ \t]+di[ \t]+guida|rijbewijs)"
)


class UsDriverLicenseRecognizer(FastPatternRecognizer):
    """Driver's licence numbers next to a word that names them. US states use a letter
    and 4-14 digits, 6-12 digits, or two letters and digits; the UK's sixteen-character
    number (surname, birth date, initials) is matched too. Without the word these are
    just codes, so the word is required."""

    ENTITY = "US_DRIVER_LICENSE"
    PATTERNS = (
        Pattern(
            "pii.driver_license",
            _CUE + FILLER + START
            + r"(?P<v>[A-Z]{1,2}\d{4,14}|\d{6,12}|[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2})" + END,
            0.85,
        ),
    )  # fmt: skip
    WORD_ANCHORS = True
    ANCHORS = ("driver", "driving", "dl", "führerschein", "fuhrerschein", "permis", "licencia",
               "carnet", "patente", "rijbewijs")  # fmt: skip
    REACH = (0, 72)
