from __future__ import annotations

import re

import ahocorasick
from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer

_AGE = r"(?P<v>1[01]\d|120|\d{1,2})"
# words that put an age in a medical (or care) record: HIPAA counts ages there. "|"
# marks a word boundary the word needs at that end ("er" the ward, not "over")
_MEDICAL_WORDS = (
    "patient", "presented", "presenting", "presents", "admitted", "admission", "diagnos",
    "history of", "symptom", "complain", "pain", "fever", "cough", "diabet", "hypertens",
    "hypertonie", "asthma", "pneumonia", "cancer", "tumor", "tumour", "surgery", "surgical",
    "clinic", "hospital", "ward|", "|icu|", "|er|", "|gp|", "medication",
    "|mg|", "dose", "treatment", "therapy", "discharge", "allerg", "prescri", "nurse",
    "physician", "doctor", "|dr.", "|male|", "|female|", "y/o", "paciente",
    "patientin", "malade", "enfermo", "krank", "traitement", "tratamiento", "behandlung",
    "médecin", "arzt", "ärztin", "|rx|", "|mrn|", "triage", "|nhs|", "|pt|",
    "|hx|", "c/o|", "journalnummer", "patientjournal", "pacjent", "pazient", "ricover",
    "ricetta", "diagnosi", "sjukhus", "vårdcentral", "ziekenhuis", "huisarts",
    "krankenhaus", "患者", "病院", "診", "カルテ", "処方", "症", "환자", "병원", "진료", "처방",
    "증상", "病人", "医院",
)  # fmt: skip
_MEDICAL = ahocorasick.Automaton()
for _w in _MEDICAL_WORDS:
    _lit = _w.strip("|")
    _MEDICAL.add_word(_lit, (len(_lit) - 1, _w.startswith("|"), _w.endswith("|")))
_MEDICAL.make_automaton()


def _medical(lower: str, start: int, end: int) -> bool:
    """A medical word in lower[start:end] (one Aho-Corasick pass: a regex of ninety
    alternatives cost 0.2 ms per window)."""
    for last, (back, word_start, word_end) in _MEDICAL.iter(lower, start, end):
        first = last - back
        if word_start and first > 0 and lower[first - 1].isalnum():
            continue
        if word_end and last + 1 < len(lower) and lower[last + 1].isalnum():
            continue
        return True
    return False


_AROUND = 160
# "39M" / "39F" in a triage line: only next to a clinical abbreviation
_TRIAGE = re.compile(
    r"triage|\bed\b|\ber\b|\bpt\b|\bmrn\b|\bhx\b|c/o\b|presents|presenting|"
    r"complain|\bbib\b|\bams\b|\bgcs\b|\bbp\b",
    re.IGNORECASE,
)
_TRIAGE_AROUND = 48
# a duration, not an age: "for 5 years" before the number ("seit 5 Jahren", "da 10 anni",
# "i 5 år", "od 5 lat", "hace 5 años") or "ago" after it ("5 anni fa", "5 år sedan")
_DURATION_BEFORE = re.compile(
    r"(?:^|[^\w])(?:i|in|for|over|since|seit|vor|nach|depuis|pendant|desde|hace|durante|"
    r"da|per|sinds|al|przez|od|från|efter|sedan|há|ha)[ \t]+$",
    re.IGNORECASE,
)
_DURATION_AFTER = re.compile(
    r"[ \t]+(?:fa|temu|sedan|geleden|siden|zuvor|später|después|dopo|atrás|plus[ \t]+tard)\b",
    re.IGNORECASE,
)


