"""The cells of a named column in a pasted table (CSV, TSV, semicolon or pipe separated):
a header row `name,tfn,dob,mobile` names what every row below it holds, so "19/10/1967"
under `dob` is a birth date and "917056678" under `tfn` a tax file number, although no
word stands next to the value. Not a recognizer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from llmwall.detectors.recognizers.base import LiteralScanner

_DELIMITERS = (",", ";", "\t", "|")
_LINE = re.compile(r"[^\n]+")
_NAME_JUNK = re.compile(r"[\s\-.]+")


def normalize_name(name: str) -> str:
    """A header cell as compared with column names: lowercase, unquoted, spaces, dots and
    hyphens as one underscore ("Date of Birth" -> date_of_birth, "D.O.B." -> d_o_b_)."""
    return _NAME_JUNK.sub("_", name.strip().strip("\"'`*").strip().lower())


_GENERIC = frozenset(
    ("number", "nummer", "numero", "date", "data", "datum", "file", "card", "code", "the")
)


def _hint(name: str) -> str:
    """A literal a header naming `name` contains: its longest part that is not a generic
    word ("birth" for date_of_birth, "tfn" for tfn_number), "d.o.b" for d_o_b."""
    parts = [p for p in name.split("_") if len(p) >= 3 and p not in _GENERIC]
    return max(parts, key=len) if parts else name.replace("_", ".")


class Columns:
    """The columns named by `names` (header cells as normalized by `normalize_name`),
    found from the literals a header naming them contains (a name's longest part:
    "birth" for date_of_birth) in one Aho-Corasick pass; only those lines are read."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(n.strip("_") for n in names)
        hints = {_hint(n) for n in self.names}
        # a hint that contains another is redundant ("sofinummer" beside "sofi")
        self.hints = tuple(sorted(h for h in hints if not any(o != h and o in h for o in hints)))
        self._scanner = LiteralScanner(self.hints)

    def cells(
        self, text: str, lower: str, windows: list[tuple[int, int]] | None = None
    ) -> list[tuple[int, int]]:
        """(start, end) of every cell, stripped of spaces and quotes, in the rows under a
        header row that names one of the columns, the header inside `windows` (default:
        anywhere). A table ends at the first line with another number of delimiters."""
        if windows is None:
            if not any(h in lower for h in self.hints):
                return []  # most texts: a few substring searches
            windows = [(0, len(lower))]
        found = self._scanner.scan(lower, windows)
        if not found:
            return []
        starts = {lower.rfind("\n", 0, p) + 1 for hits in found.values() for p in hits}
        out: list[tuple[int, int]] = []
        done = -1
        for start in sorted(starts):
            if start >= done:
                done = _table(text, _LINE.finditer(text, start), self.names, out)
        return out


def _table(
    text: str, lines: Iterator[re.Match[str]], names: frozenset[str], out: list[tuple[int, int]]
) -> int:
    """The cells under the header row (the first of `lines`), appended to `out`; returns
    where the table ends."""
    first = next(lines)
    e = first.end()
    line = first.group()
    sep = max(_DELIMITERS, key=line.count)
    count = line.count(sep)
    fields = line.split(sep)
    cols = {i for i, f in enumerate(fields) if normalize_name(f).strip("_") in names}
    end = e
    if not count or not cols:
        return end
    for m in lines:
        rs, re_ = m.span()
        row = m.group()
        if row.count(sep) != count:
            break
        end = re_
        pos = rs
        for i, cell in enumerate(row.split(sep)):
            if i in cols:
                lead = len(cell) - len(cell.lstrip(" \t\"'"))
                value = cell.strip(" \t\"'\r")
                if value:
                    out.append((pos + lead, pos + lead + len(value)))
            pos += len(cell) + len(sep)
    return end
