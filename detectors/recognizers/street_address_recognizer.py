"""Street addresses without NER: a gazetteer of street-type words in eight languages,
the house number on the side each country writes it, and the postcode and town after.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer

# capitalised name words of a street, with the small words names contain
_NAME = (
    r"(?:[A-ZÀ-ÞĀ-Ž][\w'’.\-]*|"
    r"(?:de|la|du|des|del|dei|della|di|do|da|das|dos|of|the|le|les|van|der|den|von|am|an|im|in"
    r"|e|y|i)(?![^\W\d_]))"
)
# English street types (after the name) and French ones (before it)
_EN_TYPES = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|"
    r"Pl|Parkway|Pkwy|Terrace|Ter|Close|Crescent|Cres|Square|Sq|Highway|Hwy|Circle|Cir|"
    r"Trail|Row|Mews|Gardens|Grove|Walk|Broadway|Alley|Plaza|Expressway|Parade|Pde|"
    r"Esplanade|Promenade|Quay|Rise|Heights|Causeway|Wharf|Loop|Crest|Freeway|Motorway|"
    r"Turnpike)\b\.?"
)
_FR_TYPES = (
    r"(?:rue|avenue|av\.|boulevard|bd|chemin|allée|allee|impasse|place|quai|route|cours|"
    r"passage|square|rond-point)(?![^\W\d_])"
)
# name-first forms with the house number after: German, Dutch, Swedish suffixes and
# Spanish, Italian, Portuguese, Polish prefixes
_SUFFIX = (
    r"[A-ZÀ-ÞĀ-Ž][\w\-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|"
    r"chaussee|straat|laan|plein|gracht|kade|singel|dijk|gatan|vägen|gränd|torget|stien|vej|gade)"
    r"|(?:[A-ZÀ-ÞĀ-Ž][\w\-]*[ \t]+)(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Ring|Damm)"
)
_PREFIX = (
    r"(?:Calle|C/|Avenida|Avda\.?|Av\.|Paseo|Plaza|Carrer|Camino|Ronda|Travesía|Via|Viale|"
    r"Piazza|Piazzale|Corso|Vicolo|Largo|Rua|Travessa|Praça|Alameda|Estrada|ul\.|al\.|os\.|"
    r"pl\.|ulica|aleja|Laan|Rue|Avenue|Boulevard|Chaussée|Place|Quai|Chemin|Allée)"
    r"[ \t]+(?:" + _NAME + r"[ \t]+){0,4}" + _NAME
)
# "12", "12a", "12/3", "346-hs" (Dutch huis), "12-bis"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[\-/](?:\d{1,4}[A-Za-z]?|[A-Za-z]{1,3}(?![\w\-])))?"
_UNIT = r"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Bldg|#)\.?[ \t]*#?\w{1,5})?"
# what follows a street: a postcode and town (DE, FR, ES, IT, NL, PL, SE, BR, US, UK)
_TOWN = r"[A-ZÀ-ÞĀ-Ž][\w\-'’]+(?:[ \t]+[A-ZÀ-ÞĀ-Ž][\w\-'’]+)?"
_TAIL = (
    r"(?P<tail>[ \t]*,?[ \t]*"
    r"(?:\d{5}(?:-\d{3})?|\d{4}[ \t]?[A-Z]{2}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4})"
    r"[ \t]+" + _TOWN
    + r"|[ \t]*,[ \t]*" + _TOWN + r",?[ \t]+[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?"
    + r"|[ \t]*,[ \t]*" + _TOWN + r",?[ \t]+[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}"
    + r"|[ \t]*,[ \t]*" + _TOWN + r",?[ \t]+(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)[ \t]+\d{4}"
    + r"|[ \t]*,[ \t]*" + _TOWN + r")?"
)  # fmt: skip

# the house number's first digit comes first, so that `re` skips ahead to digits in C
# (a lookbehind first would make it try every position)
_NUMBER_FIRST = re.compile(
    r"\d(?<![\w.,\-/]\d)\d{0,4}" + _NUMBER[len(r"\d{1,5}") :] + r",?[ \t]+(?:"
    r"(?:" + _NAME + r"[ \t]+){1,4}" + _EN_TYPES
    + r"|" + _FR_TYPES + r"(?:[ \t]+" + _NAME + r"){1,5})" + _UNIT + _TAIL
)  # fmt: skip
NAME_FIRST = re.compile(
    r"(?:" + _SUFFIX + r"|" + _PREFIX + r"),?[ \t]+(?:n[º°.][ \t]*)?" + _NUMBER
    + r"(?![\w\-])" + _UNIT + _TAIL
)  # fmt: skip
PATTERNS = (Pattern("pii.street_address", r"(?!)", 0.7),)


class StreetAddressRecognizer(FastPatternRecognizer):
    """A house number, then a capitalised street name and an English street type ("221
    Baker Street") or a French street type and name ("12 rue de la Paix"), with the
    unit, postcode and town that follow. With a postcode or state + ZIP the address is
    certain (0.9); a street alone scores 0.7. The name-first forms of other languages
    are StreetAddressNamedRecognizer's."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = PATTERNS

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        return matches_to_results(self, _NUMBER_FIRST.finditer(text))


def matches_to_results(rec: FastPatternRecognizer, matches) -> list[RecognizerResult]:  # type: ignore[no-untyped-def]
    """Non-overlapping results, 0.9 with a postcode in the tail, else 0.7."""
    out: list[RecognizerResult] = []
    taken: list[tuple[int, int]] = []
    for m in matches:
        start, end = m.span()
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        tail = m.group("tail") or ""
        score = 0.9 if any(c.isdigit() for c in tail) else 0.7
        out.append(rec.result(start, end, score, "pii.street_address"))
    return out
