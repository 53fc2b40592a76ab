"""The base of every llmwall recognizer: a Presidio PatternRecognizer with a fast path.

Each subclass is declarative (ENTITY, PATTERNS, CONTEXT, ANCHORS) like Presidio's own
recognizers. `find` is the hot path: stdlib `re` compiled once, validation and a cheap
context boost, no NLP artifacts. `analyze` delegates to it so that the same object can
also sit in a Presidio RecognizerRegistry / AnalyzerEngine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

import ahocorasick
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from llmwall.detectors.entities import PLACEHOLDER_SECRET

_PLACEHOLDER = re.compile(
    r"<[^<>\s]{1,40}>|\{\{|\$\{|%\(|x{4,}|X{4,}|\*{3,}|\.{3}|•{3,}|"
    r"your[_\- ]|example|changeme|placeholder|dummy|redacted|insert[_\- ]|replace[_\- ]|"
    r"^(?:password|passw0rd|secret|token|none|null|true|false|undefined|string|test|"
    r"admin|root|user|username|pass|value|key|foo|bar|baz|qwerty|123456\d*|abc123)$",
    re.IGNORECASE,
)


# the score of a documentation placeholder (PLACEHOLDER_SECRET): at the default policy's
# min_score, so it is redacted, and below every real secret's score, so a real secret
# wins an overlap
PLACEHOLDER_SCORE = 0.5

_PLACEHOLDER_TAG = re.compile(r"<[a-z0-9_]+>")


def context_window(lower: str, start: int, size: int) -> str:
    """The lowercased text before `start`, without redaction placeholders (so that
    "<phone_number>" never counts as the context word "phone")."""
    window = lower[max(0, start - size) : start]
    return _PLACEHOLDER_TAG.sub(" ", window) if "<" in window else window


class LiteralScanner:
    """Where a recognizer's literals start inside its windows, all literals in one
    Aho-Corasick pass per window (a `str.find` per literal and window costs 3x more on
    chat text). Built once per recognizer; `scan` is thread-safe."""

    def __init__(self, literals: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for literal in set(literals):
            self._automaton.add_word(literal, (literal, len(literal) - 1))
        self._automaton.make_automaton()

    def scan(self, lower: str, windows: list[tuple[int, int]]) -> dict[str, list[int]]:
        """literal -> start positions (ascending) inside `windows`."""
        found: dict[str, list[int]] = {}
        for wstart, wend in windows:
            for end, (literal, back) in self._automaton.iter(lower, wstart, wend):
                found.setdefault(literal, []).append(end - back)
        return found


def near_anchors(
    windows: list[tuple[int, int]], reach: tuple[int, int], n: int, longest: int = 16
) -> list[tuple[int, int]]:
    """The parts of prefilter windows (each anchor occurrence +- `reach`, merged) where a
    literal that starts at most `reach[0]` before its anchor and ends at most `longest`
    after it can be: a rule's first literal is looked for there, not over the whole
    window that its match may then extend into."""
    cut = reach[1] - longest
    return [(s, e if e >= n else max(s, e - cut)) for s, e in windows]


def starts_of(found: dict[str, list[int]], literals: Iterable[str]) -> list[int]:
    """Sorted start positions of any of `literals` in a LiteralScanner.scan result."""
    hits = [found[lit] for lit in literals if lit in found]
    if len(hits) == 1:
        return hits[0]
    return sorted({p for positions in hits for p in positions})


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


# at least this long, a value is judged by how much of it a run covers: a generated
# 48-character key holds "xXxX" or "ijklm" by chance (about one key in 20,000)
LONG_VALUE = 24
_X_RUN = re.compile(r"[xX]{4,}")


def looks_placeholder(value: str) -> bool:
    """True for documentation values (`<token>`, `${API_KEY}`, `xxxx`, `changeme`, ...);
    in a long value, a run of x's marks a placeholder only when it is a third of it."""
    if not value or len(set(value)) <= 2:
        return True
    if _PLACEHOLDER.search(value) is None:
        return False
    if len(value) >= LONG_VALUE:
        xs = sum(len(m) for m in _X_RUN.findall(value))
        if xs * 3 < len(value) and _PLACEHOLDER.search(_X_RUN.sub("", value)) is None:
            return False
    return True


