from __future__ import annotations

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.street_address_recognizer import (
    NAME_FIRST,
    PATTERNS,
    matches_to_results,
)


class StreetAddressNamedRecognizer(FastPatternRecognizer):
    """Street addresses written name first, the house number after: German, Dutch and
    Nordic street suffixes ("Hauptstraße 5", "Kerkstraat 12", "Storgatan 3") and
    Spanish, Italian, Portuguese and Polish prefixes ("Calle Mayor 10", "Via Roma 12",
    "Rua Augusta, 22", "ul. Długa 7"), with the postcode and town after. It runs only
    around those words (the Aho-Corasick anchors)."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = PATTERNS
    # the prefixes start a word; the suffixes end one ("Sonnenweg", "Herenlaan", "Bergstr.")
    WORD_ANCHORS = frozenset(
        {"c/", "av.", "via ", "rua ", "ul.", "al.", "os.", "pl.", "rue ", "place ", "quai "}
    )
    ANCHORS = (
        "straße", "strasse", "str.", "gasse", "allee", "platz", "damm", "chaussee", "straat",
        "laan", "plein", "gracht", "kade", "singel", "gatan", "vägen", "gränd", "torget",
        "weg ", "calle ", "c/", "avenida", "avda", "av.", "paseo", "plaza", "carrer", "camino",
        "ronda", "travesía", "via ", "viale", "piazza", "corso", "vicolo", "largo", "rua ",
        "travessa", "praça", "alameda", "estrada", "ul.", "al.", "os.", "pl.", "ulica",
        "aleja", "rue ", "avenue ", "boulevard ", "chaussée ", "place ", "quai ", "chemin ",
        "allée ",
    )  # fmt: skip
    REACH = (40, 120)

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        windows = spans if spans is not None else [(0, len(text))]
        return matches_to_results(
            self, (m for s, e in windows for m in NAME_FIRST.finditer(text, s, e))
        )
