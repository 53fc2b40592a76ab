"""Prompt-leak detection: does an answer reproduce a long span of the request's system
or developer prompt?

Both texts are read as lower-case word tokens (punctuation and whitespace do not
count), the prompt as a set of hashed word shingles (SHINGLE consecutive words). An
answer leaks when it contains a run of consecutive words, at least LEAK_WORDS long (or
the whole prompt, when the prompt is shorter but at least SHINGLE words), every
SHINGLE-window of which is in the prompt. Only hashes of the prompt's shingles are kept,
never its text.

`LeakWatch` reads an answer incrementally (a stream, delta by delta): `feed` returns
True once the run is long enough, and `holding` says a run is in progress, so the
stream inspector keeps that text back until the run ends or is decided.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

SHINGLE = 6  # words per shingle
LEAK_WORDS = 20  # a run of this many prompt words in a row is a leak
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class PromptPrint:
    """The hashed shingles of one request's system prompt."""

    shingles: frozenset[int]
    length: int  # words in the prompt

    @property
    def threshold(self) -> int:
        return min(LEAK_WORDS, self.length)

    @staticmethod
    def of(texts: list[str]) -> PromptPrint | None:
        """None when the prompt is too short to tell a leak from a coincidence."""
        tokens: list[str] = []
        for text in texts:
            tokens.extend(words(text))
        if len(tokens) < SHINGLE:
            return None
        return PromptPrint(
            frozenset(
                hash(tuple(tokens[i : i + SHINGLE])) for i in range(len(tokens) - SHINGLE + 1)
            ),
            len(tokens),
        )


class LeakWatch:
    """One answer channel read against a PromptPrint."""

    def __init__(self, prompt: PromptPrint) -> None:
        self.prompt = prompt
        self.window: deque[str] = deque(maxlen=SHINGLE)
        self.run = 0  # words in the current run of matching shingles (0: none)
        self.partial = ""  # a word cut at the end of the last piece
        self.leaked = False

    @property
    def holding(self) -> bool:
        """A run of prompt words is in progress: keep the text back."""
        return self.run > 0 and not self.leaked

    def feed(self, text: str) -> bool:
        """Read more answer text; True once it has leaked."""
        text = self.partial + text
        tokens = words(text)
        # the last word may continue in the next piece
        if tokens and text and (text[-1].isalnum() or text[-1] == "_"):
            self.partial = text[text.lower().rfind(tokens[-1]) :]
            tokens = tokens[:-1]
        else:
            self.partial = ""
        for token in tokens:
            self._word(token)
        return self.leaked

    def finish(self) -> bool:
        if self.partial:
            for token in words(self.partial):
                self._word(token)
            self.partial = ""
        return self.leaked

    def _word(self, token: str) -> None:
        self.window.append(token)
        if len(self.window) < SHINGLE:
            return
        if hash(tuple(self.window)) in self.prompt.shingles:
            self.run = SHINGLE if self.run == 0 else self.run + 1
            if self.run >= self.prompt.threshold:
                self.leaked = True
        else:
            self.run = 0


def leaks(prompt: PromptPrint, text: str) -> bool:
    """Does the whole answer `text` reproduce the prompt?"""
    watch = LeakWatch(prompt)
    watch.feed(text)
    return watch.finish()
