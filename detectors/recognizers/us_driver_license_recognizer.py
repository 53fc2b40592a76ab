from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

_CUE = (
    r"(?i:driver[’']?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|drivers?[ \t]+lic\b\.?|"
    r"\bdl\b|führerschein|fuhrerschein|permis[ \t]+de[ \t]+conduire|licencia[ \t]+de[ \t]+"
    r"conduc(?:ir|ción)|carnet[ \t]+de[ \t]+conducir|patente[ \t]+di[ \t]+guida|rijbewijs)"
)

# state formats written with separators: Florida and Wisconsin "Z706-894-10-054-7",
# Illinois "S123-4567-8901", Michigan "30 064 236", Washington-style groups
_GROUPED = r"[A-Z]{0,2}\d{1,4}(?:[ \-]\d{2,4}){2,4}(?:-\d)?"
_PLAIN = r"[A-Z]{1,2}\d{4,14}|\d{6,12}|[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}"
# "license" alone names software licences too: a licence number only near a word that
# says driving (the renter, the driver, the vehicle)
_LICENSE = r"(?i:\blicen[cs]e|\blic\.)"
_DRIVING = re.compile(
    r"driv|dmv|vehicle|motorist|renter|rental|car\b|uber|lyft|taxi|chauffeur|traffic|"
    r"insurance|motor|conducteur|conductor|fahrer|autista|bestuurder",
    re.IGNORECASE,
)
_DRIVING_AROUND = 96
_SOFTWARE = re.compile(r"software|product|activation|serial|subscription|seats?\b|key\b", re.I)
_DATE = re.compile(r"(?:19|20)\d\d[ \-]\d{1,2}[ \-]\d{1,2}|\d{1,2}[ \-]\d{1,2}[ \-](?:19|20)\d\d")


class UsDriverLicenseRecognizer(FastPatternRecognizer):
    """Driver's licence numbers next to a word that names them. US states use a letter
    and 4-14 digits, 6-12 digits, or two letters and digits; the UK's sixteen-character
    number (surname, birth date, initials) is matched too. Without the word these are
    just codes, so the word is required."""

    ENTITY = "US_DRIVER_LICENSE"
    PATTERNS = (
        Pattern(
            "pii.driver_license",
            _CUE + FILLER + START + r"(?P<v>" + _GROUPED + "|" + _PLAIN + ")" + END,
            0.85,
        ),
        Pattern(
            "pii.driver_license_license",
            _LICENSE + FILLER + START + r"(?P<v>" + _GROUPED + "|" + _PLAIN + ")" + END,
            0.85,
        ),
    )  # fmt: skip
    WORD_ANCHORS = True
    ANCHORS = ("driver", "driving", "dl", "führerschein", "fuhrerschein", "permis", "licencia",
               "carnet", "patente", "rijbewijs", "license", "licence", "lic.")  # fmt: skip
    REACH = (0, 72)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        digits = sum(c.isdigit() for c in value)
        if not 6 <= digits <= 16 or len(set(value)) <= 2 or _DATE.fullmatch(value):
            return False
        return None

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        out: list[RecognizerResult] = []
        for r in super().find(text, lower, spans):
            if (r.recognition_metadata or {}).get("rule") == "pii.driver_license_license":
                around = text[max(0, r.start - _DRIVING_AROUND) : r.end + _DRIVING_AROUND]
                if _DRIVING.search(around) is None or _SOFTWARE.search(around):
                    continue
            out.append(r)
        return out
