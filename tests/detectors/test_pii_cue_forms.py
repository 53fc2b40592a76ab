"""Cue words and value formats of several languages for ages, birth dates, record,
licence, passport and card-code numbers and phones, and the columns of pasted tables,
each beside look-alikes that must stay unflagged (order numbers, versions, times,
prices, postcodes, dates that are not birth dates). Only findings the default policy acts
on (score >= 0.5) count; names and addresses are left to their own tests. Values are
made up (checksummed ones computed to pass)."""

import pytest

from llmwall.detectors.entities import ENTITIES, Category

_OTHERS = {"PERSON", "STREET_ADDRESS", "LOCATION"}

CASES = [
    # AGE: units and labels of many languages, in a medical or care record
    ("Rx: Marco Bianchi, 77 anni, per dolore al ginocchio", [("AGE", "77")]),
    ("Journalanteckning: Karl Berg, 84 år, sjukhus Solna", [("AGE", "84")]),
    ("Dane pacjenta: Jan Nowak, lat 52, skierowanie", [("AGE", "52")]),
    ("Referral: Tom Hill, 71yo, hip pain since May", [("AGE", "71")]),
    ("Referral: Tom Hill, 71 y/o, hip pain", [("AGE", "71")]),
    ("ED triage: 58F, chest pain, BP 150/90", [("AGE", "58")]),
    (
        "Anna Kurz | MRN 4418207 | age 66 | ward 3",
        [("AGE", "66"), ("MEDICAL_RECORD_NUMBER", "4418207")],
    ),
    ("患者: 山田 花子（63歳）、病院にて診察", [("AGE", "63")]),
    ("환자 김민수 만 38세 남성, 병원 내원", [("AGE", "38")]),
    ("Patient ist 45 Jahre alt und hat Fieber", [("AGE", "45")]),
    ("La patiente a 45 ans, traitement en cours", [("AGE", "45")]),
    ("Paciente de 45 años con fiebre", [("AGE", "45")]),
    ("Patiënt is 45 jaar, ziekenhuis Utrecht", [("AGE", "45")]),
    # AGE look-alikes
    ("The patient waited 45 minutes in the clinic", []),
    ("Revenue rose to 39M, patient volumes flat", []),
    ("Clinic moved to 39 Main St in 2024", []),
    ("Hospital located at lat 41.38, lon 2.17", []),
    ("3세대 환자 관리 시스템", []),
    ("Order 58F-2231 shipped to the clinic", []),
    # a duration is not an age, the age beside it is
    ("Paziente diabetico da 10 anni, 72 anni, ricovero", [("AGE", "72")]),
    ("Patientin seit 5 Jahren in Behandlung, 61 Jahre alt", [("AGE", "61")]),
    ("Patient: operation för 5 år sedan, 44 år", [("AGE", "44")]),
    ("Paciente de 45 años, fiebre hace 3 años", [("AGE", "45")]),
    # DATE_OF_BIRTH: cue words, month-name and CJK formats
    ("Solicitante: nacimiento 03-09-1971, DNI pendiente", [("DATE_OF_BIRTH", "03-09-1971")]),
    ("Cliente | nasc. 14/02/1985 | cel pendente", [("DATE_OF_BIRTH", "14/02/1985")]),
    ("d.o.b. 9-Mar-1958", [("DATE_OF_BIRTH", "9-Mar-1958")]),
    ("DOB: 21/Sep/1949", [("DATE_OF_BIRTH", "21/Sep/1949")]),
    ("生年月日 1988年3月5日", [("DATE_OF_BIRTH", "1988年3月5日")]),
    ("Elle est née le 12 mars 1979 à Lyon", [("DATE_OF_BIRTH", "12 mars 1979")]),
    ("fødselsdato 02.07.1990", [("DATE_OF_BIRTH", "02.07.1990")]),
    # DATE_OF_BIRTH look-alikes
    ("invoice date 9-Mar-1958", []),
    ("release 2024-03-09, version 1.2.3", []),
    ("Meeting on 9-Mar-2024 at 10:30", []),
    # a table whose header names the column
    (
        "name,dob,city\nAna Ruiz,11/04/1962,Madrid\nLe Van Minh,30/08/1975,Hanoi\n",
        [("DATE_OF_BIRTH", "11/04/1962"), ("DATE_OF_BIRTH", "30/08/1975")],
    ),
    (
        "id;Date of Birth;plan\n7;1959-12-01;gold\n",
        [("DATE_OF_BIRTH", "1959-12-01")],
    ),
    ("name,invoice_date,total\nAna Ruiz,11/04/1962,120\n", []),
    (
        "name,tfn,dob\nAna Ruiz,725988156,11/04/1962\nBo Li,680 557 051,30/08/1975\n",
        [
            ("AU_TFN", "725988156"),
            ("DATE_OF_BIRTH", "11/04/1962"),
            ("AU_TFN", "680 557 051"),
            ("DATE_OF_BIRTH", "30/08/1975"),
        ],
    ),
    ("order,total\n725988156,12\n", []),
    ("name,tfn\nAna Ruiz,725988157\n", []),  # check digit fails
    # MEDICAL_RECORD_NUMBER
    ("MRN: 62-118407", [("MEDICAL_RECORD_NUMBER", "62-118407")]),
    ("journalnummer K550913 bifogas", [("MEDICAL_RECORD_NUMBER", "K550913")]),
    ("カルテ番号 MRN-553120、", [("MEDICAL_RECORD_NUMBER", "MRN-553120")]),
    ("カルテ番号 A120394857、", [("MEDICAL_RECORD_NUMBER", "A120394857")]),
    ("patient no. 5521904", [("MEDICAL_RECORD_NUMBER", "5521904")]),
    ("Patientennummer 7730218", [("MEDICAL_RECORD_NUMBER", "7730218")]),
    ("n° de dossier 4410927", [("MEDICAL_RECORD_NUMBER", "4410927")]),
    ("numero cartella clinica 9920314", [("MEDICAL_RECORD_NUMBER", "9920314")]),
    ("hospital number 12-2024", []),
    ("patient no. 3 of 12", []),
    # CARD_VERIFICATION_CODE
    ('{"card": "tok_88", "cvc": "815"}', [("CARD_VERIFICATION_CODE", "815")]),
    ('{"cvv":"402"}', [("CARD_VERIFICATION_CODE", "402")]),
    ("security_code: 7731", [("CARD_VERIFICATION_CODE", "7731")]),
    ("Paid by card, CVV 519.", [("CARD_VERIFICATION_CODE", "519")]),
    ("cvv price 2.50", []),
    ('{"version": "815", "code": "402"}', []),
    # US_DRIVER_LICENSE: state formats with separators
    ("DL# K415-662-73-190-2 for the renter", [("US_DRIVER_LICENSE", "K415-662-73-190-2")]),
    (
        "Driver onboarding: license no. T309-118-40-772-1, insurance",
        [("US_DRIVER_LICENSE", "T309-118-40-772-1")],
    ),
    ("Driver: Sam Lee, license 41 507 883, car pickup", [("US_DRIVER_LICENSE", "41 507 883")]),
    ("software license 1234-5678-9012 for the fleet app", []),
    ("MIT license, version 2024 08 15", []),
    ("DL 2024-08-15 from the mirror", []),
    # US_PASSPORT / PASSPORT after a dash and "it's"
    ("They want my passport # — it's 561204873, right?", [("PASSPORT", "561204873")]),
    # NL_BSN in groups of three
    ("Mijn BSN is 688 136 138, klopt dat?", [("NL_BSN", "688 136 138")]),
    ("order 688 136 138 shipped", []),
    # PHONE_NUMBER: French pairs, Korean after its word, Australian in a table
    ("Merci de rappeler Paul au 06 41 27 83 19.", [("PHONE_NUMBER", "06 41 27 83 19")]),
    ("주소 서울, 휴대폰: 01055512345", [("PHONE_NUMBER", "01055512345")]),
    (
        "name,dob,mobile\nAna Ruiz,11/04/1962,+61 412 305 677\nBo Li,30/08/1975,0412 305 677\n",
        [
            ("DATE_OF_BIRTH", "11/04/1962"),
            ("PHONE_NUMBER", "+61 412 305 677"),
            ("DATE_OF_BIRTH", "30/08/1975"),
            ("PHONE_NUMBER", "0412 305 677"),
        ],
    ),
    ("total 1,234,567 units", []),
    ("pi is 3,1415926535", []),
]


def acted_on(detector, text):
    return sorted(
        (f.entity, text[f.start : f.end])
        for f in detector.scan(text)
        if ENTITIES.get(f.entity) is Category.PII and f.score >= 0.5 and f.entity not in _OTHERS
    )


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_cue_forms(detector, text, expected):
    assert acted_on(detector, text) == sorted(expected)
