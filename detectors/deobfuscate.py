"""PII and secrets hidden by obfuscation: seen through, reported on the original text.

    hidden_findings(text, scan) -> [Finding]   spans in `text`, never in a decoded copy

Two ways a value escapes a pattern while the model still reads it:

- Unicode: zero-width and bidi characters inside a key (`AKIA\\u200bIOSF...`), full-width
  forms (`ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`), mathematical or circled alphanumerics, tag
  characters, Cyrillic and Greek look-alikes among Latin letters. The text is folded with
  `normalize(lower=False)` (case kept: key patterns are case-sensitive) and scanned again;
  each finding is mapped back through the fold's offsets, so it covers the original
  characters, the invisible ones between them included, and a redaction replaces exactly
  those and leaves the bytes around them as they were.
- Encoding: a value wrapped in base64 (standard or URL-safe) or percent-encoding. Each such
  token that decodes to readable text is scanned; a finding inside it is reported on the
  whole encoded token (redacting it removes the encoded value).

`scan` is the detector's pattern scan (no NER, no injection scoring: those have their own
normalization). Text without suspicious characters or encoded tokens costs one regex
search each.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from urllib.parse import unquote

from llmwall.detectors.finding import Finding
from llmwall.detectors.normalize import normalize

# characters that hide or disguise ASCII: invisible and bidi controls, soft hyphen,
# full-width and half-width forms, circled and mathematical alphanumerics, tags
_SUSPICIOUS = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2460-\u24ff\u3164\ufe00-\ufe0f\ufeff\uff00-\uffef"
    "\U0001d400-\U0001d7ff\U000e0000-\U000e007f]"
    # a Cyrillic or Greek letter touching a Latin letter, a digit or @
    "|[A-Za-z0-9@][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff][A-Za-z0-9@]"
)
_B64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])")
_PCT_TOKEN = re.compile(r"[^\s%]*(?:%[0-9A-Fa-f]{2}[^\s%]*)+")
MAX_TOKENS = 32  # encoded tokens decoded per text
MIN_DECODED = 6

Scan = Callable[[str], list[Finding]]


def hidden_findings(text: str, scan: Scan) -> list[Finding]:
    out: list[Finding] = []
    if not text.isascii() and _SUSPICIOUS.search(text):
        folded = normalize(text, lower=False)
        if folded.text != text:
            for f in scan(folded.text):
                start, end = folded.to_original(f.start, f.end)
                if end > start:
                    out.append(_at(f, start, end, "+unicode"))
    for start, end, decoded, how in _decoded_tokens(text):
        for f in scan(decoded):
            out.append(_at(f, start, end, how))
    return out


def _at(f: Finding, start: int, end: int, how: str) -> Finding:
    return Finding(f.entity, start, end, f.score, f.detector + how, f.rule)


def _decoded_tokens(text: str) -> list[tuple[int, int, str, str]]:
    found: list[tuple[int, int, str, str]] = []
    if "%" in text:
        for m in _PCT_TOKEN.finditer(text):
            unquoted = unquote(m.group(0), errors="replace")
            if unquoted != m.group(0):
                found.append((m.start(), m.end(), unquoted, "+percent"))
            if len(found) >= MAX_TOKENS:
                return found
    for m in _B64_TOKEN.finditer(text):
        token = m.group(0)
        if token.isalpha() or token.isdigit() or (token.isalnum() and token.islower()):
            continue  # a word or a number, not an encoding
        text_of = _b64_text(token)
        if text_of:
            found.append((m.start(), m.end(), text_of, "+base64"))
        if len(found) >= MAX_TOKENS:
            break
    return found


def _b64_text(token: str) -> str | None:
    raw = token.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
        out = data.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if len(out) < MIN_DECODED or (not out.isprintable() and not _mostly_printable(out)):
        return None
    return out


def _mostly_printable(text: str) -> bool:
    bad = sum(1 for c in text if not c.isprintable() and c not in "\n\r\t")
    return bad == 0
