"""Keys and addresses cut in pieces, read joined up and reported over all the pieces.

    split_findings(text, scan, seen) -> [Finding]   spans in `text`

A value is cut where a pattern stops but a reader (or a model) joins it again:

- a line break inside it (`AKIAQ7RZP4\\nXK2M5TNWLB`), with the next line's indentation and
  e-mail quoting (`\\n> `), or a shell line continuation (`abc\\\\\\n  def`): a key wrapped at
  40 columns, a PEM-like block, a quoted reply;
- a no-break, thin, figure or other typographic space inside it;
- adjacent string literals: JSON or Python list elements (`["AKIAQ7RZ","P4XK2M5TNWLB"]`),
  concatenation (`"AKIAQ7RZ" + "P4XK..."`);
- markup: HTML tags and comments, Markdown emphasis and code marks inside it.

Where joining is safe: only at a break with a value character (`[A-Za-z0-9_+/.@-]`) right on
both sides (a blank line, a sentence's space or a `key:` never joins); the run of value
characters around the breaks is scanned alone (not the text: cheap) and only when it is
long enough to hold a key and has a digit or an `@` (prose never does); a finding counts
only when it crosses a break and is of a type whose shape alone is the evidence: vendor
keys and tokens, JWTs, e-mail addresses, IBANs (checksummed). Not phone numbers, card
numbers or other digit runs: two numbers on consecutive lines join into a plausible one
too easily; not context-found secrets (`password=` values end at the line). A joined
finding that merely extends one the plain scan found (the first line of a wrapped key is
a key by itself) replaces it only for a secret, when the continuation has a digit, does
not start like a key of its own (`glpat-`), is the rest of its line (not `KEY\\nNEXT_KEY=`
in an .env file, nor `ghp_...\\n  502  docker push` in shell history) and the plain scan
found nothing of its own on it (a list of keys, one a line, stays a list); an e-mail
never extends one. A joined finding also replaces weaker findings of other types inside
it (half of a wrapped IBAN is a plausible phone number). Pieces that are words
(`thanks`, `Regards`), CONSTANT_NAMES or `-----BEGIN` lines are never joined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, Category
from llmwall.detectors.finding import Finding
from llmwall.detectors.spelled import wide_breaks

_VALUE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/.@-"
_VALUE = frozenset(_VALUE_CHARS)
# breaks, each a pattern with a literal first character (`re` skips ahead to it in C) and
# the value character before it checked by a lookbehind; an alternation of them would be
# tried at every position (0.8 ms per 20 KB instead of 0.03)
_LINE_BREAK = re.compile(
    r"\n(?<=[A-Za-z0-9_+/.@\\\r-]\n)[ \t]*(?:>[ \t]*)*(?=[A-Za-z0-9_+/.@-])"
)  # indent, quoting
_LITERALS = tuple(
    re.compile(q + rf"(?<=[A-Za-z0-9_+/.@-]{q})[ \t]*[,+]?[ \t\r\n]*{q}")  # "ab","cd" / 'ab' + 'cd'
    for q in ('"', "'")
)
# markup inside a value: HTML tags and comments (`AKIA<span>Q7RZ</span>...`), Markdown
# emphasis and code marks (`AKIA**Q7RZ**...`, `` AKIA`Q7RZ` ``)
_TAG = r"(?:/?[A-Za-z][^<>\n]{0,60}|!--[^<>\n]{0,60}--)>"
_MARKUP = (
    re.compile(rf"<(?<=[A-Za-z0-9_+/.@-]<){_TAG}(?:<{_TAG})*(?=[A-Za-z0-9_+/.@-])"),
    *(
        re.compile(
            rf"{re.escape(m)}(?<=[A-Za-z0-9_+/.@-]{re.escape(m)}){re.escape(m)}{{0,2}}(?=[A-Za-z0-9_+/.@-])"
        )
        for m in "*`~"
    ),
)
_RUN_FORWARD = re.compile(r"[A-Za-z0-9_+/.@-]{1,256}")
_DIGIT_OR_AT = re.compile(r"[0-9@]")
# a word, a capital, a NAME_WITH_UNDERSCORES, a sentence's last word, a list number
_WORD = re.compile(r"(?:[A-Z]?[a-z]+|[A-Z]|[A-Z_]*_[A-Z_]*)\.?|[0-9]{1,3}\.")
MIN_JOINED = 10
MAX_JOINED = 8192
MAX_GROUPS = 32
# types whose shape is the evidence (see the module docstring)
_NOT_JOINED = frozenset(("GENERIC_SECRET", PLACEHOLDER_SECRET, "CONNECTION_STRING"))
JOINABLE = frozenset(
    e for e, c in ENTITIES.items() if c is Category.SECRET and e not in _NOT_JOINED
) | {"EMAIL_ADDRESS", "IBAN_CODE"}
# what may follow the rest of a wrapped key on its line: closing quotes and brackets
_LINE_END = re.compile(r"[\"'`)\]},;]*[ \t]*(?:\r?\n|\Z)")
_VENDOR_PREFIX = re.compile(r"[a-z]{2,10}[_-]")

Scan = Callable[[str], list[Finding]]


def split_findings(
    text: str, scan: Scan, seen: Sequence[Finding] = (), wide: tuple[int, ...] | None = None
) -> list[Finding]:
    """`wide`: spelled.wide_breaks(text), when the caller has it already."""
    out: list[Finding] = []
    for pieces in _groups(text, wide_breaks(text) if wide is None else wide):
        joined = "".join(text[s:e] for s, e in pieces)
        for f in scan(joined):
            if f.entity not in JOINABLE:
                continue
            hit = _crossing(pieces, f.start, f.end)
            if hit is None:
                continue
            found = Finding(f.entity, hit[0], hit[1], f.score, f.detector + "+joined", f.rule)
            kept = _against_seen(text, found, hit[2], seen)
            if kept is not None:
                out.append(kept)
    return out


def _breaks(text: str, wide: tuple[int, ...]) -> list[tuple[int, int]]:
    """(start, end) of each break with a value character right before it."""
    found = []
    for m in _LINE_BREAK.finditer(text):
        s = m.start()
        s -= text[s - 1] == "\r"
        s -= s > 0 and text[s - 1] == "\\"  # a shell line continuation
        if s > 0 and text[s - 1] in _VALUE:
            found.append((s, m.end()))
    for rx in (*_LITERALS, *_MARKUP):
        found += [m.span() for m in rx.finditer(text)]
    found += [(p, p + 1) for p in wide]
    found.sort()
    return found


def _groups(text: str, wide: tuple[int, ...]) -> list[list[tuple[int, int]]]:
    """Runs of value characters joined across breaks, as the original spans of their
    pieces; only those long enough to hold a key and holding a digit or an `@`."""
    groups: list[list[tuple[int, int]]] = []
    n = len(text)
    for s, e in _breaks(text, wide):
        if s == 0 or e >= n or text[s - 1] not in _VALUE or text[e] not in _VALUE:
            continue
        right = _RUN_FORWARD.match(text, e)
        assert right is not None
        if not _key_like(text[e : right.end()]):
            continue
        if groups and groups[-1][-1][1] == s:  # the previous piece runs up to this break
            groups[-1].append((e, right.end()))
            continue
        low = max(0, s - 256)
        start = low + len(text[low:s].rstrip(_VALUE_CHARS))  # C speed, not a Python loop
        if _key_like(text[start:s]):
            groups.append([(start, s), (e, right.end())])
            if len(groups) > MAX_GROUPS:
                break
    return [g for g in groups[:MAX_GROUPS] if _worth_scanning(text, g)]


def _key_like(piece: str) -> bool:
    """Could `piece` be a fragment of a key or an address? Not a word (`thanks`,
    `Regards`, `done.`), a CONSTANT_NAME, a list number (`2.`) or a PEM-style `-----BEGIN`
    line."""
    return "--" not in piece and not _WORD.fullmatch(piece)


def _worth_scanning(text: str, pieces: list[tuple[int, int]]) -> bool:
    size = sum(e - s for s, e in pieces)
    if not MIN_JOINED <= size <= MAX_JOINED:
        return False
    return any(_DIGIT_OR_AT.search(text, s, e) for s, e in pieces)


def _crossing(pieces: list[tuple[int, int]], start: int, end: int) -> tuple[int, int, int] | None:
    """The original span of joined[start:end] and where its last piece starts, or None
    when it lies inside one piece (the plain scan's business)."""
    pos = 0
    first = last = None
    for k, (s, e) in enumerate(pieces):
        size = e - s
        if first is None and start < pos + size:
            first = (k, s + start - pos)
        if end <= pos + size:
            last = (k, s + end - pos)
            break
        pos += size
    if first is None or last is None or first[0] == last[0]:
        return None
    return first[1], last[1], pieces[last[0]][0]


def _against_seen(
    text: str, found: Finding, last_piece: int, seen: Sequence[Finding]
) -> Finding | None:
    over = [f for f in seen if f.start < found.end and found.start < f.end]
    if not over:
        return found
    if all(
        found.start <= f.start
        and f.end <= found.end
        and f.entity != found.entity
        and f.score < found.score
        for f in over
    ):
        return found  # a weaker finding on one piece (half an IBAN read as a phone number)
    # only a secret that extends what the plain scan found on the first line(s), with
    # nothing of its own on the lines joined (a list of keys, one a line, stays a list)
    if ENTITIES.get(found.entity) is not Category.SECRET:
        return None
    if any(
        f.start != found.start or f.end > found.end or ENTITIES.get(f.entity) is not Category.SECRET
        for f in over
    ):
        return None
    tail = text[last_piece : found.end]
    if not any(c.isdigit() for c in tail) or _VENDOR_PREFIX.match(tail):
        return None  # not the rest of a key: a number, or the next key's own prefix
    if not _LINE_END.match(text, found.end):
        return None  # the line goes on ("  502  docker push ..."): not a wrapped key
    score = max(found.score, *(f.score for f in over))  # the whole key, not its first line
    return Finding(found.entity, found.start, found.end, score, found.detector, found.rule)
