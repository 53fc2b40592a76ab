"""The cells of a named column in a pasted table (CSV, TSV, semicolon or pipe separated):
a header row `name,tfn,dob,mobile` names what every row below it holds, so "19/10/1967"
under `dob` is a birth date and "917056678" under `tfn` a tax file number, although no
word stands next to the value. Not a recognizer."""

from __future__ import annotations

import re
from collections.abc import Iterable

_DELIMITERS = (",", ";", "\t", "|")
_LINE = re.compile(r"[^\n]+")
_NAME_JUNK = re.compile(r"[\s\-.]+")


def normalize_name(name: str) -> str:
    """A header cell as compared with column names: lowercase, unquoted, spaces, dots and
    hyphens as one underscore ("Date of Birth" -> date_of_birth, "D.O.B." -> d_o_b_)."""
    return _NAME_JUNK.sub("_", name.strip().strip("\"'`*").strip().lower())


def column_cells(
    text: str, lower: str, names: frozenset[str], hints: Iterable[str]
) -> list[tuple[int, int]]:
    """(start, end) of every cell, stripped of spaces and quotes, in the rows under a
    header row that names a column in `names` (normalized as `normalize_name`). `hints`
    are substrings of which one must be in `lower` for the table search to run at all.
    A table ends at the first line with another number of delimiters."""
    if not any(h in lower for h in hints):
        return []
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(lines):
        s, e = lines[k]
        k += 1
        line = text[s:e]
        sep = max(_DELIMITERS, key=line.count)
        count = line.count(sep)
        if not count:
            continue
        fields = line.split(sep)
        cols = {i for i, f in enumerate(fields) if normalize_name(f) in names}
        if not cols:
            continue
        while k < len(lines):
            rs, re_ = lines[k]
            row = text[rs:re_]
            if row.count(sep) != count:
                break
            k += 1
            pos = rs
            for i, cell in enumerate(row.split(sep)):
                if i in cols:
                    lead = len(cell) - len(cell.lstrip(" \t\"'"))
                    value = cell.strip(" \t\"'\r")
                    if value:
                        out.append((pos + lead, pos + lead + len(value)))
                pos += len(cell) + len(sep)
    return out
