"""The base of the national, tax, health and bank identifier recognizers (not a recognizer).

An identifier is a shape (PATTERNS), a check (`check`, the check digit where one exists)
and context words in several languages (CONTEXT). Values that fail the check are dropped.
The score says how much the value alone proves:

- `STANDALONE`: the check holds and no context word is near. Below the engine's
  min_score (0.4) for shapes that many other numbers share (nine digits and a mod-10
  check: one random number in ten passes), so those need a word; near 1 for shapes no
  other number takes (a codice fiscale, a CPF written 123.456.789-09).
- `WITH_CONTEXT`: the check holds and a context word is within CONTEXT_BEFORE characters
  before the value or CONTEXT_AFTER after it ("123456782 is my BSN").

Context words match at a word start; words of four letters or fewer also at a word end
("sin" is not "since", "pan" is not "panel"). Words in scripts without spaces (Japanese,
Korean, Chinese) match anywhere.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer, context_window
from llmwall.detectors.recognizers.id_checks import compact
from llmwall.detectors.recognizers.table_columns import Columns


def context_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        esc = re.escape(w)
        if not w.isascii():
            parts.append(esc)
        elif len(w) <= 4 and w[-1].isalnum():
            parts.append(r"(?<![^\W_])" + esc + r"(?![^\W\d_])")
        else:
            parts.append(r"(?<![^\W_])" + esc)
    return re.compile("|".join(parts))


class IdentifierRecognizer(FastPatternRecognizer):
    NUMERIC = True
    STANDALONE: ClassVar[float] = 0.3
    WITH_CONTEXT: ClassVar[float] = 1.0
    CONTEXT_BEFORE: ClassVar[int] = 48
    CONTEXT_AFTER: ClassVar[int] = 24
    # header cells (table_columns.normalize_name) of a pasted table's column that holds
    # this identifier: its values count as having a context word ("name,tfn,dob"). The
    # table is read only for a value that passed its check without a word near it
    COLUMNS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self._context_rx = context_regex(self.CONTEXT) if self.CONTEXT else None
        self._columns = Columns(self.COLUMNS) if self.COLUMNS else None

    def check(self, value: str) -> bool:
        """The identifier's own rule on the compacted value (separators removed)."""
        return True

    def standalone_score(self, value: str, rule: str) -> float:
        """The score without a context word; a subclass may tell formats apart."""
        return self.STANDALONE

    def has_context(self, lower: str, start: int, end: int) -> bool:
        if self._context_rx is None:
            return False
        before = context_window(lower, start, self.CONTEXT_BEFORE)
        if self._context_rx.search(before):
            return True
        after = lower[end : end + self.CONTEXT_AFTER]
        return self._context_rx.search(after) is not None

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        if lower is None or len(lower) != len(text):
            lower = text.lower()
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        windows = spans if spans is not None else [(0, len(text))]
        cells: set[tuple[int, int]] | None = None
        for (pattern, rx), gate in zip(self._compiled, self._gates, strict=True):
            if gate is not None and not any(g in lower for g in gate):
                continue  # a rule that counts only with its word somewhere in the text
            for wstart, wend in windows:
                for m in rx.finditer(text, wstart, wend):
                    start, end = self.value_span(m)
                    if (start, end) in seen:
                        continue
                    value = text[start:end]
                    if not self.check(compact(value)) or self.invalidate_result(value):
                        continue
                    seen.add((start, end))
                    if self.has_context(lower, start, end):
                        score = self.WITH_CONTEXT
                    elif self._columns is not None and (start, end) in (
                        cells := set(self._columns.cells(text, lower)) if cells is None else cells
                    ):
                        score = self.WITH_CONTEXT  # a cell of a column named for it
                    else:
                        score = self.standalone_score(value, pattern.name)
                    if score > 0:
                        out.append(self.result(start, end, score, pattern.name))
        return out

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = [c for c in pattern_text if c.isdigit()]
        return len(set(digits)) <= 1 and len(digits) > 3
