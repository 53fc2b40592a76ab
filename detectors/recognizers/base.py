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
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

_PLACEHOLDER = re.compile(
    r"<[^<>\s]{1,40}>|\{\{|\$\{|%\(|x{4,}|X{4,}|\*{3,}|\.{3}|•{3,}|"
    r"your[_\- ]|example|changeme|placeholder|dummy|redacted|insert[_\- ]|replace[_\- ]|"
    r"^(?:password|passw0rd|secret|token|none|null|true|false|undefined|string|test|"
    r"admin|root|user|username|pass|value|key|foo|bar|baz|qwerty|123456\d*|abc123)$",
    re.IGNORECASE,
)


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def looks_placeholder(value: str) -> bool:
    """True for documentation values (`<token>`, `${API_KEY}`, `xxxx`, `changeme`, ...)."""
    if not value or len(set(value)) <= 2:
        return True
    return _PLACEHOLDER.search(value) is not None


class FastPatternRecognizer(PatternRecognizer):
    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[Pattern, ...]]  # Pattern.name is the stable rule id
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    # Lowercase literals of which at least one must occur for this recognizer to run.
    # Empty tuple: the engine decides (NUMERIC candidates, or always).
    ANCHORS: ClassVar[tuple[str, ...]] = ()
    NUMERIC: ClassVar[bool] = False  # run only on windows around digit runs
    FLAGS: ClassVar[int] = 0
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_WINDOW: ClassVar[int] = 64

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        self._compiled = tuple((p, re.compile(p.regex, self.FLAGS)) for p in self.PATTERNS)

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

    def score(self, pattern: Pattern, validated: bool | None) -> float:
        return 1.0 if validated else pattern.score

    def find(self, text: str, lower: str | None = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for pattern, rx in self._compiled:
            for m in rx.finditer(text):
                start, end = self.value_span(m)
                value = text[start:end]
                validated = self.validate_match(m, value)
                if validated is False:
                    continue
                score = self.score(pattern, validated)
                if score < 1.0 and self.CONTEXT:
                    if lower is None:
                        lower = text.lower()
                    window = lower[max(0, start - self.CONTEXT_WINDOW) : start]
                    if any(word in window for word in self.CONTEXT):
                        score = min(1.0, score + self.CONTEXT_BOOST)
                results.append(
                    RecognizerResult(
                        self.ENTITY,
                        start,
                        end,
                        score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            "rule": pattern.name,
                        },
                    )
                )
        return results

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # type: ignore[override]
        if entities and self.ENTITY not in entities:
            return []
        return self.find(text)


class InjectionRuleRecognizer(FastPatternRecognizer):
    """Prompt-injection rules: each pattern has its own literal anchors and its score is the
    rule's weight. Patterns are written for lowercased, normalized text."""

    ENTITY = "PROMPT_INJECTION"
    RULES: ClassVar[tuple[tuple[Pattern, tuple[str, ...]], ...]]
    FLAGS = re.MULTILINE

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "RULES" in cls.__dict__:
            cls.PATTERNS = tuple(p for p, _ in cls.RULES)
            cls.ANCHORS = tuple(sorted({a for _, anchors in cls.RULES for a in anchors}))

    def __init__(self) -> None:
        super().__init__()
        self.rule_anchors = tuple(anchors for _, anchors in self.RULES)

    def find_rules(self, text: str, present: frozenset[str]) -> list[RecognizerResult]:
        """Run only the patterns whose anchors occur (`present`: anchors found in `text`)."""
        results = []
        for (pattern, rx), anchors in zip(self._compiled, self.rule_anchors, strict=True):
            if anchors and present.isdisjoint(anchors):
                continue
            for m in rx.finditer(text):
                results.append(
                    RecognizerResult(
                        self.ENTITY,
                        m.start(),
                        m.end(),
                        pattern.score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            "rule": pattern.name,
                        },
                    )
                )
        return results

    def find(self, text: str, lower: str | None = None) -> list[RecognizerResult]:
        lowered = text.lower()
        return self.find_rules(lowered, frozenset(a for a in self.ANCHORS if a in lowered))
