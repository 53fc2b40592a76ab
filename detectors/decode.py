"""Find encoded blobs (base64, hex, URL-encoding) and decode the ones that hold text."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote

_B64 = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2}:?){12,}")
# dense escapes ("%69%67%6e...") or a sentence quoted whole ("Ignore%20all%20previous")
_URL = re.compile(r"(?:[^%\s]{0,40}%[0-9A-Fa-f]{2}){4,}[^%\s]{0,40}")
_MIN_BLOB = 24

MAX_BLOBS = 16


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
