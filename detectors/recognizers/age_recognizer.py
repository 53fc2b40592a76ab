from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer

_AGE = r"(?P<v>1[01]\d|120|\d{1,2})"
# words that put an age in a medical (or care) record: HIPAA counts ages there
_MEDICAL = re.compile(
    r"patient|presented|presenting|presents|admitted|admission|diagnos|history\s+of|"
    r"symptom|complain|pain|fever|cough|diabet|hypertens|hypertonie|asthma|pneumonia|cancer|"
    r"tumou?r|surgery|surgical|clinic|hospital|ward\b|\bicu\b|\ber\b|\bgp\b|medication|\bmg\b|"
    r"dose|treatment|therapy|discharge|allerg|prescri|nurse|physician|doctor|\bdr\.|"
    r"\bmale\b|\bfemale\b|y/o|paciente|patiente?|patientin|malade|enfermo|krank|"
    r"traitement|tratamiento|behandlung|médecin|arzt|ärztin",
    re.IGNORECASE,
)
_AROUND = 160


class AgeRecognizer(FastPatternRecognizer):
    """A person's age written as one ("67-year-old", "54 years old", "72 y/o", "aged 80",
    "Age: 41", "âgé de 70 ans", "45 Jahre", "edad: 33"). Scored as PII in a medical or
    care context (a clinical word within 160 characters) and after an "Age:" label;
    elsewhere ("a 5-year-old laptop") below the policy's threshold."""

    ENTITY = "AGE"
    PATTERNS = (
        Pattern(
            "pii.age",
            r"(?P<v>\d(?<![\d.,\-]\d)\d{0,2})(?:[ \t]?-?[ \t]?(?i:years?|yrs?)[ \t\-]+(?i:old)\b"
            r"|[ \t]?(?i:y/o|y\.o\.|yo\b|yr-old)"
            r"|[ \t]+(?i:ans|años|jahre|jahren|anni|jaar|lat|ani)\b)",
            0.45,
        ),
        Pattern(
            "pii.age_label",
            r"(?i:\baged?|\balter|âgée?[ \t]+de|agée?[ \t]+de|\bedad|\bet[àa]|leeftijd|\bwiek)"
            r"[ \t]*[:=]?[ \t]*" + _AGE + r"(?!\d|[.,:/\-]\d)",
            0.45,
        ),
    )
    WORD_ANCHORS = True
    ANCHORS = ("year-old", "years old", "year old", "years-old", "yrs old", "yr-old", "y/o",
               "y.o.", "yo ", " ans", " años", " jahre", " anni", " jaar", " lat", " ani",
               "age", "alter", "âgé", "agé", "edad", "età", "leeftijd", "wiek")  # fmt: skip
    REACH = (12, 24)

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        found = super().find(text, lower, spans)
        out: list[RecognizerResult] = []
        for r in found:
            if int(text[r.start : r.end]) > 120:
                continue
            rule = (r.recognition_metadata or {}).get("rule", "")
            around = text[max(0, r.start - _AROUND) : r.end + _AROUND]
            label = rule == "pii.age_label" and ":" in text[max(0, r.start - 3) : r.start]
            if _MEDICAL.search(around):
                r.score = 0.85
            elif label:
                r.score = 0.6
            out.append(r)
        return out
