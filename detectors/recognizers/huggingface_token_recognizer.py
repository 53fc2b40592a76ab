from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class HuggingfaceTokenRecognizer(FastPatternRecognizer):
    ENTITY = "HUGGINGFACE_TOKEN"
    PATTERNS = (Pattern("secret.huggingface_token", r"hf_(?<![\w-]hf_)[A-Za-z]{34}(?![\w-])", 0.9),)
    ANCHORS = ("hf_",)
    REACH = (0, 40)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text[3:]
        return not looks_placeholder(body) and shannon_entropy(body) >= 3.5

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value[3:])
