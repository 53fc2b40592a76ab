"""PII and secrets hidden by obfuscation: seen through, reported on the original text.

    hidden_findings(text, scan) -> [Finding]   spans in `text`, never in a decoded copy

The ways a value escapes a pattern while the model still reads it:

- Unicode: zero-width and bidi characters inside a key (`AKIA\\u200bIOSF...`), combining
  marks stacked on its characters (strike-through `A\\u0336K\\u0336...`, keycaps
  `\\u20e3`, accents), variation selectors, full-width forms
  (`ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`), the small `﹫`, mathematical or circled alphanumerics,
  tag characters, Cyrillic and Greek look-alikes among Latin letters. The text around
  each such character is folded with `normalize(lower=False)` (case kept: key patterns
  are case-sensitive) and scanned again; each finding is mapped back through the fold's
  offsets, so it covers the original characters, the invisible ones between them
  included, and a redaction replaces exactly those and leaves the bytes around them as
  they were.
- Encoding: a value wrapped in base64 (standard or URL-safe), percent-encoding, HTML
  character references (`alice&#64;corp.com`) or backslash escapes (`\\u0040`), in up to
  four layers (`%2540`, `&amp;#64;`, `%26%2364%3B`, `&#37;40`: `decode.peel`). Each such
  token that decodes to readable text is scanned; a finding inside it is reported on the
  whole encoded token (redacting it removes the encoded value).
- Spelling (`spelled.py`): a value typed one character at a time, with spaces or
  no-break and typographic spaces between (`A K I A ...`, `5 3 6 - 2 2 - ...`), and an
  address with its `@` and dots in words (`alice [at] corp [dot] com`,
  `maria(dot)lopez(at)example(dot)com`, `alice @ corp.com`) read as the value it spells;
  a finding covers the whole spelled-out run.
- Layout: the run after a right-to-left override (U+202E) is displayed reversed, so a
  value stored backwards there shows the right way round to a reader (and a model reads
  it back as easily); the run is scanned reversed and a finding covers the whole run.
- Splitting (`split_values.py`): a key or address cut by a line break, a shell line
  continuation, e-mail quoting, a no-break space or adjacent string literals
  (`["AKIAQ7RZ","P4XK2M5TNWLB"]`) is read joined up where that is safe; a finding covers
  all the pieces and what lies between them.

`scan` is the detector's pattern scan (no NER, no injection scoring: those have their own
normalization). Text without suspicious characters or encoded tokens costs one regex
search each.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence

from llmwall.detectors.decode import MARKUP_ESCAPE, peel
from llmwall.detectors.finding import Finding
from llmwall.detectors.normalize import normalize
from llmwall.detectors.spelled import WIDE_SPACES, spelled, wide_breaks
from llmwall.detectors.split_values import JOINABLE, split_findings

# characters that hide or disguise ASCII: invisible and bidi controls, soft hyphen,
# combining marks (strike-through, keycaps, accents stacked on a key), variation
# selectors, superscript and subscript digits (not ¹²³ of Latin-1, as in m²: a card in
# superscripts has others, and the fold reads those too), Unicode hyphens and the minus sign,
# full-width digits, letters, @, +, -, . and _ (not the rest of the full-width
# punctuation CJK text is full of), the small @, circled and mathematical alphanumerics,
# tags
_HIDING = (
    "[\u00ad\u0300-\u036f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f\u2010\u2011\u202a-\u202e\u2060-\u206f"
    "\u2070-\u209f\u20d0-\u20ff\u2212\u2460-\u24ff\u3164\ufe00-\ufe0f\ufe20-\ufe2f"
    "\ufe6b\ufeff\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a"
    "\U0001d400-\U0001d7ff\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_SUSPICIOUS = re.compile(
    _HIDING
    # a Cyrillic or Greek letter touching a Latin letter, a digit or @
    + "|[A-Za-z0-9@][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff][A-Za-z0-9@]"
)
# text with no Greek or Cyrillic at all (most of it) needs only the one character class,
# which `re` scans four times faster than the alternation above
_HIDING_ONLY = re.compile(_HIDING)
_GREEK_CYRILLIC = re.compile("[\u0370-\u03ff\u0400-\u04ff]")
_B64_TOKEN = re.compile(
    r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])"
)  # in a word
# a right-to-left override run, to its pop or the end of the line: displayed reversed
_RLO_RUN = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069\n]{4,256})(?:\u202c|(?=\n)|$)")
_PCT_TOKEN = re.compile(r"[^\s%]*(?:%[0-9A-Fa-f]{2}[^\s%]*)+")
# what a no-break or thin space between digits may hide once read as a space: a card or
# an IBAN (checksummed), a key or an address; not a phone number ("4\u2009539\u2009148\u2009803
# m²" is a French-typeset area, and read with spaces it is a plausible phone)
SPACED_KEPT = JOINABLE | {"CREDIT_CARD"}
_WIDE_SPACE = re.compile(f"[{WIDE_SPACES}]")
MAX_TOKENS = 32  # encoded tokens decoded per text
WINDOW = 64  # characters around a suspicious one that are folded and scanned again
MIN_DECODED = 6
MIN_B64 = 16

Scan = Callable[[str], list[Finding]]


def hidden_findings(text: str, scan: Scan, seen: Sequence[Finding] = ()) -> list[Finding]:
    """Findings the plain scan missed. `seen`: the plain scan's own findings; a hidden
    finding over one of them is left out (a recognizer that reads the encoded form
    itself, Kubernetes Secret data for one, has the better answer), except a joined key
    that continues one found on its first line (split_values)."""
    wide = wide_breaks(text)  # no-break spaces inside a value: spelled out, or split
    out = _hidden(text, scan, wide)
    if seen and out:
        out = [h for h in out if not any(h.start < f.end and f.start < h.end for f in seen)]
    return out + split_findings(text, scan, seen, wide)


def _hidden(text: str, scan: Scan, wide: tuple[int, ...]) -> list[Finding]:
    out: list[Finding] = []
    windows: list[tuple[int, int]] = []
    if not text.isascii():
        rx = _SUSPICIOUS if _GREEK_CYRILLIC.search(text) else _HIDING_ONLY
        windows = _windows(text, [m.span() for m in rx.finditer(text)])
        out += _folded(text, windows, scan, None)
        if wide:  # no-break spaces between key characters: `4539\u00a01488\u00a0...`
            out += _folded(text, _windows(text, [(p, p + 1) for p in wide]), scan, SPACED_KEPT)
    # a right-to-left override opens a window: without one, no `in` test over the text
    for start, end, decoded, how in _decoded_tokens(text, wide, bool(windows) and "\u202e" in text):
        for f in scan(decoded):
            out.append(_at(f, start, end, how))
    return out


def _folded(
    text: str, windows: list[tuple[int, int]], scan: Scan, kept: frozenset[str] | None
) -> list[Finding]:
    """Findings in the folded windows, mapped back; only `kept` entities when given, and
    a finding over a wide space only when it is of SPACED_KEPT (the fold reads those as
    spaces: a thin-space-grouped number near a minus sign is not a phone number)."""
    out = []
    for lo, hi in windows:
        piece = text[lo:hi]
        folded = normalize(piece, lower=False)
        if folded.text == piece:
            continue
        for f in scan(folded.text):
            start, end = folded.to_original(f.start, f.end)
            if end <= start or (kept is not None and f.entity not in kept):
                continue
            if f.entity not in SPACED_KEPT and _WIDE_SPACE.search(piece, start, end):
                continue
            out.append(_at(f, lo + start, lo + end, "+unicode"))
    return out


def _windows(text: str, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans around `hits` (suspicious characters; WINDOW either side, widened to
    whitespace), merged: only these are folded and scanned again, not a whole text."""
    spans: list[tuple[int, int]] = []
    for start, end in hits:
        lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
        while lo > 0 and not text[lo - 1].isspace() and start - lo < 2 * WINDOW:
            lo -= 1
        while hi < len(text) and not text[hi].isspace() and hi - end < 2 * WINDOW:
            hi += 1
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


