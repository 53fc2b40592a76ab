from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class AwsSecretKeyRecognizer(FastPatternRecognizer):
    ENTITY = "AWS_SECRET_ACCESS_KEY"
    PATTERNS = (
        Pattern(
            "secret.aws_secret_access_key",
            r"(?i:aws_?secret(?:_?access)?_?key|secret_?access_?key|aws.{0,20}secret)"
            r"[\"']?\s*[:=]?\s*[\"']?(?P<v>(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))",
            0.9,
        ),
    )
    ANCHORS = ("secret",)
    FLAGS = re.DOTALL

    def validate_result(self, pattern_text: str) -> bool | None:
        if looks_placeholder(pattern_text) or "EXAMPLEKEY" in pattern_text:
            return False
        return shannon_entropy(pattern_text) >= 4.0

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value)