class FastPatternRecognizer(PatternRecognizer):
    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]  # Pattern.name is the stable rule id
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    # Lowercase literals of which at least one must occur for this recognizer to run.
    # Empty tuple: the engine decides (NUMERIC candidates, or always).
    ANCHORS: ClassVar[tuple[str, ...]] = ()
    NUMERIC: ClassVar[bool] = False  # run only on windows around digit runs
    # True: a short anchor (up to SHORT_ANCHOR characters) that starts with a letter or
    # digit counts only at the start of a word ("age" wakes the age rules in "age 42",
    # not in "message"; "pan" not in "company"); longer ones match inside compounds too
    # ("prüfnummer" in "Kartenprüfnummer"). A set: only those anchors are word starts
    # (street prefixes such as "via " are; suffixes such as "laan" in "Herenlaan" are not)
    WORD_ANCHORS: ClassVar[bool | frozenset[str]] = False
    # the window searched around each anchor occurrence: chars before / after it
    REACH: ClassVar[tuple[int, int]] = (64, 512)
    FLAGS: ClassVar[int] = 0
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_WINDOW: ClassVar[int] = 64
    # rule id -> lowercase literals of which one must occur in a window for that rule's
    # regex to run there (rules without an entry always run): ANCHORS choose the
    # windows, these keep rarely useful rules from scanning every one of them
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {}
    # True: `find` takes a fourth argument, every start of every anchor in `lower` (the
    # prefilter's one pass over the text), instead of searching for its anchors again
    USES_ANCHOR_HITS: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        self._compiled = tuple((p, re.compile(p.regex, self.FLAGS)) for p in self.PATTERNS)
        self._gates = tuple(self.PATTERN_GATES.get(p.name) for p in self.PATTERNS)

    def value_span(self, match: re.Match[str]) -> tuple[int, int]:
        """The reported span: group `v` when the pattern has one, else the whole match."""
        if "v" in match.re.groupindex and match.group("v") is not None:
            return match.span("v")
        return match.span()

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        """False rejects; True validates (score 1.0); None keeps the pattern score."""
        if self.invalidate_result(value):
            return False
        return self.validate_result(value)

    def score(self, pattern: Pattern, validated: bool | None, value: str = "") -> float:
        return 1.0 if validated else pattern.score

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """Matches in `text`, searched only inside `spans` (default: everywhere). Searching
        with pos/endpos keeps offsets and lookbehinds relative to the whole text."""
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        windows = spans if spans is not None else [(0, len(text))]
        chunks: list[str] | None = None  # each window's lowercase text, for the gates
        for (pattern, rx), gate in zip(self._compiled, self._gates, strict=True):
            if gate is not None and chunks is None:
                if lower is None:
                    lower = text.lower()
                chunks = [lower[s:e] for s, e in windows]
            for k, (wstart, wend) in enumerate(windows):
                if gate is not None and not any(g in chunks[k] for g in gate):  # type: ignore[index]
                    continue
                for m in rx.finditer(text, wstart, wend):
                    start, end = self.value_span(m)
                    if (start, end) in seen:
                        continue
                    value = text[start:end]
                    validated = self.validate_match(m, value)
                    if validated is False:
                        if self.placeholder(m, value):
                            seen.add((start, end))
                            results.append(self.placeholder_result(start, end, pattern.name))
                        continue
                    seen.add((start, end))
                    score = self.score(pattern, validated, value)
                    if score < 1.0 and self.CONTEXT:
                        if lower is None:
                            lower = text.lower()
                        window = context_window(lower, start, self.CONTEXT_WINDOW)
                        if any(word in window for word in self.CONTEXT):
                            score = min(1.0, score + self.CONTEXT_BOOST)
                    results.append(self.result(start, end, score, pattern.name))
        return results

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        """For a rejected match: True when its value is a documentation placeholder standing
        in for a secret (`<token>`, `sk-...`, `changeme`), reported as PLACEHOLDER_SECRET
        instead of dropped. Secret recognizers override this; the default drops it."""
        return False

    def placeholder_result(self, start: int, end: int, rule: str) -> RecognizerResult:
        return self.result(start, end, PLACEHOLDER_SCORE, rule, PLACEHOLDER_SECRET)

    def result(
        self, start: int, end: int, score: float, rule: str, entity: str | None = None
    ) -> RecognizerResult:
        return RecognizerResult(
            entity or self.ENTITY,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                "rule": rule,
            },
        )

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[override]
        if entities and self.ENTITY not in entities:
            return []
        return self.find(text)


