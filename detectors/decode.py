"""Find encoded blobs (base64, hex, URL-encoding) and decode the ones that hold text;
undo character references (`&#64;`, `&commat;`) and backslash escapes (`\\u0040`)."""

from __future__ import annotations

import base64
import binascii
import html
import re
from urllib.parse import unquote

_B64 = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2}:?){12,}")
# dense escapes ("%69%67%6e...") or a sentence quoted whole ("Ignore%20all%20previous")
_URL = re.compile(r"(?:[^%\s]{0,40}%[0-9A-Fa-f]{2}){4,}[^%\s]{0,40}")
_MIN_BLOB = 24

MAX_BLOBS = 16

# an HTML/XML character reference or a backslash escape, as a model reads it
MARKUP_ESCAPE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2})"
)
_BACKSLASH = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2}))")


def unescape_markup(text: str) -> str | None:
    """`text` with its character references and backslash escapes decoded, or None when
    it has none (the common case costs two `in` tests)."""
    if ("&" not in text and "\\" not in text) or not MARKUP_ESCAPE.search(text):
        return None
    out = html.unescape(text) if "&" in text else text
    if "\\" in out:
        out = _BACKSLASH.sub(_escaped_char, out)
    return out if out != text else None


def peel(token: str, rounds: int = 4) -> str | None:
    """`token` with its percent-encoding and character references undone layer by layer
    (`%2540` -> `%40` -> `@`, `%26%2364%3B` -> `&#64;` -> `@`, `&amp;#64;`, `&#37;40`), at
    most `rounds` layers; None when nothing changed."""
    out = token
    for _ in range(rounds):
        step = unquote(out, errors="replace") if "%" in out else out
        step = unescape_markup(step) or step
        if step == out:
            break
        out = step
    return out if out != token else None


def _escaped_char(m: re.Match[str]) -> str:
    code = int(m.group(1) or m.group(2) or m.group(3), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return m.group(0)
    return chr(code)


def _texty(raw: bytes) -> str | None:
    try:
        out = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not out:
        return None
    letters = sum(c.isalpha() or c == " " for c in out)
    if letters / len(out) < 0.7 or " " not in out.strip():
        return None
    return out


def _candidates(text: str) -> list[tuple[int, str]]:
    """(offset, token) of whitespace-separated tokens long enough to be a blob. Splitting is
    C-speed; a regex over the whole text would restart inside every word."""
    out: list[tuple[int, str]] = []
    toks = text.split()
    if not toks or max(map(len, toks)) < _MIN_BLOB:
        return out
    pos = 0
    for tok in toks:
        if len(tok) >= _MIN_BLOB:
            pos = text.find(tok, pos)
            out.append((pos, tok))
            pos += len(tok)
    return out


def decoded_blobs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) of each blob that decodes to readable text."""
    found: list[tuple[int, int, str]] = []
    for offset, tok in _candidates(text):
        for rx, decode in ((_B64, _b64), (_HEX, _hex), (_URL, _url)):
            for m in rx.finditer(tok):
                decoded = decode(m.group())
                if decoded:
                    found.append((offset + m.start(), offset + m.end(), decoded))
        if len(found) >= MAX_BLOBS:
            break
    return found[:MAX_BLOBS]


def _b64(blob: str) -> str | None:
    if blob.isalpha() or blob.isdigit():
        return None
    raw = blob.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return _texty(base64.b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        return None


def _hex(blob: str) -> str | None:
    digits = blob.replace(":", "")
    try:
        return _texty(bytes.fromhex(digits[: len(digits) // 2 * 2]))
    except ValueError:
        return None


def _url(blob: str) -> str | None:
    decoded = unquote(blob)
    return decoded if decoded != blob and " " in decoded else None


ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)
# rot13 of words that anchor injection rules: their presence makes a rot13 pass worthwhile
_ANCHOR_WORDS = ("ignore", "instructions", "previous", "system prompt", "disregard", "jailbreak")
ROT13_ANCHORS = tuple(w.translate(ROT13) for w in _ANCHOR_WORDS)
# the same words written backwards: a reversed text is then scanned the right way round
REVERSED_ANCHORS = tuple(w[::-1] for w in _ANCHOR_WORDS)
