from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class AwsSecretKeyRecognizer(FastPatternRecognizer):
    """A 40-character AWS secret access key after `aws_secret_access_key`,
    `secret_access_key`, `aws_secret_key` or `aws ... secret`."""

    ENTITY = "AWS_SECRET_ACCESS_KEY"
    PATTERNS = (
        # matched where "secret" starts; what comes before it is checked by _named_aws
        Pattern(
            "secret.aws_secret_access_key",
            r"(?i:secret(?P<tail>(?:_?access)?_?key)?)"
            r"[\"']?\s*[:=]?\s*[\"']?(?P<v>(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))",
            0.9,
        ),
    )
    ANCHORS = ("secret",)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """The regex tried only at each "secret" (a case-insensitive alternation searched
        over the windows costs 5x more)."""
        if lower is None:
            lower = text.lower()
        pattern, rx = self._compiled[0]
        results: list[RecognizerResult] = []
        seen: set[int] = set()
        for wstart, wend in spans if spans is not None else [(0, len(text))]:
            pos = lower.find("secret", wstart, wend)
            while pos >= 0:
                m = rx.match(text, pos)
                if m is not None and m.start("v") not in seen and _named_aws(lower, m):
                    seen.add(m.start("v"))
                    start, end = m.span("v")
                    value = text[start:end]
                    validated = self.validate_match(m, value)
                    if validated is not False:
                        score = self.score(pattern, validated, value)
                        results.append(self.result(start, end, score, pattern.name))
                    elif self.placeholder(m, value):
                        results.append(self.placeholder_result(start, end, pattern.name))
                pos = lower.find("secret", pos + 1, wend)
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        if looks_placeholder(pattern_text) or "EXAMPLEKEY" in pattern_text:
            return False
        return shannon_entropy(pattern_text) >= 4.0

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value)


def _named_aws(lower: str, match: re.Match[str]) -> bool:
    """What the key word needs before "secret": `secret_access_key` alone; `aws_` right
    before `secret_key`; "aws" up to 20 characters before a bare "secret"."""
    tail = (match.group("tail") or "").lower()
    start = match.start()
    if "access" in tail:
        return True
    if tail:
        return lower.endswith(("aws", "aws_"), max(0, start - 4), start)
    return "aws" in lower[max(0, start - 23) : start]
