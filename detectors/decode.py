"""Find encoded blobs (base64, hex, URL-encoding) and decode the ones that hold text."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote

_B64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]?){12,}")
_URL = re.compile(r"(?:%[0-9A-Fa-f]{2}[^%\s]{0,3}){6,}")

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


def decoded_blobs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, decoded text) of each blob that decodes to readable text."""
    found: list[tuple[int, int, str]] = []
    for m in _B64.finditer(text):
        blob = m.group()
        if blob.isalpha() or blob.isdigit():
            continue
        raw = blob.replace("-", "+").replace("_", "/")
        try:
            data = base64.b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            continue
        decoded = _texty(data)
        if decoded:
            found.append((m.start(), m.end(), decoded))
        if len(found) >= MAX_BLOBS:
            return found
    if len(found) < MAX_BLOBS:
        for m in _HEX.finditer(text):
            digits = re.sub(r"[ :]", "", m.group())
            try:
                decoded = _texty(bytes.fromhex(digits[: len(digits) // 2 * 2]))
            except ValueError:
                continue
            if decoded:
                found.append((m.start(), m.end(), decoded))
    if "%" in text and len(found) < MAX_BLOBS:
        for m in _URL.finditer(text):
            decoded = unquote(m.group())
            if decoded != m.group() and " " in decoded:
                found.append((m.start(), m.end(), decoded))
    return found[:MAX_BLOBS]


ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)
# rot13 of words that anchor injection rules: their presence makes a rot13 pass worthwhile
ROT13_ANCHORS = tuple(
    w.translate(ROT13)
    for w in ("ignore", "instructions", "previous", "system prompt", "disregard", "jailbreak")
)
