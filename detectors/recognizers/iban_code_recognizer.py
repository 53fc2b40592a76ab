from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

# Country code -> IBAN length (ISO 13616 registry, SEPA and common others).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


_LOWER_HEX = re.compile(r"[0-9a-f\- ]+")


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").replace("-", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


class IbanCodeRecognizer(FastPatternRecognizer):
    ENTITY = "IBAN_CODE"
    PATTERNS = (
        Pattern(
            "pii.iban",
            r"\b[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]{4}){2,7}(?:[ \-]?[A-Za-z0-9]{1,3})?\b",
            0.5,
        ),
    )
    CONTEXT = ("iban", "bank", "account", "transfer")
    NUMERIC = True

    def value_span(self, match: re.Match[str]) -> tuple[int, int]:
        """The match cut to its country's IBAN length: the greedy pattern also takes a
        following short word ("ES91 ... 1332 thanks" would fail the checksum whole)."""
        start, end = match.span()
        want = IBAN_LENGTHS.get(match.group()[:2].upper())
        if want is None:
            return start, end
        seen = 0
        for k in range(start, end):
            if match.string[k].isalnum():
                seen += 1
                if seen == want:
                    return start, k + 1
        return start, end

    def validate_result(self, pattern_text: str) -> bool | None:
        # lower-case hex in dash-separated groups is a UUID or a trace id, whose groups
        # pass the checksum once in 97 ("ee50ee9b-7df2-4301-..." reads as an Estonian IBAN)
        if "-" in pattern_text and _LOWER_HEX.fullmatch(pattern_text):
            return False
        return iban_ok(pattern_text)
