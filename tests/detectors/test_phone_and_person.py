"""Phone numbers in national and international formats, person names announced by
context, and the NER span clean-up (`refine`, pure Python: no spaCy model needed)."""

import pytest

from llmwall.detectors import recognizers as registry
from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.ner import refine
from llmwall.detectors.recognizers.name_list_recognizer import NameListRecognizer
from llmwall.detectors.recognizers.person_name_recognizer import PersonNameRecognizer
from llmwall.detectors.recognizers.phone_number_recognizer import PhoneNumberRecognizer


@pytest.fixture(scope="module")
def det():
    # the cue recognizer alone (as `detectors.custom`), without the given-name list
    d = Detector(
        DetectorConfig(
            cache_size=0,
            person_names=False,
            disabled=frozenset({"PROMPT_INJECTION"}),
            custom=("llmwall.detectors.recognizers.person_name_recognizer:PersonNameRecognizer",),
        )
    )
    yield d
    d.close()


@pytest.fixture(scope="module")
def default_det():
    d = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    yield d
    d.close()


def found(det, text, entity):
    return [text[f.start : f.end] for f in det.scan(text) if f.entity == entity]


PHONES = [
    ("Office: (03) 5327 1234", "(03) 5327 1234"),
    ("Reach me at 0912 345 6789.", "0912 345 6789"),
    ("+44 20 7946 0958 is the London office", "+44 20 7946 0958"),
    ("06-12345678 mobile", "06-12345678"),
    ("555.123.4567 x123 office", "555.123.4567 x123"),
    ("My number is 555.123.4567 ext. 42", "555.123.4567 ext. 42"),
    # an extension written straight after the digits (Faker's en_US "x" formats)
    ("Reach me at 415-555-2671x789 after ten.", "415-555-2671x789"),
    ("001-415-555-2671x4567", "001-415-555-2671x4567"),
    ("Phone: (415)555-2671x12345", "(415)555-2671x12345"),
    ("desk: +1-415-555-2671ext.55", "+1-415-555-2671ext.55"),
    ("appelez le +33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("WhatsApp +55 11 91234-5678", "+55 11 91234-5678"),
    ("call 0049 30 1234567", "0049 30 1234567"),
    ("tel: +1 (415) 555-2671", "+1 (415) 555-2671"),
    ("Call me, my cell is 415 555 2671", "415 555 2671"),
    ("Phone:\n60-56-85-91\n\nE-mail: a@b.org", "60-56-85-91"),
    ("They're not answering at 78 651 450", "78 651 450"),
    ("+46 (0)8 928 571 38 fax", "+46 (0)8 928 571 38"),
    ("(37) 788-063-Office", "(37) 788-063"),
    ("Can someone call me on 01.84.17.61.18? Thanks", "01.84.17.61.18"),
    ("no context, valid US number 415-555-2671 here", "415-555-2671"),
    # international: a +country code (or 00) and a possible length, valid or not
    ("Reach me on +49 30 1234567", "+49 30 1234567"),
    ("ask for +1-984-182-0190 tomorrow", "+1-984-182-0190"),
    ("+447700 208 815 or email", "+447700 208 815"),
    ("or 001-518-640-0854 after six", "001-518-640-0854"),
    # national formats valid in a region, and shapes only phone numbers take
    ("Our branch: 0161 496 0000", "0161 496 0000"),
    ("Ana Lima, (212) 555-0199, ana@example.org", "(212) 555-0199"),
    ("Ana Lima, 28-64-66-98, ana@example.org", "28-64-66-98"),
    # a label glued to the number, one-letter labels, words a few words away
    ("Tel.0161 496 0000", "0161 496 0000"),
    ("Phone:+1 415 555 2671", "+1 415 555 2671"),
    ("M: 0412 345 678", "0412 345 678"),
    ("P: 416 60 039", "416 60 039"),
    ("Updated phone number for customer Ana Lima Silva: 467 3395", "467 3395"),
    ("you can reach Dr. Ana Lima on 358 0594", "358 0594"),
    # "number" with an owner, before or after
    ("Contact number 9472 7916", "9472 7916"),
    ("I changed my number to 0496 46 46 70 last week", "0496 46 46 70"),
    ("Is 699 956 915 your number?", "699 956 915"),
    ("451 5986 is my new number", "451 5986"),
    ("(99) 645-791 x12 is my number", "(99) 645-791 x12"),
]


@pytest.mark.parametrize(("text", "phone"), PHONES)
def test_phone_formats(det, text, phone):
    assert found(det, text, "PHONE_NUMBER") == [phone]


def test_phone_with_plus_beats_card_checksum(det):
    text = "930.167.3943 fax\n+447700677662 mobile"
    assert found(det, text, "PHONE_NUMBER") == ["930.167.3943", "+447700677662"]
    assert found(det, text, "CREDIT_CARD") == []


NOT_PHONES = [
    "Call me at 10:30 tomorrow",
    "call me on 2024-05-01 please",
    "When: 2000-04-16 11:34:35\nWhere: the club",
    "Phone model: iPhone 15 Pro, price 1 299 000",
    "contact us about order #12345678",
    "we hope to reach 10 000 000 users",
    "call the function at line 1234567",
    "text: 2023 2024 2025",
    "call me 09.30-10.30",
    "call between 2020-2024",
    "call now for $1 999 999 999",
    "phone OS version 10.3.1.12345",
    "call me 2.5.0.1234 build",
    "my driver's license number is 2270-66-1551",
    "The population was 8 336 817 in 2019.",
    "The office is at 17031 2202 Rissik St Apt. 050",
    "Invoice 2023-000123 total 1 234 567.89 EUR",
    "version 3.14.15 released",
    "the screen is 3840x2160 and the panel 2560x1440",
    "hash 4155552671xyz and 0x4155552671",
    # look-alikes: dates, versions, order and invoice numbers, IPs, cards, ZIP codes,
    # times, prices, ISBNs, coordinates, decimals, timestamps, codes
    "The meeting is on 2024-05-01 at 10:30.",
    "Call me on 12.05.2024 please",
    "born 05/12/1987, call me",
    "Upgrade to version 10.2.3.4567 now",
    "release 2.0.0-rc.1234567",
    "my order number is 1234 5678 90",
    "Invoice INV-2024-000123 total",
    "invoice no. 2023 4567 890",
    "server at 192.168.100.200 port 8080",
    "pay with 5500-0000-0000-0004",
    "ZIP 90210-1234, call us",
    "zip code 10001 and 10002",
    "open 09:00-17:00 Mon-Fri call us",
    "The train leaves at 10:45 and arrives 12:30",
    "price: $1,234,567.89",
    "it costs 1.234.567,00 EUR",
    "ISBN 978-3-16-148410-0",
    "isbn 978 0 306 40615 7",
    "coordinates 40.7128, -74.0060",
    "at 48.858844, 2.294351 you find the tower",
    "lat -33.8688 lon 151.2093",
    "the ratio is 0.123456789",
    "timestamp 1700000000123",
    "Population (2020) 123-456",
    "Tracking number 1Z 999 AA1 0123 4567 84",
    "room 12-34-56-78 on floor 3",
    "MAC 00-1A-2B-3C-4D-5E",
    "What a number: 1 234 567",
    "the number of users is 12345678",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_not_phones(det, text):
    assert found(det, text, "PHONE_NUMBER") == []


def test_phone_not_inside_ip_card_or_ssn(det):
    text = "phone: 192.168.1.1, card 4111 1111 1111 1111, ssn 536-22-1234"
    assert found(det, text, "PHONE_NUMBER") == []


def test_phone_regions_are_a_constructor_option():
    assert PhoneNumberRecognizer().regions == PhoneNumberRecognizer.REGIONS
    # a German landline without context is valid only with DE among the regions
    text = "Ruf 030 12345678 zurück"
    assert [(r.start, r.end) for r in PhoneNumberRecognizer(regions=["DE"]).find(text)] == [(4, 16)]
    assert PhoneNumberRecognizer(regions=["US"]).find(text) == []


PERSONS = [
    ("Hello, my name is Ana Lima and I need help.", ["Ana Lima"]),
    ("Ich heiße Rohan O'Connor. Können Sie helfen?", ["Rohan O'Connor"]),
    ("Name: Toshimi Arata\nPhone: 0490 75 40 81", ["Toshimi Arata"]),
    ("Could you please correct it to Mr. Fábio Barros?", ["Fábio Barros"]),
    ("Hello, this is Dr. Kyle Kuefer. Who are you?", ["Kyle Kuefer"]),
    ("Dear Jonas,\nthanks for the update.", ["Jonas"]),
    ("See you soon.\n\nKind regards,\nMaria Schmidt\n", ["Maria Schmidt"]),
    ("From: Jamie Smith <jamie.smith@example.com>", ["Jamie Smith"]),
    ("What's your last name? Boyle", ["Boyle"]),
    ('Koppány: "Who are you?"', ["Koppány"]),
    ("Elizabeth said I'm Amanda's daughter", ["Amanda"]),
    ("I would like to remove my kid Lukas from the will.", ["Lukas"]),
    ("Jacob lives on 90 Whitchurch Road", ["Jacob"]),
    ("Tomomi Nishiyama lives at 86036 Rua do Arenque", ["Tomomi Nishiyama"]),
    ("my name is vitoria and i need help", ["vitoria"]),
    ("sometimes people call me višeslav", ["višeslav"]),
    # an occupation or relation before a first and a last name
    ("The songwriter Radka Dvořáková wrote it in 1998.", ["Radka Dvořáková"]),
    ("Forward it to my colleague Tuomas Halme, please.", ["Tuomas Halme"]),
    ("as confirmed by attorney Siobhán Mac Giolla", ["Siobhán Mac Giolla"]),
]


@pytest.mark.parametrize(("text", "names"), PERSONS)
def test_person_by_context(det, text, names):
    assert found(det, text, "PERSON") == names


NOT_PERSONS = [
    "I'm sorry, I am not sure this is OK.",
    "Mercury <hello@mercury.com> sent a receipt",
    "Name: Spirit II E-210 Gas Grill",
    "Turn left at 12 Oak Dr. Springfield is next.",
    "This is The Best Day of my life",
    "Hi team, the build is green.",
    "My name is not important.",
    "the report names Paris and Berlin as options",
    "i am tired of this, this is fine",
    "The cat lives in the garden",
    "It was born in 2019 as a side project",
    # an occupation before an organisation, a product or one word
    "Ask the developer Tools Team about it",
    "the producer Warner Bros announced",
    "the client Settings Page is broken",
    "player Two wins the round",
]


@pytest.mark.parametrize("text", NOT_PERSONS)
def test_not_person(det, text):
    assert found(det, text, "PERSON") == []


def test_person_recognizer_is_opt_in_and_tries_rules_only_at_cues():
    assert "PERSON" not in {r.ENTITY for r in registry.PII_AND_SECRETS}
    rec = PersonNameRecognizer()
    assert rec.find("no cue here: Ana Lima") == []
    text = "x " * 5000 + "\nRegards,\nAna Lima\n"
    assert [text[r.start : r.end] for r in rec.find(text)] == ["Ana Lima"]


def spans(text, refined):
    return [text[s:e] for entity, s, e, _ in refined if entity == "PERSON"]


def test_refine_coordinated_names():
    text = "They had 6: Gaetane, Hannah, Anthony, Derek, Anna and Andrew."
    i = text.index("Anthony")
    out = refine(text, [("PERSON", i, i + 7, 0.85)])
    assert spans(text, out) == ["Gaetane", "Hannah", "Anthony", "Derek", "Anna", "Andrew"]


def test_refine_lowercase_text_and_no_spread_to_function_words():
    text = "they had 3: adam, chad and caleb."
    i = text.index("chad")
    assert spans(text, refine(text, [("PERSON", i, i + 4, 0.85)])) == ["adam", "chad", "caleb"]
    text = "Anna and The Beatles"
    assert spans(text, refine(text, [("PERSON", 0, 4, 0.85)])) == ["Anna"]


def test_refine_trims_and_extends():
    text = "Wisława Szczepańska's killers"
    assert spans(text, refine(text, [("PERSON", 0, 22, 0.85)])) == ["Wisława Szczepańska"]
    text = "Ella H. Snider\nOtc Markets"
    assert spans(text, refine(text, [("PERSON", 0, 18, 0.85)])) == ["Ella H. Snider"]
    text = "Ask Maja Hermansen today"
    assert spans(text, refine(text, [("PERSON", 4, 8, 0.85)])) == ["Maja Hermansen"]
    text = "Paris is nice"
    assert refine(text, [("LOCATION", 0, 5, 0.85)]) == [("LOCATION", 0, 5, 0.85)]


def refined(text, *names):
    found = [("PERSON", text.index(n), text.index(n) + len(n), 0.85) for n in names]
    return spans(text, refine(text, found))


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # address parts the small model calls PERSON
        ("He lives on the north side of Joaquin Suarez 2906.", ["Joaquin Suarez"], []),
        ("the corner of ul. Jesionowa 127 and Philip Bypass", ["Jesionowa", "Philip Bypass"], []),
        ("my new address is 159 Eleftheriou Venizelou str", ["Eleftheriou Venizelou"], []),
        ("The restaurant is at 2450 Crown St", ["Crown St"], []),
        ("In 2019 Ana Lima moved", ["Ana Lima"], ["Ana Lima"]),
        # an e-mail's local part, a speaker label
        ("my e-mail MagdaLundberg@teleworm.us?", ["MagdaLundberg"], []),
        ('tracy:"i\'m here"', ["tracy:\"i'm"], ["tracy"]),
        # a firm named after three partners, not three people
        (
            "Tomomi is from Hawkins, Richardson and Santana",
            ["Tomomi", "Hawkins", "Richardson"],
            ["Tomomi"],
        ),
        ("The Davis, Reynolds and Williamson Orchestra", ["Davis", "Reynolds"], []),
        # other mentions of a found name's words
        (
            "directed by Maciej Borkowski and starring Borkowski",
            ["Maciej Borkowski"],
            ["Maciej Borkowski", "Borkowski"],
        ),
        ("Ask Will Smith. Will you?", ["Will Smith"], ["Will Smith"]),
    ],
)
def test_refine_drops_non_persons_and_adds_mentions(text, names, expected):
    assert refined(text, *names) == expected


