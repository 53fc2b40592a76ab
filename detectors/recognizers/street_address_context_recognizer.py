"""Street addresses found by what surrounds them rather than by a street-type word: a
unit ("Apt. 595", "Suite 838") after a house number and street name, the US military
forms (PSC / Unit ... Box ..., APO / DPO / FPO), "the corner of X and Y", and a number
plus street name after an address cue ("lives at", "address:", "sent to"). These catch
the streets of any language ("28245 Puruntie 82 Apt. 595", "Rákóczi út 66."), which no
gazetteer of street types can list, with the town, state, country and postcode lines
that follow.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, LiteralScanner, starts_of

_CAP = "A-ZÀ-ÖØ-ÞĀ-ŽΆ-ΩА-Я"
# a house number: "82", "66.", "12b", "12-14", "7/3"
_NUM = r"\d{1,6}(?:st|nd|rd|th|[A-Za-z])?(?:[\-/]\d{1,4}[A-Za-z]?)?\.?(?![\w\-])"
_NUM_LEAD = r"(?<![\w.,\-/+])" + _NUM
# the words that follow a number in a sentence about time, size or counts ("at 3 PM",
# "on 5 servers"): never a street
_NOT_STREET = (
    r"(?!(?i:a\.?m\b|p\.?m\b|am\b|pm\b|percent|per\b|min|sec|hour|hr|day|week|month|year|"
    r"time|o'clock|gb\b|mb\b|kb\b|tb\b|ms\b|jan|feb|mar\b|march|apr|may\b|jun|jul|aug|sep|"
    r"oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|of\b|or\b|and\b|to\b|in\b|at\b|on\b|the\b|"
    r"past\b|half\b|quarter\b|till\b|until\b|utc\b|gmt\b|cet\b|est\b|pst\b|items?\b|people|users?\b|more\b|less\b|x\b))"
)
_SMALL = r"(?:de|la|le|du|des|del|dei|della|di|da|do|dos|das|van|der|den|von|am|an|im|u\.|z|e|y|i)"
_WORD_CAP = r"(?:[" + _CAP + r"][\w'’\-]*\.?|" + _SMALL + r"(?![^\W\d_]))"
_WORD_ANY = r"[^\W\d_][\w'’\-]*\.?"
_WS = r"[ \t]+"
_CAPS = _WORD_CAP + r"(?:" + _WS + _WORD_CAP + r"){0,4}"
# a capitalised name whose later words may be lowercase street words ("Rákóczi út",
# "Merineitsi põik", "Hegedûs Gyula utca"), never the words that join a list
_NAMED = (
    r"[" + _CAP + r"][\w'’\-]*\.?(?:" + _WS + r"(?!(?i:and|or|of|to|in|x|by|from|for|with)\b)"
    + _WORD_ANY + r"){0,3}"
)  # fmt: skip
# streets that carry their own evidence, in any language: a building number, the name
# and the house number ("28245 Puruntie 82"), or two numbers before the name ("9816 214
# Pavlou Drandaki")
_STREET_NUMBERED = (
    r"(?:" + _NUM_LEAD + _WS + _NOT_STREET + r"(?:" + _NAMED + _WS + _NUM
    + r"|" + _NUM + _WS + _NOT_STREET + _CAPS + r"))"
)  # fmt: skip
# ... or a number before a name of two or more words ("22 Acacia Grove"): with a unit
# or after a strong cue
_STREET_NUMBER_WORDS = (
    _NUM_LEAD + _WS + _NOT_STREET + _WORD_CAP + r"(?:" + _WS + _WORD_CAP + r"){1,4}"
)
# name first with the house number after ("Pivovarská 276"): only after a strong cue
_STREET_NAME_FIRST = r"(?<![\w'’\-])" + _NAMED + _WS + _NUM
_UNIT = (
    r"(?i:apt|apartment|suite|ste|unit|flat|room|rm|floor|fl|bldg|building|p\.?[ \t]?o\.?"
    r"[ \t]?box)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?(?![\w\-])"
)
_UNITS = r"(?:(?:[ \t]*,)?[ \t]*(?:\n[ \t>?]*)?" + _UNIT + r"){1,3}"
_POSTCODE = (
    r"(?:\d{4,6}(?:-\d{3,4})?|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}[ \t]?[A-Z]{2}"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})(?![\w\-])"
)
# the parts after the street, each after a comma or on its own line: towns, a state
# code, a country ("Cyprus (Greek)"), and last a postcode, maybe with a town on its
# line ("10115 Berlin"); a part after a mere space only in capitals ("OULU NO"). The
# postcode ends the address: a capitalised line after it ("Thanks") is not a town.
_TOWN = (
    r"[" + _CAP + r"][\w'’\-]+\.?(?:[ \t]+" + _WORD_CAP + r"){0,3}"
    r"(?:[ \t]*\([" + _CAP + r"]\w*\))?"
)
_UPPER_TOWN = (
    r"[" + _CAP + r"][^\W\d_a-zß-ÿ]+(?:[ \t]+[" + _CAP + r"][^\W\d_a-zß-ÿ]+){0,2}(?![\w'’\-])"
)
_BREAK = r"(?:[ \t]*,[ \t]*(?:\n[ \t>?]*)?|[ \t]*\n[ \t>?]*)"
_PART = r"(?:" + _BREAK + _TOWN + r"|[ \t]+" + _UPPER_TOWN + r")"
_POSTED = (
    r"(?:" + _BREAK + r"|[ \t]+)(?:" + _TOWN + r"[ \t]+)?" + _POSTCODE
    + r"(?:[ \t]+" + _TOWN + r")?"
)  # fmt: skip
_TAIL = r"(?P<tail>" + _PART + r"{0,3}(?:" + _POSTED + r")?)"
# a tail that holds a postcode: what lets a name-first street with a unit count
_TAIL_POSTCODE = _PART + r"{0,3}" + _POSTED
_CUE = (
    r"(?i:\blives?[ \t]+(?:at|on|in)|\bliving[ \t]+at"
    r"|\bresides?[ \t]+at|\bmoved[ \t]+to|\blocated[ \t]+(?:at|on)|\b(?:sent|send|ship|shipped"
    r"|deliver|delivered|mail|mailed|return|forward)[ \t]+(?:it[ \t]+|this[ \t]+)?to"
    r"|\bdrops?[ \t]+(?:you[ \t]+)?off[ \t]+at|\bstop[ \t]+at|\b(?:is|are|meet|meet[ \t]+us)"
    r"[ \t]+at|\benter[ \t]+on|\barrived[ \t]+at|\bis[ \t]+on|\bside[ \t]+of|\bnow[ \t]+live"
    r"[ \t]+in|\bvisit[ \t]+us[ \t]+at|\boffice[ \t]+at)"
)
_STRONG_CUE = r"(?i:\baddress(?:es)?(?:[ \t]+is)?[ \t]*[:\-]?|\bhere's[ \t]+\w+'s[ \t]+address:?)"
# after the cue: maybe a line holding the addressee's name, then the street
_AFTER_CUE = (
    r"[ \t]*(?:\n[ \t>?]*){0,2}(?:" + _WORD_CAP + r"(?:[ \t]+" + _WORD_CAP
    + r"){1,3}[ \t]*\n[ \t>?]*)?(?P<v>(?:(?P<weak_ok>" + _STREET_NUMBERED + r"|"
    + _STREET_NUMBER_WORDS + r"(?=" + _UNITS + r"))|(?P<strong_ok>" + _STREET_NAME_FIRST
    + r"|" + _STREET_NUMBER_WORDS + r"))(?:" + _UNITS + r")?" + _TAIL + r")"
)  # fmt: skip
_CORNER_PART = (
    r"(?:" + _NUM_LEAD + _WS + r")?" + _WORD_CAP + r"(?:" + _WS + _WORD_CAP + r"){0,3}"
    r"(?:" + _WS + _NUM + r")?"
)
_CORNER = (
    r"(?i:(?:the[ \t]+)?corner[ \t]+of)[ \t]+(?P<v>(?=[^\n]*?(?:\d|[" + _CAP + r"]))"
    + _CORNER_PART + r"[ \t]+(?:and|&)[ \t]+" + _CORNER_PART + r")"
)  # fmt: skip
_MILITARY = (
    r"(?i:(?:psc|unit|cmr)[ \t]+\d{3,5},?[ \t]+box[ \t]+\d{2,5}|(?:uss|usns|usnsv|uscgc)[ \t]+"
    r"[^\W\d_][\w'’\-]*(?:[ \t]+[^\W\d_][\w'’\-]*)?)[ \t]*,?[ \t]*\n?[ \t>?]*"
    r"(?i:apo|dpo|fpo)[ \t]+(?i:aa|ae|ap)[ \t]+\d{5}(?:-\d{4})?(?!\d)"
)

_UNIT_ADDRESS = (
    r"(?P<v>(?:(?:" + _STREET_NUMBERED + r"|" + _STREET_NUMBER_WORDS + r")" + _UNITS
    + r"|" + _UNIT + _WS + _STREET_NUMBERED
    + r"|" + _STREET_NAME_FIRST + _UNITS + r"(?=" + _TAIL_POSTCODE + r"))" + _TAIL + r")"
)  # fmt: skip
PATTERNS = (
    Pattern("pii.street_address_military", _MILITARY, 0.95),
    Pattern("pii.street_address_unit", _UNIT_ADDRESS, 0.85),
    Pattern("pii.street_address_corner", _CORNER, 0.75),
    Pattern("pii.street_address_cue", _CUE + _AFTER_CUE, 0.7),
)
MILITARY = re.compile(_MILITARY)
UNIT_ADDRESS = re.compile(_UNIT_ADDRESS)
CORNER = re.compile(_CORNER)
UNIT = re.compile(_UNIT)
CUE = re.compile(r"(?:" + _CUE + r"|(?P<strong>" + _STRONG_CUE + r"))")
AFTER_CUE = re.compile(_AFTER_CUE)
_DIGIT = re.compile(r"\d")
_UNIT_OR_POSTCODE = re.compile(_UNIT + r"|[ \t,\n]" + _POSTCODE + r"\s*$")
# the literals each form is searched from: its address starts at most BACK characters
# before the literal (a street before its unit, the verb of "sent to" before "to")
UNIT_WORDS = ("apt", "apartment", "suite", "ste", "unit", "flat", "room", "floor", "bldg",
              "building", "box")  # fmt: skip
MILITARY_WORDS = ("apo ", "dpo ", "fpo ")
CUE_WORDS = (
    "address", "live", "reside", "moved to", "located", "sent to", "send to", "ship",
    "deliver", "mail", "return", "forward", "off at", "stop at", "is at", "are at", "meet",
    "enter on", "arrived at", "is on", "side of", "office at", "here's",
)  # fmt: skip
_SCANNER = LiteralScanner((*UNIT_WORDS, *MILITARY_WORDS, "corner of", *CUE_WORDS))
_UNIT_BACK, _MILITARY_BACK, _CUE_BACK, _AHEAD = 120, 60, 24, 320


class StreetAddressContextRecognizer(FastPatternRecognizer):
    """An address recognised by its unit, its military form, a street corner or an
    address cue before it, in any language. A cued street scores 0.7, 0.9 with a unit or
    a postcode after it; a street with a unit 0.85; the military forms 0.95. Each form
    is tried only from the literal it needs, never over the whole text."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = PATTERNS
    ANCHORS = (*UNIT_WORDS, *MILITARY_WORDS, "corner of", *CUE_WORDS)
    WORD_ANCHORS = True
    REACH = (0, 16)

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        if lower is None:
            lower = text.lower()
        windows = spans if spans is not None else [(0, len(text))]
        found: dict[tuple[int, int], tuple[float, str]] = {}

        def add(start: int, end: int, score: float, rule: str) -> None:
            if (start, end) not in found:
                found[start, end] = (score, rule)

        n = len(text)
        hits = _SCANNER.scan(lower, windows)
        for hit in starts_of(hits, MILITARY_WORDS):
            m = _search_covering(MILITARY, text, max(0, hit - _MILITARY_BACK), hit + 24, hit)
            if m:
                add(*m.span(), 0.95, "pii.street_address_military")
        for hit in starts_of(hits, UNIT_WORDS):
            if UNIT.match(text, hit) is None:
                continue
            m = _search_covering(
                UNIT_ADDRESS, text, max(0, hit - _UNIT_BACK), min(n, hit + _AHEAD), hit
            )
            if m:
                add(*m.span("v"), 0.85, "pii.street_address_unit")
        for hit in starts_of(hits, ("corner of",)):
            m = CORNER.search(text, max(0, hit - 4), min(n, hit + _AHEAD))
            if m:
                add(*m.span("v"), 0.75, "pii.street_address_corner")
        for hit in starts_of(hits, CUE_WORDS):
            if _DIGIT.search(text, hit, hit + 200) is None:  # every cued address has a number
                continue
            cue = CUE.search(text, max(0, hit - _CUE_BACK), min(n, hit + 40))
            if cue is None or cue.end() < hit:
                continue
            m = AFTER_CUE.match(text, cue.end(), min(n, cue.end() + _AHEAD))
            if m is None or (m.group("weak_ok") is None and cue.group("strong") is None):
                continue
            value = m.group("v")
            add(
                *m.span("v"),
                0.9 if _UNIT_OR_POSTCODE.search(value) else 0.7,
                "pii.street_address_cue",
            )
        return [self.result(s, e, score, rule) for (s, e), (score, rule) in found.items()]


def _search_covering(
    rx: re.Pattern[str], text: str, start: int, end: int, hit: int
) -> re.Match[str] | None:
    """The first match of `rx` in text[start:end] that covers position `hit`."""
    pos = start
    while pos <= hit:
        m = rx.search(text, pos, end)
        if m is None or m.start() > hit:
            return None
        if m.end() > hit:
            return m
        pos = m.start() + 1
    return None
