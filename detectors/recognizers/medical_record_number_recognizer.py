from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

_CUE = (
    r"(?:(?i:\bmrn|medical[ \t]+record|med\.?[ \t]+rec(?:ord)?\.?|hospital[ \t]+(?:number|no\b|#)|"
    r"chart[ \t]+(?:number|no\b|#)|patient[ \t]+(?:id\b|number|no\b|#)|health[ \t]+record|"
    r"record[ \t]+number|krankenakte|fallnummer|patientennummer|patienten-?id|"
    r"dossier[ \t]+m[ée]dical|n°[ \t]+de[ \t]+dossier|historia[ \t]+cl[ií]nica|\bnhc\b|"
    r"cartella[ \t]+clinica|pati[eë]ntnummer|journalnummer|journalnr|patientjournal|"
    r"n[°º]?[ \t]*(?:de[ \t]+)?patient|numero[ \t]+(?:di[ \t]+)?paziente|"
    r"n[uú]mero[ \t]+de[ \t]+(?:paciente|prontu[aá]rio|historia)|prontu[aá]rio|"
    r"numer[ \t]+(?:historii[ \t]+choroby|pacjenta))|カルテ番号|カルテ|診察券番号|患者番号|患者ID|"
    r"병록번호|환자[ \t]?번호|차트[ \t]?번호|등록번호|病历号|病案号)"
)


class MedicalRecordNumberRecognizer(FastPatternRecognizer):
    """Medical record numbers (HIPAA Safe Harbor identifier 8) next to a word that names
    them: "MRN: 00123456", "medical record # MR-4471234", "Krankenakte 8812345". Five to
    twelve digits, optionally after a short letter prefix."""

    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.medical_record_number",
            # "MRN-197599", "E071830301", "75-048332", "MR 2024-55821"
            _CUE
            + FILLER
            + START
            + r"(?!\d{1,2}-(?:19|20)\d\d(?!\d))"  # "12-2024": a month, not a record
            + r"(?P<v>(?:[A-Z]{1,4}-?)?(?:\d{5,12}|\d{2,6}-\d{3,8}(?:-\d{1,4})?))"
            + END,
            0.85,
        ),
    )
    WORD_ANCHORS = frozenset(("mrn", "nhc"))
    ANCHORS = ("mrn", "medical record", "med. rec", "med rec", "hospital", "chart", "patient",
               "health record", "record number", "krankenakte", "fallnummer", "patienten",
               "dossier", "historia", "nhc", "cartella", "patiënt", "journalnummer",
               "journalnr", "patientjournal", "paziente", "paciente", "prontu", "pacjenta",
               "historii", "カルテ", "診察券", "患者番号", "患者id", "병록", "환자", "차트",
               "등록번호", "病历", "病案")  # fmt: skip
    # the cue may start a few words before its anchor ("n° de dossier", "numero paziente")
    REACH = (24, 72)
