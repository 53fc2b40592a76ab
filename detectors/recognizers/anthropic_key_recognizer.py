from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class AnthropicKeyRecognizer(FastPatternRecognizer):
    ENTITY = "ANTHROPIC_API_KEY"
    PATTERNS = (
        Pattern(
            "secret.anthropic_key",
            r"sk-ant-(?<![\w-]sk-ant-)(?:api|admin|oat|sid)?\d{0,2}-?[A-Za-z0-9_\-]{20,}(?![\w-])",
            0.9,
        ),
    )
    ANCHORS = ("sk-ant-",)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text[7:]
        return not looks_placeholder(body) and shannon_entropy(body) >= 3.5

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value[7:])
