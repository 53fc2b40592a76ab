"""Case tables for the issue-15 PII recognizers: (text, expected [(entity, value)]) with
positives, look-alikes and check-digit failures side by side. Only findings the default
policy acts on (score >= 0.5) count. Values are published specimens or computed test
values, not real people's."""

import pytest

from llmwall.detectors.entities import ENTITIES, Category
from llmwall.detectors.recognizers import id_checks

CASES = [
    # UK NINO (shape + word) and NHS (mod 11)
    ("My NINO is AB 12 34 56 C", [("UK_NINO", "AB 12 34 56 C")]),
    ("ref AB123456C in the catalogue", []),
    ("NHS number: 943 476 5919", [("UK_NHS", "943 476 5919")]),
    ("NHS number: 943 476 5918", []),
    # German Steuer-ID (repetition rule + ISO 7064), ID card (ICAO 7-3-1)
    ("Steuer-ID 86095742719", [("DE_TAX_ID", "86095742719")]),
    ("Steuer-ID 86095742718", []),
    ("Personalausweisnummer: L01X00T471", [("DE_ID_CARD", "L01X00T471")]),
    ("Personalausweisnummer: L01X00T472", []),
    # French NIR (key 97), Spanish DNI / NIE (letter mod 23)
    ("numéro de sécu 2 55 08 14 168 025 38", [("FR_NIR", "2 55 08 14 168 025 38")]),
    ("numéro de sécu 2 55 08 14 168 025 39", []),
    ("Mi DNI es 12345678Z.", [("ES_NIF", "12345678Z")]),
    ("Mi DNI es 12345678A.", []),
    ("NIE: X1234567L", [("ES_NIE", "X1234567L")]),
    ("NIE: X1234567M", []),
    # Italian codice fiscale (check letter), without any word
    ("RSSMRA85T10A562S", [("IT_FISCAL_CODE", "RSSMRA85T10A562S")]),
    ("RSSMRA85T10A562T", []),
    # Dutch BSN (11-proof), Polish PESEL, Swedish personnummer (Luhn)
    ("Mijn BSN is 111222333.", [("NL_BSN", "111222333")]),
    ("Mijn BSN is 111222334.", []),
    ("order 111222333 shipped", []),
    ("PESEL: 44051401359", [("PL_PESEL", "44051401359")]),
    ("PESEL: 44051401358", []),
    ("personnummer 811218-9876", [("SE_PERSONNUMMER", "811218-9876")]),
    ("personnummer 811218-9875", []),
    # India: Aadhaar (Verhoeff), PAN (word required)
    ("Aadhaar: 2341 2341 2346", [("IN_AADHAAR", "2341 2341 2346")]),
    ("Aadhaar: 2341 2341 2347", []),
    ("My PAN is ABCPK1234F", [("IN_PAN", "ABCPK1234F")]),
    ("SKU ABCPK1234F in stock", []),
    # Brazil CPF / CNPJ (two mod-11 digits)
    ("CPF: 529.982.247-25", [("BR_CPF", "529.982.247-25")]),
    ("CPF: 529.982.247-26", []),
    ("CNPJ 11.222.333/0001-81", [("BR_CNPJ", "11.222.333/0001-81")]),
    ("CNPJ 11.222.333/0001-82", []),
    # Canada SIN, Australia TFN / Medicare (word required)
    ("SIN: 130 692 544", [("CA_SIN", "130 692 544")]),
    ("SIN: 130 692 545", []),
    ("the build took 130 692 544 cycles", []),
    ("TFN: 123 456 782", [("AU_TFN", "123 456 782")]),
    ("TFN: 123 456 781", []),
    ("Medicare card 2123 45670 1", [("AU_MEDICARE", "2123 45670 1")]),
    # Japan My Number, Korea RRN, Singapore NRIC
    ("マイナンバー：1234 5678 9018", [("JP_MY_NUMBER", "1234 5678 9018")]),
    ("マイナンバー：1234 5678 9019", []),
    ("주민등록번호: 900101-1234568", [("KR_RRN", "900101-1234568")]),
    ("NRIC S1234567D", [("SG_NRIC_FIN", "S1234567D")]),
    ("NRIC S1234567E", []),
    # US: ITIN, ABA routing, passport, driver's licence
    ("ITIN: 912-70-1234", [("US_ITIN", "912-70-1234")]),
    ("routing number 011000015", [("US_BANK_ROUTING", "011000015")]),
    ("routing number 011000016", []),
    ("US passport number 123456789", [("US_PASSPORT", "123456789")]),
    ("Driver's license number: D1234567", [("US_DRIVER_LICENSE", "D1234567")]),
    ("MIT License, version 2", []),
    # UK bank account, EU VAT, passports, medical record numbers
    (
        "Sort code 20-00-00, account number 12345678",
        [("UK_BANK_ACCOUNT", "20-00-00"), ("UK_BANK_ACCOUNT", "12345678")],
    ),
    ("from 20-00-00 to 21-00-00", []),
    ("VAT ID: DE136695976", [("EU_VAT", "DE136695976")]),
    ("VAT ID: DE136695977", []),
    ("numéro de passeport 12AB34567", [("PASSPORT", "12AB34567")]),
    ("MRN: 00123456", [("MEDICAL_RECORD_NUMBER", "00123456")]),
    # dates of birth need a birth word; ages need a clinical word or a label
    ("DOB: 12/03/1985", [("DATE_OF_BIRTH", "12/03/1985")]),
    ("geb. 12. März 1985 in Kiel", [("DATE_OF_BIRTH", "12. März 1985")]),
    ("née le 3 avril 1990", [("DATE_OF_BIRTH", "3 avril 1990")]),
    ("released on 12/03/2021", []),
    ("born in 2091? 01/01/2091 no", []),
    ("A 67-year-old male presented with chest pain.", [("AGE", "67")]),
    ("a 5-year-old laptop is slow", []),
    # street addresses in several countries' forms
    (
        "Ship to 221 Baker Street, London NW1 6XE.",
        [("STREET_ADDRESS", "221 Baker Street, London NW1 6XE")],
    ),
    ("Hauptstraße 5, 10115 Berlin", [("STREET_ADDRESS", "Hauptstraße 5, 10115 Berlin")]),
    ("12 rue de la Paix, 75002 Paris", [("STREET_ADDRESS", "12 rue de la Paix, 75002 Paris")]),
    ("Calle Mayor 10, 28013 Madrid", [("STREET_ADDRESS", "Calle Mayor 10, 28013 Madrid")]),
    # street-type suffixes inside the name's one word (short anchors, not at a word start)
    ("Ship to Sonnenweg 215, 20095 Hamburg", [("STREET_ADDRESS", "Sonnenweg 215, 20095 Hamburg")]),
    ("Adres: Herenlaan 54, 3511 LX Utrecht", [("STREET_ADDRESS", "Herenlaan 54, 3511 LX Utrecht")]),
    ("Address: Bergstr. 68, 50667 Köln", [("STREET_ADDRESS", "Bergstr. 68, 50667 Köln")]),
    ("I walked 5 blocks down Oak Street", []),
    ("Read Chapter 12, Section 4.", []),
    # e-mail on private, reserved and internationalised domains; not files nor ssh remotes
    ("mail alice@corp.internal now", [("EMAIL_ADDRESS", "alice@corp.internal")]),
    ("printer@office.lan", [("EMAIL_ADDRESS", "printer@office.lan")]),
    ("schreib an müller@bücher.de", [("EMAIL_ADDRESS", "müller@bücher.de")]),
    ("иван@пример.рф", [("EMAIL_ADDRESS", "иван@пример.рф")]),
    ("icon@2x.png and lodash@4.17.21", []),
    ("git clone git@github.com:acme/app.git", []),
    # international phones without a phone word; look-alikes are not phones
    ("+55 11 91234-5678", [("PHONE_NUMBER", "+55 11 91234-5678")]),
    ("+7 (916) 123-45-67", [("PHONE_NUMBER", "+7 (916) 123-45-67")]),
    ("+1 415 867 5309", [("PHONE_NUMBER", "+1 415 867 5309")]),
    ("+44 20 7946 0958", [("PHONE_NUMBER", "+44 20 7946 0958")]),
    ("Bestellnummer 2621539513", []),
    ("2^31 - 1 = 2147483647", []),
    ("at 2024-11-05T14:32:08Z the job failed", []),
]


def acted_on(detector, text):
    return sorted(
        (f.entity, text[f.start : f.end])
        for f in detector.scan(text)
        if ENTITIES.get(f.entity) is Category.PII and f.score >= 0.5
    )


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_identifier_cases(detector, text, expected):
    assert acted_on(detector, text) == sorted(expected)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (id_checks.verhoeff_ok, "2363", "2364"),
        (id_checks.nhs_ok, "9434765919", "9434765918"),
        (id_checks.de_tax_id_ok, "86095742719", "86095742710"),
        (id_checks.fr_nir_ok, "255081416802538", "255081416802539"),
        (id_checks.it_fiscal_code_ok, "RSSMRA85T10A562S", "RSSMRA85T10A562A"),
        (id_checks.br_cpf_ok, "52998224725", "11111111111"),
        (id_checks.aba_routing_ok, "011000015", "131000015"),
        (id_checks.sg_nric_ok, "S1234567D", "S1234567A"),
        (id_checks.jp_my_number_ok, "123456789018", "123456789017"),
    ],
)
def test_check_digits(check, good, bad):
    assert check(good)
    assert not check(bad)
