"""Person names from a list of given names, without NER or a context cue.

A capitalised given name from the lists (the 1990 US Census given names, and the
international ones of Faker's locales, shipped in `detectors/names/`, see SOURCE.md
there; an international one only with a surname after it) starts a name; the initials
and capitalised words right after it (up to three words in all) extend it. Given names that are also
ordinary words ("Will", "May", "Grant") or places ("Paris") are left out, and so are
words that end firms and streets ("Davis Inc", "Kent Street").
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer

# lower- or upper-case words inside a surname ("van der Meer", "Le Goff", "bin Rahman")
_PARTICLE_WORDS = "van der den de del della di da dos das du von zu bin binti binte al el ibn ter"
PARTICLES = frozenset([*_PARTICLE_WORDS.split(), "ten", "la", "le"])

_NAMES = Path(__file__).resolve().parents[1] / "names"
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")
# a word that starts with a capital letter (Latin, Greek, Cyrillic blocks)
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я][^\W\d_]*(?:['’\-][^\W\d_]+)*\.?")
# the next word of a name: one space, then a word
_NEXT = re.compile(r" ([^\W\d_]+(?:['’\-][^\W\d_]+)*\.?)")
# given names in the list that are, more often than not, something else; many are
# ordinary surnames too ("Jessica Lee", "Tom Brown"), so they may follow a given name
_AMBIGUOUS_WORDS = """
    will may mark bill grant rose hope joy faith june april august rich young long king
    price white brown green black page lane art case chance chase cliff dean drew glen gay
    guy jack lee major miles norman pat penny ray rob sandy skip sue summer troy van
    victor walker wade ward love star sky sun dawn day early late best bonnie golden royal
    christian"""
# never a name in a name's place: the calendar, directions, places, small words
_NEVER_WORDS = """
    dear night tales princess prince lady carry song roma france german paris florence
    georgia virginia carolina dakota jordan israel china india asia lincoln sunday monday
    tuesday wednesday thursday friday saturday january february march july september
    october november december street road north south east west an in on at by is it be
    so do no go me my we us or to the and for but not all are was has had his her can see
    say new one two mi mein mon ma mijn meu il la le el"""
_NOT_GIVEN = frozenset(_AMBIGUOUS_WORDS.split()) | frozenset(_NEVER_WORDS.split())
# words that end a firm or a street, not a name
_NOT_SURNAME_WORDS = """
    inc ltd llc plc gmbh co corp company group bank union investments partners orchestra
    street st road rd drive dr avenue ave lane ln way park place court square boulevard
    bypass apt suite north south east west university college school hospital"""
_NOT_SURNAME = frozenset(_NOT_SURNAME_WORDS.split()) | frozenset(_NEVER_WORDS.split())


@functools.cache
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every given name, the international ones the US list lacks)."""
    us = frozenset((_NAMES / "given_names.txt").read_text(encoding="utf-8").split())
    intl = frozenset((_NAMES / "given_names_intl.txt").read_text(encoding="utf-8").split())
    return (us | intl) - _NOT_GIVEN, intl - us - _NOT_GIVEN


class NameListRecognizer(FastPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = (Pattern("pii.person_name_list", r"(?!)", 0.5),)
    MAX_WORDS = 3

    def __init__(self) -> None:
        super().__init__()
        # an international given name starts a name only with a surname after it: the
        # list is long, and alone "Arch", "Alto" or "Safari" are more often words
        self.given, self.needs_surname = _given_names()

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        """Names in the whole text (`spans` are ignored: every capitalised word is a
        candidate). Only capitalised words are visited: a regex whose first character is
        an upper-case letter lets `re` skip the rest in C."""
        out: list[RecognizerResult] = []
        pos = 0
        while (m := _CAPITALISED.search(text, pos)) is not None:
            start, end, word = m.start(), m.end(), m.group()
            pos = end
            # glued to what comes before (a word, or a redaction tag such as
            # "<CREDIT_CARD>Ha") or after, a two-letter word, or not a given name: no name here
            # (the list lookup first: it rejects nearly every capitalised word)
            core = word.rstrip(".")
            if (
                core.lower() not in self.given
                or len(core) < 3
                or (start and (text[start - 1].isalnum() or text[start - 1] in "'’->+="))
                # glued to a digit or base64 padding after it: a random token ("Tim8B...")
                or (end < len(text) and (text[end].isdigit() or text[end] in "+="))
                or not _capitalised(word)
            ):
                continue
            words = 1
            while words < self.MAX_WORDS:
                if text[end - 1] == "." and end - start > 2 and text[end - 3] != " ":
                    break  # "Priya. Answer ...": a full stop, not an initial, ends the name
                nxt = _NEXT.match(text, end)
                if nxt is None:
                    break
                following = nxt.group(1)
                # "Thijs van der Meer", "Aurélie Le Goff": particles, then the surname
                particles = nxt
                while following.lower() in PARTICLES and (
                    step := _NEXT.match(text, particles.end())
                ):
                    particles, following = step, step.group(1)
                if particles is not nxt:
                    if not _capitalised(following) or following.lower() in PARTICLES:
                        break
                    nxt = particles
                core = following.rstrip(".").lower()
                if not _capitalised(following):
                    break
                if len(core) > 1 and (core in _NOT_SURNAME or following.isupper()):
                    break
                end = nxt.end()
                words += 1
            if words == 1 and word.rstrip(".").lower() in self.needs_surname:
                continue
            last = text[start:end].rsplit(" ", 1)[-1]
            if last.endswith(".") and len(last) > 2:
                end -= 1  # the sentence's full stop, not an initial's
            out.append(self.result(start, end, self.PATTERNS[0].score, self.PATTERNS[0].name))
            pos = end
        return out


def _capitalised(word: str) -> bool:
    """True for "Ana", "J." and "O'Neil"; not for "ANA" (an acronym) nor "ana"."""
    return word[:1].isupper() and not (len(word.rstrip(".")) > 2 and word.isupper())