def _at(f: Finding, start: int, end: int, how: str) -> Finding:
    return Finding(f.entity, start, end, f.score, f.detector + how, f.rule)


def _decoded_tokens(text: str, wide: tuple[int, ...], rlo: bool) -> list[tuple[int, int, str, str]]:
    found = spelled(text, MAX_TOKENS, wide) + _unescaped_tokens(text)
    if rlo:  # a right-to-left override: shown the other way round
        for m in _RLO_RUN.finditer(text):
            found.append((m.start(), m.end(), m.group(1)[::-1], "+reversed"))
    if "%" in text:
        for m in _PCT_TOKEN.finditer(text):
            unquoted = peel(m.group(0))
            if unquoted is not None:
                found.append((m.start(), m.end(), unquoted, "+percent"))
            if len(found) >= MAX_TOKENS:
                return found
    # C-speed split: most texts have few or no words long enough to hold a blob
    pos = 0
    for word in [w for w in text.split() if len(w) >= MIN_B64]:
        start = text.find(word, pos)
        pos = start + len(word)
        for m in _B64_TOKEN.finditer(word):
            token = m.group(0)
            if token.isalpha() or token.isdigit() or (token.isalnum() and token.islower()):
                continue  # a word or a number, not an encoding
            text_of = _b64_text(token)
            if text_of:
                found.append((start + m.start(), start + m.end(), text_of, "+base64"))
            if len(found) >= MAX_TOKENS:
                return found
    return found


def _unescaped_tokens(text: str) -> list[tuple[int, int, str, str]]:
    """Whitespace-delimited tokens holding a character reference or backslash escape,
    decoded (found escape by escape and widened by hand: a regex that matched the whole
    token would retry inside every long word)."""
    found: list[tuple[int, int, str, str]] = []
    if "&" not in text and "\\" not in text:
        return found
    end = -1
    for m in MARKUP_ESCAPE.finditer(text):
        if m.start() < end:
            continue  # inside the token already taken
        start = m.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = m.end()
        while end < len(text) and not text[end].isspace():
            end += 1
        plain = peel(text[start:end])
        if plain:
            found.append((start, end, plain, "+unescaped"))
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
