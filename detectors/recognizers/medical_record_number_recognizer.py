from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.cue_words import END, FILLER, START

_CUE = (
    r"(?i:\bmrn|medical[ \t]+record|med\.?[ \t]+rec(?:ord)?\.?|hospital[ \t]+(?:number|no\b|#)|"
    r"chart[ \t]+(?:number|no\b|#)|patient[ \t]+(?:id\b|number|no\b|#)|health[ \t]+record|"
    r"record[ \t]+number|krankenakte|fallnummer|patientennummer|patienten-?id|"
    r"dossier[ \t]+m[ée]dical|n°[ \t]+de[ \t]+dossier|historia[ \t]+cl[ií]nica|\bnhc\b|"
    r"cartella[ \t]+clinica|pati[eë]ntnummer)"
)


class MedicalRecordNumberRecognizer(FastPatternRecognizer):
    """Medical record numbers (HIPAA Safe Harbor identifier 8) next to a word that names
    them: "MRN: 00123456", "medical record # MR-4471234", "Krankenakte 8812345". Five to
    twelve digits, optionally after a short letter prefix."""

    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.medical_record_number",
            _CUE + FILLER + START + r"(?P<v>(?:[A-Z]{1,3}-?)?\d{5,12})" + END,
            0.85,
        ),
    )
    WORD_ANCHORS = True
    ANCHORS = ("mrn", "medical record", "med. rec", "med rec", "hospital", "chart", "patient",
               "health record", "record number", "krankenakte", "fallnummer", "patienten",
               "dossier", "historia", "nhc", "cartella", "patiënt")  # fmt: skip
    REACH = (0, 72)
