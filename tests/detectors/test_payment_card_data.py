"""Payment card data beyond the number: track data, verification codes, PINs."""

from __future__ import annotations

import pytest

from llmwall.detectors.engine import Detector

CASES = [
    # (text, entity expected or None, the value it must cover)
    ("track2: ;4111111111111111=25121010000012345678?", "CARD_TRACK_DATA", "4111111111111111=2512"),
    ("%B4111111111111111^DOE/JANE^2512101000000000000000000?", "CARD_TRACK_DATA", "^DOE/JANE^"),
    ("swipe gave 4111111111111111=251210100000", "CARD_TRACK_DATA", "=2512101"),
    ("CVV: 123", "CARD_VERIFICATION_CODE", "123"),
    ("the card's security code is 4821", "CARD_VERIFICATION_CODE", "4821"),
    ("Kartenprüfnummer 907", "CARD_VERIFICATION_CODE", "907"),
    ("PIN block: 0412AC89ABCDEF67", "CARD_PIN", "0412AC89ABCDEF67"),
    ("my debit card PIN is 4821", "CARD_PIN", "4821"),
    # look-alikes
    ("x=4111111111111112=2512101", None, None),  # Luhn fails
    ("we met at 123 Main St, CVS pharmacy", None, None),
    ("GPIO pin 13 drives the LED", None, None),
    ("the server pin 8080 is open", None, None),
    ("cvv2 is required for all card-not-present payments", None, None),
]


@pytest.mark.parametrize(("text", "entity", "covers"), CASES)
def test_card_data(detector: Detector, text: str, entity: str | None, covers: str | None) -> None:
    kinds = {"CARD_TRACK_DATA", "CARD_VERIFICATION_CODE", "CARD_PIN"}
    found = [f for f in detector.scan(text) if f.entity in kinds and f.score >= 0.5]
    if entity is None:
        assert found == [], found
        return
    assert [f.entity for f in found] == [entity], found
    assert covers is not None and covers in text[found[0].start : found[0].end]