class InjectionRuleRecognizer(FastPatternRecognizer):
    """Prompt-injection rules, written for lowercased normalized text. Each rule is
    (Pattern, requires): `requires` is a tuple of word groups, and the rule's regex runs
    only when every group has a word among the text's tokens (a set lookup, so benign
    text pays almost nothing). The pattern's score is the rule's weight."""

    ENTITY = "PROMPT_INJECTION"
    RULES: ClassVar[tuple[tuple[Pattern, tuple[frozenset[str], ...]], ...]]
    # rule id -> a regex that every match of the rule contains (a necessary condition
    # with a literal first character, so `re` scans for it at C speed): rules whose
    # word groups are too common to gate them run only when it occurs
    GATES: ClassVar[dict[str, str]] = {}
    # rules whose word groups are looked up as substrings of the text, not as tokens:
    # for scripts written without spaces between words (Chinese, Japanese), where a
    # whole sentence is one token
    SUBSTRING_RULES: ClassVar[frozenset[str]] = frozenset()
    FLAGS = re.MULTILINE

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "RULES" in cls.__dict__:
            cls.PATTERNS = tuple(p for p, _ in cls.RULES)
            cls.ANCHORS = tuple(sorted({w for _, groups in cls.RULES for g in groups for w in g}))

    def __init__(self) -> None:
        super().__init__()

        # groups of words are looked up in the token set; a group holding punctuation
        # ("=", "+") is checked as substrings of the text instead
        def tokens_only(p: Pattern, g: frozenset[str]) -> bool:
            return p.name not in self.SUBSTRING_RULES and all(
                w.isidentifier() or w.isalnum() for w in g
            )

        self.requires = tuple(
            tuple(g for g in groups if tokens_only(p, g)) for p, groups in self.RULES
        )
        self.literals = tuple(
            tuple(g for g in groups if not tokens_only(p, g)) for p, groups in self.RULES
        )
        # the same regexes with a leading \b moved behind the first letter (see
        # _fast_start), so that `re` can skip ahead by first character at C speed
        self._compiled = tuple(
            (p, re.compile(_literal_led(p.regex), self.FLAGS)) for p in self.PATTERNS
        )
        self.gates = tuple(
            re.compile(self.GATES[p.name], self.FLAGS) if p.name in self.GATES else None
            for p, _ in self.RULES
        )

    def find_rules(
        self,
        text: str,
        words: set[str] | frozenset[str],
        counts: dict[str, int] | None = None,
        must: set[str] | None = None,
    ) -> list[RecognizerResult]:
        """Run the rules whose word groups all occur in `words` (the tokens of `text`).

        With `counts` (token -> occurrences), a rule's regex searches only windows around
        the occurrences of its rarest group's words instead of the whole text. With `must`,
        only rules that use one of those words run."""
        results: list[RecognizerResult] = []
        for i, groups in enumerate(self.requires):
            if any(words.isdisjoint(g) for g in groups):
                continue
            if must is not None and all(must.isdisjoint(g) for g in groups):
                continue  # nothing new for this rule since the last pass
            results += self.run_rule(i, text, words, counts)
        return results

    def run_rule(
        self,
        i: int,
        text: str,
        words: set[str] | frozenset[str],
        counts: dict[str, int] | None = None,
        seen_at: dict[str, list[int]] | None = None,
    ) -> list[RecognizerResult]:
        """Rule `i`, whose word groups the caller has found in `words`: its literal groups
        and gate, then its regex over the whole text or the windows around its rarest
        group's words. `seen_at`: where words occur in `text`, filled as the seeds are
        found and shared by the rules run on the same text (many rules seed on the same
        words: "system", "prompt", "rules", "instructions")."""
        (pattern, rx), groups = self._compiled[i], self.requires[i]
        if any(all(x not in text for x in g) for g in self.literals[i]):
            return []
        gate = self.gates[i]
        if gate is not None and gate.search(text) is None:
            return []
        n = len(text)
        spans: list[tuple[int, int]] = [(0, n)]
        if counts is not None and groups and n > 2 * RULE_REACH:
            rarest = min(groups, key=lambda g: sum(counts.get(w, 0) for w in g))
            if sum(counts.get(w, 0) for w in rarest) <= MAX_SEEDS:
                spans = _seed_windows(text, [w for w in rarest if w in words], seen_at)
        results = []
        seen: set[tuple[int, int]] = set()
        for start, end in spans:
            for m in rx.finditer(text, start, end):
                if m.span() not in seen:
                    seen.add(m.span())
                    results.append(self.result(m.start(), m.end(), pattern.score, pattern.name))
        return results

    def find(self, text, lower=None, spans=None):  # type: ignore[no-untyped-def]
        lowered = text.lower()
        return self.find_rules(lowered, set(re.findall(r"\w+", lowered)))


_QUANTIFIERS = frozenset("?*+{")
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _fast_start(regex: str) -> str:
    r"""An equivalent regex for `\b(?:alt|alt...)rest` or `\bword...` whose alternatives
    each begin with an unquantified ASCII letter: `\b` before a word character means
    "no word character just before it", which `(?<!\w.)` says after that letter. With a
    literal first character `re` searches by prefix or first-character set in C instead of
    trying the whole pattern at every position (about 2x on 20 KB). Anything else is
    returned unchanged."""
    if not regex.startswith("\\b"):
        return regex
    body = regex[2:]
    if body[:1] in _ASCII_LOWER and body[1:2] not in _QUANTIFIERS:
        return body[0] + "(?<!\\w.)" + body[1:]
    if not body.startswith("(?:"):
        return regex
    alts: list[str] = []
    depth, i, start, in_class = 0, 3, 3, False
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                alts.append(body[start:i])
                break
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(body[start:i])
            start = i + 1
        i += 1
    else:
        return regex
    if body[i + 1 : i + 2] in _QUANTIFIERS:
        return regex  # an optional group: \b would still apply without it
    if not all(a[:1] in _ASCII_LOWER and a[1:2] not in _QUANTIFIERS for a in alts):
        return regex
    fast = "|".join(a[0] + "(?<!\\w.)" + a[1:] for a in alts)
    return "(?:" + fast + body[i:]


