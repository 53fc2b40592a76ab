from __future__ import annotations

import re
import unicodedata

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

# punctuation that ordinary words carry at their edges
_EDGE = "\"'`.,;:!?()[]{}<>*_~#@$%\\|=^&+-/"
# inside a word: brackets, quotes other than the apostrophe, backslashes and other symbols.
# Not the ones that join the parts of addresses, fields and assignments (a@b, k=v, a|b, k:v).
_INNER_JUNK = re.compile(r"[^\w\s'./:=|@+-]")
# how prose ends a word: closing quotes and brackets after a full stop, markdown emphasis
_COMMON_ENDINGS = frozenset(
    [
        '."',
        '?"',
        '!"',
        ".'",
        "),",
        ").",
        '",',
        "...",
        "):",
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
        "?!",
        "!!",
        '"?',
        "').",
    ]
)
# how prose starts one: an opening quote or bracket, a markdown marker
_COMMON_STARTS = frozenset(['("', "('", "**", "__", "--", "#", "##", "###", "(`", '"`', "[`"])
_PROSE_PUNCT = frozenset(["--", "...", "->", "=>", "<-", "—", "**", "&&", "||", "!!", "??", "==="])
# two words glued with a case change at a lowercase start ("similarlyNow"); brand and
# product names (iPhone, JavaScript, McDonald) start upper case or change case early
_GLUED = re.compile(r"^[a-z]{3,}(?:[A-Z][a-z]{2}|[A-Z]{2})")
_CODE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|function |const |let |var |#include|public "
    r"|return\b)|[;{}]\s*$",
    re.M,
)
# identifiers and literals of code and data: snake_case names, dotted access, subscripts,
# quoted items of a list or dict, inline code spans, CSS declarations. Three of them in
# the tail mean code, not a suffix.
_CODE_MARKS = re.compile(
    r"\b[a-z]+_[a-z_]+\b|\b[A-Za-z]\w*\.[A-Za-z_]\w*[(\[]|\b[A-Za-z_]\w*\[[A-Za-z_\"']"
    r"|'[^'\s]{1,40}'\s*[,:\]}]"
    r"|\"[^\"\s]{1,40}\"\s*[,:\]}]|`[^`\n]{2,60}`|[\w-]+:[^;\s]{1,40};"
)
MAX_CODE_MARKS = 3
_PAIRS = {")": "(", "]": "[", "}": "{"}


def odd_token(tok: str) -> bool:
    """A token whose shape prose does not produce: punctuation glued inside or on both
    sides of a word, case changes mid-word, clusters of brackets and symbols."""
    core = tok.strip(_EDGE)
    if len(core) < 2:
        return len(tok) >= 2 and not any(c.isalnum() for c in tok) and tok not in _PROSE_PUNCT
    lead = tok[: len(tok) - len(tok.lstrip(_EDGE))]
    trail = tok[len(tok.rstrip(_EDGE)) :]
    if len(lead) >= 2 and lead not in _COMMON_STARTS:
        return True
    if len(trail) >= 2 and trail not in _COMMON_ENDINGS:
        return True
    inner = tok[len(lead) : len(tok) - len(trail)]
    if not inner.isascii():
        # vowel signs and other combining marks are part of the word in Devanagari,
        # Bengali, Tamil, Thai, vocalised Arabic and Hebrew, or decomposed Latin, but
        # are not \w: without this every Hindi word read as punctuation glued inside
        inner = "".join(c for c in inner if unicodedata.category(c)[0] != "M")
    return bool(_INNER_JUNK.search(inner) or _GLUED.match(inner))


def bracket_disorder(text: str) -> int:
    """Brackets opened and never closed, or closed by the wrong kind. A closing bracket
    with nothing open is not counted: code and data cut mid-expression start that way."""
    stack: list[str] = []
    bad = 0
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in _PAIRS and stack and stack.pop() != _PAIRS[ch]:
            bad += 1
    return bad + len(stack)


class InjectionAdversarialSuffixRecognizer(InjectionRuleRecognizer):
    """Optimizer-made adversarial suffixes (GCG, DSN, random search and kin): a run of
    tokens at the end of a prose request that glue words to punctuation, change case
    mid-word and leave brackets open or crossed. Code, where such tokens are normal, is
    excluded. Not a regex rule: it looks at token shapes of the original-case text, so the
    scorer calls find() on the raw text."""

    # enough to block a direct request on its own: on the dev splits it matched 168
    # optimizer-made attacks and none of 2,990 benign texts (chat, emails, code contexts,
    # this repository's code and docs); on random tails of installed packages' code and
    # data files it fires on 0.05% (8 of 16,839: type aliases, CSS, regex tables)
    RULES = ((Pattern("pi.adversarial_suffix", r"(?!)", 0.8), words()),)
    TAIL = 20
    MIN_WEIRD = 4
    MIN_SHARE = 0.2
    # fewer odd tokens suffice when the tail's brackets are also in disorder
    MIN_WEIRD_DISORDERED = 3
    MIN_DISORDER = 2

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
        weird = sum(1 for tok in tail if odd_token(tok))
        if weird < self.MIN_WEIRD_DISORDERED:
            return []
        start = len(tail_text)
        for tok in reversed(tail):
            start = tail_text.rfind(tok, 0, start)
        start = max(0, start)
        dense = weird >= self.MIN_WEIRD and weird / max(1, len(tail)) >= self.MIN_SHARE
        if not dense and bracket_disorder(tail_text[start:]) < self.MIN_DISORDER:
            return []
        if "```" in tail_text or ">>>" in tail_text or _CODE.search(tail_text):
            return []
        if len(_CODE_MARKS.findall(tail_text, start)) >= MAX_CODE_MARKS:
            return []
        if "\n" in tail_text[start:].strip():
            return []  # suffixes are one line; multi-line tails are data or code
        pattern = self.PATTERNS[0]
        return [self.result(offset + start, len(text), pattern.score, pattern.name)]
