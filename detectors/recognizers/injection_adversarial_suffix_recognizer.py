from __future__ import annotations

import re

from presidio_analyzer import Pattern

from detectors.recognizers.base import InjectionRuleRecognizer, words

# punctuation that ordinary words carry at their edges
_EDGE = "\"'`.,;:!?()[]{}<>*_~#@$%"
_INNER_JUNK = re.compile(r"[^\w\s'./-]")
_COMMON_ENDINGS = frozenset(
    [
        '."',
        '?"',
        '!"',
        ".'",
        "),",
        ").",
        '",',
        '".',
        "...",
        "):",
        '".',
        "**",
        "**.",
        "**:",
        "?)",
        ".)",
        '")',
        "')",
        "`.",
        "`,",
        "].",
    ]
)
_CAMEL = re.compile(r"[a-z][A-Z]")
_CODE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|function |const |let |var |#include|public "
    r"|return\b)|[;{}]\s*$",
    re.M,
)


class InjectionAdversarialSuffixRecognizer(InjectionRuleRecognizer):
    """Optimizer-made adversarial suffixes (GCG and kin): a run of tokens at the end of a
    prose request that glue words to punctuation and change case mid-word. Code, where
    such tokens are normal, is excluded. Not a regex rule: it looks at token shapes of the
    original-case text, so the scorer calls find() on the raw text."""

    RULES = ((Pattern("pi.adversarial_suffix", r"(?!)", 0.7), words()),)
    TAIL = 20
    MIN_WEIRD = 4
    MIN_SHARE = 0.2

    def find_rules(self, text, words_, counts=None, must=None):  # type: ignore[no-untyped-def]
        return []  # works on the original-case text: see find()

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        # only the end of the text matters: a suffix, and code or data just before it
        offset = max(0, len(text) - 4000)
        tail_text = text[offset:]
        if len(tail_text) < 40:
            return []
        # the cheap token count first; the code checks only when it is suspicious
        tail = tail_text.rsplit(None, self.TAIL)[-self.TAIL :]
        weird = 0
        for tok in tail:
            core = tok.strip(_EDGE)
            edges = len(tok) - len(core)
            if (
                core
                and edges >= 2
                and tok.rstrip(_EDGE) == tok[: len(tok) - edges]
                and (tok[len(tok.rstrip(_EDGE)) :] not in _COMMON_ENDINGS)
            ):
                weird += 1  # word.]( or word}{
                continue
            if len(core) < 2:
                if len(tok) >= 3 and not any(c.isalnum() for c in tok):
                    weird += 1  # a bare punctuation cluster like ]( or **
                continue
            if _INNER_JUNK.search(core) or _CAMEL.search(core):
                weird += 1
        if weird < self.MIN_WEIRD or weird / max(1, len(tail)) < self.MIN_SHARE:
            return []
        if "```" in tail_text or ">>>" in tail_text or _CODE.search(tail_text):
            return []
        start = len(tail_text)
        for tok in reversed(tail):
            start = tail_text.rfind(tok, 0, start)
        if "\n" in tail_text[max(0, start) :].strip():
            return []  # suffixes are one line; multi-line tails are data or code
        pattern = self.PATTERNS[0]
        return [self.result(offset + max(0, start), len(text), pattern.score, pattern.name)]