def _top_level(regex: str, start: int = 0) -> tuple[list[str], int]:
    """The alternatives of `regex` from `start` up to the `)` that closes the group
    `start` is in (or the end), and the index of that `)` (or len(regex))."""
    alts: list[str] = []
    depth, i, begin, in_class = 0, start, start, False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if regex[i + 1 : i + 2] == "]" or regex[i + 1 : i + 3] == "^]":
                i += 2 if regex[i + 1] == "]" else 3  # a leading "]" is a member
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(regex[begin:i])
            begin = i + 1
        i += 1
    alts.append(regex[begin:i])
    return alts, i


def _letter_led(alt: str) -> bool:
    """Starts with a literal letter that no quantifier follows."""
    return alt[:1].isalpha() and alt[1:2] not in _QUANTIFIERS


def _literal_led(regex: str) -> str:
    r"""An equivalent regex in which every top-level alternative starts with a literal
    letter, so that `re` finds the candidates by their first characters in C: a rule
    written `\b(?:stay|remain|keep)\s+in\s+character\b|\bbreak(?:ing)?\s+character\b`
    has no first-character set (its first alternative starts with a group, its second
    with `\b`) and is tried at every position. Each alternative goes through _fast_start,
    a leading `(?<!\w)` moves behind the first letter as `\b` does, and a leading group
    of letter-led alternatives is multiplied out over the rest of its alternative
    (`(?:a|b)r` -> `ar|br`: the same matches, tried in the same order). Anything it
    cannot make literal-led (or a rest with capturing groups, which would be copied) is
    returned as _fast_start gives it."""
    fallback = _fast_start(regex)
    alts, end = _top_level(regex)
    if end != len(regex):
        return fallback
    out: list[str] = []
    for alt in alts:
        if alt.startswith("(?<!\\w)"):
            body = alt[len("(?<!\\w)") :]
            if _letter_led(body):
                alt = body[0] + "(?<!\\w.)" + body[1:]
            elif body.startswith("(?:"):
                inner, close = _top_level(body, 3)
                if (
                    close == len(body)
                    or body[close + 1 : close + 2] in _QUANTIFIERS
                    or not all(_letter_led(a) for a in inner)
                ):
                    return fallback
                moved = "|".join(a[0] + "(?<!\\w.)" + a[1:] for a in inner)
                alt = "(?:" + moved + body[close:]
            else:
                return fallback
        else:
            alt = _fast_start(alt)
        if len(alts) == 1:
            return alt  # led by a letter, or by a group of letter-led alternatives, whose
            # first letters `re` takes as the set
        if _letter_led(alt):
            out.append(alt)
            continue
        if not alt.startswith("(?:"):
            return fallback
        inner, close = _top_level(alt, 3)
        rest = alt[close + 1 :]
        if (
            close == len(alt)
            or rest[:1] in _QUANTIFIERS
            or not all(_letter_led(a) for a in inner)
            or re.search(r"\((?!\?)|\(\?P<", rest)  # a group that would be copied
        ):
            return fallback
        out += [a + rest for a in inner]
    return "|".join(out)


RULE_REACH = 240  # no rule matches more than this many characters around its seed word
MAX_SEEDS = 24


def _occurrences(text: str, word: str) -> list[int]:
    """Every start of `word` in `text`, overlapping ones included."""
    out = []
    pos = text.find(word)
    while pos >= 0:
        out.append(pos)
        pos = text.find(word, pos + 1)
    return out


def _seed_windows(
    text: str, seeds: list[str], seen_at: dict[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """Merged windows of RULE_REACH around every occurrence (as a substring) of the seeds;
    `seen_at` caches the occurrences per word for the next rule on the same text."""
    n = len(text)
    spans = []
    for w in seeds:
        if seen_at is None:
            starts = _occurrences(text, w)
        elif (starts := seen_at.get(w)) is None:  # type: ignore[assignment]
            starts = seen_at[w] = _occurrences(text, w)
        k = len(w) + RULE_REACH
        spans += [(max(0, p - RULE_REACH), min(n, p + k)) for p in starts]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def words(*groups: str) -> tuple[frozenset[str], ...]:
    """`words("ignore disregard", "instructions rules")`: AND of space-separated OR groups."""
    return tuple(frozenset(g.split()) for g in groups)