NAME_LIST = [
    ("Why is Rebecca so impulsive?", ["Rebecca"]),
    ("I want to add Marcus Paulsen as a beneficiary", ["Marcus Paulsen"]),
    ("Ella H. Snider\nOtc Markets", ["Ella H. Snider"]),
    ("Ask Ana at the desk.", ["Ana"]),
    ("Will you grant May a day off in June?", []),
    ("Thomas Inc. and Oak Street", ["Thomas"]),
    # surnames that are also words or ambiguous given names
    ("Meeting with Jessica Lee tomorrow at 10.", ["Jessica Lee"]),
    ("Send it to Robert Brown in sales.", ["Robert Brown"]),
    ("Laura Monday is not a name, Laura is", ["Laura", "Laura"]),
    ("THOMAS is an acronym here, and thomas is lowercase", []),
]


@pytest.mark.parametrize(("text", "names"), NAME_LIST)
def test_name_list(text, names):
    rec = NameListRecognizer()
    assert [text[r.start : r.end] for r in rec.find(text)] == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Klantgegevens: Thijs van der Meer, BSN volgt", "Thijs van der Meer"),
        ("Merci de rappeler Aurélie Le Goff au bureau", "Aurélie Le Goff"),
        ("Maria de la Cruz called about the invoice", "Maria de la Cruz"),
        ("Caller MARY BROWN verified identity", "MARY BROWN"),
        ("Guest: Su-ah Cho — passport pending", "Su-ah Cho"),
        ("Dear Dr. Diallo, thank you for seeing me", "Diallo"),
    ],
)
def test_particles_capitals_labels_and_titles(default_det, text: str, name: str) -> None:
    assert name in found(default_det, text, "PERSON")


@pytest.mark.parametrize(
    "text",
    [
        "Driver Assistance Package is optional",
        "Customer Success Manager role opens soon",
        "see the Contact Us page",
        "Guest Wifi Network is down",
        "Member Benefits Portal login",
        "Oak Dr. Springfield",
        "BILL PAYMENT DUE",
    ],
)
def test_role_words_before_ordinary_capitals_are_not_names(default_det, text: str) -> None:
    assert found(default_det, text, "PERSON") == []
