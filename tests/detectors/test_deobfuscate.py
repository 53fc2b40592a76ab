"""PII and secrets behind Unicode tricks and encodings, found on the original text."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.detectors.deobfuscate import hidden_findings
from llmwall.detectors.engine import Detector

DETECTOR = Detector()
KEY = "AKIAQ7RZP4XK2M5TNWLB"
EMAIL = "maria.lopez@example.com"
FULL = "".join(chr(ord(c) + 0xFEE0) for c in EMAIL)


def _found(text: str) -> list[tuple[str, str]]:
    return [
        (f.entity, text[f.start : f.end])
        for f in DETECTOR.scan(text)
        if f.entity != "PROMPT_INJECTION"
    ]


@pytest.mark.parametrize(
    ("text", "entity", "span"),
    [
        (f"key {KEY[:4]}\u200b{KEY[4:]} x", "AWS_ACCESS_KEY_ID", f"{KEY[:4]}\u200b{KEY[4:]}"),
        (
            f"key {KEY[:6]}\u2060\u200d{KEY[6:]}",
            "AWS_ACCESS_KEY_ID",
            f"{KEY[:6]}\u2060\u200d{KEY[6:]}",
        ),
        (f"key {KEY[:8]}\u00ad{KEY[8:]}", "AWS_ACCESS_KEY_ID", f"{KEY[:8]}\u00ad{KEY[8:]}"),
        (f"mail {FULL} now", "EMAIL_ADDRESS", FULL),
        (
            "mail m\u0430ria.l\u043epez@example.com",
            "EMAIL_ADDRESS",
            "m\u0430ria.l\u043epez@example.com",
        ),
        (
            f"t {base64.b64encode(KEY.encode()).decode()} e",
            "AWS_ACCESS_KEY_ID",
            base64.b64encode(KEY.encode()).decode(),
        ),
        (
            f"t {base64.urlsafe_b64encode(EMAIL.encode()).decode().rstrip('=')}",
            "EMAIL_ADDRESS",
            base64.urlsafe_b64encode(EMAIL.encode()).decode().rstrip("="),
        ),
        (
            "mailto:maria.lopez%40example%2Ecom",
            "EMAIL_ADDRESS",
            "mailto:maria.lopez%40example%2Ecom",
        ),
        # character references and backslash escapes, as pasted from HTML or a JSON dump
        ("write to maria.lopez&#64;example.com", "EMAIL_ADDRESS", "maria.lopez&#64;example.com"),
        ("<td>maria.lopez&commat;example&period;com</td>", "EMAIL_ADDRESS", None),
        (f"key {KEY[:4]}&#x{ord(KEY[4]):x};{KEY[5:]}", "AWS_ACCESS_KEY_ID", None),
        ("ssn: 536\\u002d22\\u002d8734", "US_SSN", "536\\u002d22\\u002d8734"),
        # spelled out a character at a time, or with [at] and [dot]
        (f"the key is {' '.join(KEY)} ok", "AWS_ACCESS_KEY_ID", " ".join(KEY)),
        ("my ssn is 5 3 6 - 2 2 - 8 7 3 4", "US_SSN", "5 3 6 - 2 2 - 8 7 3 4"),
        (
            "mail maria.lopez [at] example [dot] com",
            "EMAIL_ADDRESS",
            "maria.lopez [at] example [dot] com",
        ),
        ("mail maria.lopez(AT)example.com", "EMAIL_ADDRESS", "maria.lopez(AT)example.com"),
    ],
)
def test_hidden_values_are_found_on_their_original_characters(
    text: str, entity: str, span: str | None
) -> None:
    found = _found(text)
    if span is None:  # the whole token that holds the escapes
        assert any(e == entity and " " not in s and len(s) > 20 for e, s in found), found
    else:
        assert (entity, span) in found


@pytest.mark.parametrize(
    "text",
    [
        "plain words and code_like_identifiers_with_underscores everywhere",
        "a path /usr/local/lib/python3.13/site-packages/thing",
        base64.b64encode(bytes(range(40))).decode(),  # base64 of binary: nothing to read
        "日本語のテキスト、「引用」と全角の記号。",  # full-width punctuation, no values
        "caf\u00e9 na\u00efve \u201cquoted\u201d \u2014 dash",
        "100%25 sure, 50%20off",
        "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; &#8212; a dash, C:\\x41\\users",
        "the digits 1 0 0 1 0 1 1 0 1 0 1 1 0 in binary, and a b c d e f g h",
        "look at (at) this [at] the end",
    ],
)
def test_ordinary_text_gives_no_hidden_findings(text: str) -> None:
    assert hidden_findings(text, DETECTOR._scan_patterns) == []


INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])


@given(st.lists(st.tuples(st.integers(1, len(KEY) - 1), INVISIBLE), max_size=4))
@settings(max_examples=60, deadline=None)
def test_invisible_characters_anywhere_in_a_key_do_not_hide_it(cuts: list[tuple[int, str]]) -> None:
    hidden = KEY
    for pos, ch in sorted(cuts, reverse=True):
        hidden = hidden[:pos] + ch + hidden[pos:]
    text = f"my key is {hidden} ok"
    found = [f for f in DETECTOR.scan(text) if f.entity == "AWS_ACCESS_KEY_ID"]
    assert found and text[found[0].start : found[0].end] == hidden
