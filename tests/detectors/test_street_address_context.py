"""Street addresses found by their unit, military form, a corner or an address cue, in
any language (detectors/recognizers/street_address_context_recognizer.py), and the
sentences about times, counts and software that share those words but are not
addresses. Only findings the default policy acts on (score >= 0.5) count."""

import pytest

from llmwall.detectors.recognizers.street_address_context_recognizer import (
    StreetAddressContextRecognizer,
)

ADDRESSES = [
    # a unit after the street: any language's street name, the lines after it
    (
        "She lives at 4417 Koivukatu 12 Apt. 3, Tampere, Finland 33100.",
        "4417 Koivukatu 12 Apt. 3, Tampere, Finland 33100",
    ),
    (
        "Ship it to:\nJan Novak\n88 Masarykova 1204 Suite 12\nBRNO\n60200\nThank you!",
        "88 Masarykova 1204 Suite 12\nBRNO\n60200",
    ),
    ("Flat 4 31 Ørnevej 7, 2400 København", "Flat 4 31 Ørnevej 7, 2400 København"),
    (
        "office: 310 Old Mill Road Suite 200, Austin, TX 78701",
        "310 Old Mill Road Suite 200, Austin, TX 78701",
    ),
    # US military post
    (
        "Please mail it to PSC 4120, Box 2231\nAPO AE 09021 before June.",
        "PSC 4120, Box 2231\nAPO AE 09021",
    ),
    ("Unit 3050 Box 17, DPO AP 96338", "Unit 3050 Box 17, DPO AP 96338"),
    ("USNS Comfort\nFPO AA 34055", "USNS Comfort\nFPO AA 34055"),
    # after an address cue: name and house number, or two numbers before the name
    ("Her address: Dózsa György út 14., Szeged", "Dózsa György út 14., Szeged"),
    (
        "My address is\nMaria Rossi\n27 Contrada Sant'Elia 3\nAgrigento",
        "27 Contrada Sant'Elia 3\nAgrigento",
    ),
    ("the courier drops you off at 55 Tammsaare 19, Tartu", "55 Tammsaare 19, Tartu"),
    ("We moved to 1200 45 Kifissias, Athens 11523.", "1200 45 Kifissias, Athens 11523"),
    (
        "Το γραφείο είναι στη διεύθυνση: Ερμού 24, Αθήνα",
        None,
    ),  # a cue in Greek is not known: nothing
    # a corner
    ("Meet me on the corner of 5th Avenue and Broadway at six.", "5th Avenue and Broadway"),
    ("the corner of Lindenallee 4 and Rosenweg", "Lindenallee 4 and Rosenweg"),
]

NOT_ADDRESSES = [
    "The meeting is at 3 PM on Friday.",
    "We moved to 2 new servers last week.",
    "Ship to 5 customers in Europe by Monday.",
    "I live in 3 different cities a year.",
    "The build is on 12 machines now.",
    "Return to 10 Main menu options",
    "Meet at 10 Downing? No, at the office.",
    "The price is at 45 Euros per unit.",
    "Stop at 100 iterations and print the loss.",
    "Sent to 3 reviewers and 2 editors.",
    "Version 2 Suite 3 build 45 passed",
    "Step 1 Open the Settings app. Step 2 Tap Apt 3",
    "Chapter 7 Room 12 of the book",
    "Please return to 2 Factor Auth settings",
    "The file is on Windows 10 and macOS 14.",
    "Our office at 3 Floors up",
    "apt install -y python3.12 libssl3",
    "Microsoft Office Suite 365 for 20 users",
    "I'm on the corner of despair and hope.",
    "Box 2 contains 14 Apples and 3 Pears",
    "My email is at 5 Past 9, I said.",
    "He lives in 2024 now, not in 1999.",
    "The address is 0x00FF1234 in memory.",
    "The unit 5 test failed on floor 3 of the CI farm",
]


def addresses(detector, text):
    return [
        text[f.start : f.end]
        for f in detector.scan(text)
        if f.entity == "STREET_ADDRESS" and f.score >= 0.5
    ]


@pytest.mark.parametrize(("text", "value"), ADDRESSES)
def test_addresses_of_any_language_by_their_context(detector, text, value):
    found = addresses(detector, text)
    assert found == ([value] if value else [])


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_times_counts_and_software_are_not_addresses(detector, text):
    assert addresses(detector, text) == []


def test_the_recognizer_alone_scores_each_form():
    rec = StreetAddressContextRecognizer()
    text = "Mail it to PSC 4120, Box 2231 APO AE 09021 or to 88 Masarykova 1204 Suite 12."
    found = {
        (text[r.start : r.end], r.score, r.recognition_metadata["rule"]) for r in rec.find(text)
    }
    assert ("PSC 4120, Box 2231 APO AE 09021", 0.95, "pii.street_address_military") in found
    assert ("88 Masarykova 1204 Suite 12", 0.85, "pii.street_address_unit") in found
