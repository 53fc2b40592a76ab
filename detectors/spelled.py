"""Values spelled out so that no pattern sees them, read back as the value they spell.

    spelled(text, limit) -> [(start, end, the value spelled, how)]

- one character at a time, with spaces, no-break, thin, figure or other typographic
  spaces between (`A K I A ...`, `5 3 6 - 2 2 - ...`, `m\\u00a0a\\u00a0r\\u00a0i\\u00a0a`);
- an address with its `@` and dots in words: `alice [at] corp [dot] com`, `(at)`, `{at}`,
  `<at>`, `maria(dot)lopez(at)example(dot)com`, `alice @ corp.com`, and
  `maria dot lopez at example dot com` (bare words only with a dotted local part and a
  public suffix: "look at google dot com" is not an address; lower-case `dot` only).

Each test starts with a cheap literal search; most texts pay for one or two `in` tests.
"""

from __future__ import annotations

import re

from llmwall.detectors.recognizers.email_address_recognizer import public_suffix

# no-break, Ogham, en to hair, narrow no-break, medium mathematical, ideographic spaces
WIDE_SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACES = f"[ {WIDE_SPACES}]"
_SPACED_HINT = re.compile(r" \S \S \S ")
# a wide space between two key characters (not French typography's no-break space
# before ';', '!' or after '«'): one search per text, shared with split_values
_WIDE_BETWEEN = re.compile(
    f"[{WIDE_SPACES}](?<=[A-Za-z0-9_+/.@-][{WIDE_SPACES}])(?=[A-Za-z0-9_+/.@-])"
)
_SPACED = re.compile(f"(?<!\\S)\\S(?:{_SPACES}\\S){{7,}}(?!\\S)")
_SPACE = re.compile(_SPACES)
_AT_HINT = (re.compile(r"at ?[\]\)\}>]"), re.compile(r"AT ?[\]\)\}>]"), re.compile("@(?<= @)[ \t]"))
_OPEN, _CLOSE = r"[ \t]*[\[\(\{<][ \t]*", r"[ \t]*[\]\)\}>][ \t]*"
_DOT = r"(?:" + _OPEN + r"(?i:dot)" + _CLOSE + r"|\.)"
_SPELLED_AT = re.compile(
    r"(?<![\w.+-])((?:[\w+-]{1,64}" + _DOT + r"){0,4}[\w+-]{1,64})"
    + r"(?:" + _OPEN + r"(?i:at)" + _CLOSE + r"|([ \t]+@[ \t]+))"
    + r"([\w-]{1,63}(?:" + _DOT + r"[\w-]{1,63}){1,4})"
)  # fmt: skip
_SPELLED_DOT = re.compile(_OPEN + r"(?i:dot)" + _CLOSE)
_WORD_DOT = r" (?i:dot) "
_SPELLED_WORDS = re.compile(
    r"(?<![\w.+-])([\w+-]{1,64}(?:" + _WORD_DOT + r"[\w+-]{1,64}){1,3}) (?i:at) "
    + r"([\w-]{1,63}(?:" + _WORD_DOT + r"[\w-]{1,63}){1,3})(?![\w-])"
)  # fmt: skip
_WORD_DOT_RX = re.compile(_WORD_DOT)


def wide_breaks(text: str) -> tuple[int, ...]:
    """Positions of the no-break and typographic spaces between two key characters
    (hidden_findings finds them once and hands them to spelled() and split_values)."""
    if text.isascii() or not any(c in text for c in WIDE_SPACES):  # 7x faster than a regex
        return ()
    return tuple(m.start() for m in _WIDE_BETWEEN.finditer(text))


def spelled(
    text: str, limit: int, wide: tuple[int, ...] | None = None
) -> list[tuple[int, int, str, str]]:
    found: list[tuple[int, int, str, str]] = []
    ascii_hint = _SPACED_HINT.search(text)
    hint = ascii_hint.start() if ascii_hint else None
    wide = wide_breaks(text) if wide is None else wide
    for a, b, c in zip(wide, wide[1:], wide[2:], strict=False):
        if b == a + 2 and c == b + 2:  # three characters apart by wide spaces
            hint = a if hint is None else min(hint, a)
            break
    if hint is not None:
        for m in _SPACED.finditer(text, max(0, hint - 1)):
            found.append((m.start(), m.end(), _SPACE.sub("", m.group(0)), "+spaced"))
            if len(found) >= limit:
                return found
    if any(h.search(text) for h in _AT_HINT):
        for m in _SPELLED_AT.finditer(text):
            local, domain = (_SPELLED_DOT.sub(".", m.group(g)) for g in (1, 3))
            if m.group(2) and not public_suffix(domain):
                continue  # "x @ self.weights" is code, not an address
            found.append((m.start(), m.end(), f"{local}@{domain}", "+spelled"))
            if len(found) >= limit:
                return found
    if " dot " in text:  # lower case only: one more pass over every text is enough
        for m in _SPELLED_WORDS.finditer(text):
            local, domain = (_WORD_DOT_RX.sub(".", m.group(g)) for g in (1, 2))
            if public_suffix(domain):
                found.append((m.start(), m.end(), f"{local}@{domain}", "+spelled"))
                if len(found) >= limit:
                    break
    return found
