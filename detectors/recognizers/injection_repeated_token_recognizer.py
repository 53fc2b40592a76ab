from __future__ import annotations

import math
import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

# a token repeated this many times in a row, separated only by spaces or punctuation
MIN_REPEATS = 12
_REPEATED = re.compile(
    r"(?<!\w)(\w{1,24})(?:[\s,.;:!?-]{1,3}\1(?!\w)){" + str(MIN_REPEATS - 1) + ",}"
)


class InjectionRepeatedTokenRecognizer(InjectionRuleRecognizer):
    """Repeated-token attacks (CyberSecEval's "repeated token" technique): one token
    flooded many times in a row to push the model off its instructions. No word gates
    it, so the regex runs only on text with few distinct tokens for its length (under
    2 * sqrt(characters)); ordinary prose and code always have more."""

    RULES = ((Pattern("pi.repeated_token", _REPEATED.pattern, 0.5), words()),)

    def run_rule(self, i, text, words_, counts=None, seen_at=None):  # type: ignore[no-untyped-def]
        if len(text) < 2 * MIN_REPEATS or len(words_) >= 2 * math.sqrt(len(text)):
            return []
        if not _has_run(text):
            return []
        pattern = self.PATTERNS[0]
        return [
            self.result(m.start(), m.end(), pattern.score, pattern.name)
            for m in _REPEATED.finditer(text)
        ]


_WORD = re.compile(r"\w{1,24}")


def _has_run(text: str) -> bool:
    """A necessary condition, cheap to test: MIN_REPEATS equal words in a row (the
    regex, with its back-reference, is then run only where it can match)."""
    run, last = 0, None
    for word in _WORD.findall(text):
        run = run + 1 if word == last else 1
        if run >= MIN_REPEATS:
            return True
        last = word
    return False
