from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class GoogleApiKeyRecognizer(FastPatternRecognizer):
    ENTITY = "GOOGLE_API_KEY"
    PATTERNS = (
        Pattern("secret.google_api_key", r"AIza(?<![\w-]AIza)[0-9A-Za-z_\-]{35}(?![\w-])", 0.9),
    )
    ANCHORS = ("aiza",)

    def validate_result(self, pattern_text: str) -> bool | None:
        return not looks_placeholder(pattern_text[4:])

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value[4:])