_UNIT_WORDS = "ans años jahre anni jaar lat ani år ár aastat vuotta éves yaşında tuổi лет года год"
_UNITS_AFTER_NUMBER = tuple(_UNIT_WORDS.split())


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
            r"|[ \t]+(?i:ans|años|jahre|jahren|anni|jaar|lat|ani|år|års|ár|aastat|vuotta|"
            r"éves|yaşında|tuổi|лет|года|год)(?![^\W\d_])"
            r"|-?(?i:årig|åring|jarige|jährige[rn]?|vuotias|летний|летняя))",
            0.45,
        ),
        # "（59歳）", "만 45세", "45岁": the count word of Japanese, Korean and Chinese
        Pattern(
            "pii.age_cjk",
            r"(?:만[ \t]?)?(?P<v>\d(?<![\d.,\-]\d)\d{0,2})[ \t]?"
            r"(?:歳|才(?=[）)、,。 ])|세(?![대기])|岁|周岁)",
            0.45,
        ),
        # "39M", "72F": age and sex in a triage note
        Pattern(
            "pii.age_sex",
            r"(?<![\w$€£¥#.,\-/])(?P<v>\d{1,3})(?:[ \t]?y/?o[ \t]?)?[MF](?=[,;/)]|[ \t]+[a-z(]|$)",
            0.45,
        ),
        Pattern(
            "pii.age_label",
            r"(?i:\baged?|\balter|âgée?[ \t]+de|agée?[ \t]+de|\bedad|\bet[àa]|leeftijd|\bwiek|"
            r"\blat|\bålder|\balder|\bidade|\bvozrast|возраст|\bikä|年齢|나이)"
            r"[ \t]*[:=]?[ \t]*" + _AGE + r"(?!\d|[.,:/\-]\d|[ \t]*[°º'′])",
            0.45,
        ),
    )
    # only the label words are word starts: "y/o", "yo" and "m" follow a digit ("68yo")
    WORD_ANCHORS = frozenset(("age", "lat ", "lat:", "ikä", "alder", "edad", "età", "wiek"))
    ANCHORS = ("year-old", "years old", "year old", "years-old", "yrs old", "yr-old", "y/o",
               "y.o.", "vuotias", "årig", "åring", "jarige", "jährige", "летн",
               # a unit word right after a number ("45 ans", "92 år"): not " ans" alone,
               # which every "answer" holds
               *(d + " " + u for d in "0123456789" for u in _UNITS_AFTER_NUMBER),
               "age", "alter", "âgé", "agé", "edad", "età", "leeftijd", "wiek", "lat ", "lat:",
               "ålder", "alder", "idade", "vozrast", "возраст", "ikä", "年齢", "나이",
               "歳", "才", "세", "岁",
               *(d + s for d in "0123456789" for s in ("yo", " yo", "y/o", "yr")),
               # "39M, ...": the sex letter and what follows it, not "10m" in "10min"
               *(d + x + e for d in "0123456789" for x in "mf" for e in " ,;/)\n"),
               *(d + "y/o" + x for d in "0123456789" for x in "mf"),
               *(d + "yo" + x for d in "0123456789" for x in "mf"))  # fmt: skip
    REACH = (12, 24)

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        found = super().find(text, lower, spans)
        if found and (lower is None or len(lower) != len(text)):
            lower = text.lower()
        out: list[RecognizerResult] = []
        for r in found:
            if int(text[r.start : r.end]) > 120:
                continue
            rule = (r.recognition_metadata or {}).get("rule", "")
            if rule == "pii.age" and not text[r.end : r.end + 6].lstrip(" \t-").startswith(
                ("y", "Y")
            ):
                # a unit word of another language ("10 anni", "5 år"), not "years old"
                unit_end = text.find(" ", r.end + 1)
                unit_end = len(text) if unit_end < 0 else unit_end
                if _DURATION_BEFORE.search(text, max(0, r.start - 12), r.start) or (
                    _DURATION_AFTER.match(text, unit_end)
                ):
                    continue
            if rule == "pii.age_sex":
                near = text[max(0, r.start - _TRIAGE_AROUND) : r.end + _TRIAGE_AROUND]
                if _TRIAGE.search(near) is None:
                    continue
            label = rule == "pii.age_label" and ":" in text[max(0, r.start - 3) : r.start]
            if _medical(lower, max(0, r.start - _AROUND), r.end + _AROUND):
                r.score = 0.85
            elif label:
                r.score = 0.6
            out.append(r)
        return out
