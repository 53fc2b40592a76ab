"""Text normalization against evasion, with a map back to the original offsets.

NFKC (fullwidth, mathematical alphanumerics), removal of zero-width and bidi controls and
variation selectors, of combining marks stacked on an ASCII character (`A\u0336`, `1\u20e3`:
strike-through, keycaps; marks on other letters, Hindi's vowel signs, stay), Unicode
"tag" characters read as the ASCII they smuggle, Cyrillic/Greek homoglyphs folded to
Latin, then lowercase. Pure-ASCII text (the common case) takes a fast path whose
offsets are the identity. `leet` is a separate 1:1 fold (same offsets as `text`).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# zero-width, bidi, word-joiner, variation-selector and filler characters
_INVISIBLE = frozenset(
    (0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0)
) | frozenset((*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)))
_INVISIBLE |= frozenset((*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))
_MARKS = frozenset(("Mn", "Me"))  # nonspacing and enclosing combining marks
_HOMOGLYPHS = str.maketrans(
    "аеорсуххіјѕԁɡһӏԛԝьАВЕКМНОРСТХУІЅЈαοινκρτυχεΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxxijsdghlqwbABEKMHOPCTXYISJaoivkptuxeABEZHIKMNOPTYX",
)
# typographic punctuation read as ASCII, so that most chat text takes the ASCII paths
_PUNCT = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys("\u2010\u2011\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00a0\u2009\u202f", " "),
    }
)
_LEET = str.maketrans("013457@$", "oieastas")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str  # normalized (lowercased unless normalize(lower=False))
    # (normalized offset, original offset) anchors; None when offsets are the identity
    anchors: tuple[tuple[int, ...], tuple[int, ...]] | None
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if self.anchors is None:
            return start, end
        s, e = self._map(start), self._map(end)
        return s, max(e, s)

    def _map(self, pos: int) -> int:
        assert self.anchors is not None
        norm, orig = self.anchors
        i = bisect.bisect_right(norm, pos) - 1
        if i < 0:
            return 0
        next_norm = norm[i + 1] if i + 1 < len(norm) else len(self.text)
        next_orig = orig[i + 1] if i + 1 < len(orig) else self.original_length
        delta = pos - norm[i]
        if next_orig - orig[i] == next_norm - norm[i]:  # an ASCII run: offsets move together
            return min(orig[i] + delta, self.original_length)
        return next_orig if delta > 0 else orig[i]  # inside one replaced character

    def leet(self) -> str:
        return self.text.translate(_LEET)


def _on_ascii(text: str, i: int) -> bool:
    """Is text[i], a combining mark, stacked on an ASCII character (through any marks and
    invisible characters between them)?"""
    j = i - 1
    while j >= 0:
        ch = text[j]
        if ch.isascii():
            return True
        if ord(ch) not in _INVISIBLE and unicodedata.category(ch) not in _MARKS:
            return False
        j -= 1
    return False


def _fold_char(ch: str) -> str:
    cp = ord(ch)
    if cp in _INVISIBLE:
        return ""
    if 0xE0020 <= cp <= 0xE007E:  # tag characters carry hidden ASCII
        return chr(cp - 0xE0000)
    if 0xE0000 <= cp <= 0xE007F:
        return ""
    out = unicodedata.normalize("NFKC", ch)
    return out.translate(_HOMOGLYPHS).translate(_PUNCT)


def normalize(text: str, *, lower: bool = True) -> Normalized:
    """`lower=False` keeps the case (PII and secret patterns are case-sensitive)."""
    if text.isascii():
        return Normalized(text.lower() if lower else text, None, len(text))
    parts: list[str] = []
    norm_pos: list[int] = []
    orig_pos: list[int] = []
    n = 0
    last = 0
    for m in _NON_ASCII.finditer(text):
        if m.start() > last:
            norm_pos.append(n)
            orig_pos.append(last)
            parts.append(text[last : m.start()])
            n += m.start() - last
        for i in range(m.start(), m.end()):
            ch = text[i]
            if unicodedata.category(ch) in _MARKS and _on_ascii(text, i):
                folded = ""
            else:
                folded = _fold_char(ch)
            norm_pos.append(n)
            orig_pos.append(i)
            parts.append(folded)
            n += len(folded)
        last = m.end()
    if last < len(text):
        norm_pos.append(n)
        orig_pos.append(last)
        parts.append(text[last:])
    # a character that expands (e.g. a ligature) keeps one anchor: lower() never changes
    # the length of the already-NFKC'd text except for rare characters we accept
    folded = "".join(parts)
    return Normalized(
        folded.lower() if lower else folded, (tuple(norm_pos), tuple(orig_pos)), len(text)
    )
