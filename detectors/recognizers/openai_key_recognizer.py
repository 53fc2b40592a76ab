from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    PLACEHOLDER_SCORE,
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.placeholder_secret_recognizer import prefixed_placeholder
from llmwall.detectors.recognizers.secret_checks import doc_placeholder, looks_sequential


class OpenAiKeyRecognizer(FastPatternRecognizer):
    ENTITY = "OPENAI_API_KEY"
    PATTERNS = (
        Pattern(
            "secret.openai_key",
            r"sk-(?<![\w-]sk-)(?:(?:proj|svcacct|admin|None)-)?(?!ant-)[A-Za-z0-9_\-]{20,}(?![\w-])",
            0.6,
        ),
        # `sk-...`, `sk-proj-xxxx`, `sk-ant-<your key>`: always a PLACEHOLDER_SECRET
        Pattern(
            "secret.placeholder_prefixed",
            prefixed_placeholder(
                ("sk-", "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-ant-", "sk-ant-api03-")
            ),
            PLACEHOLDER_SCORE,
        ),
    )
    ANCHORS = ("sk-",)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        if match.re is self._placeholder_rx:
            return False  # reported by placeholder() below
        return super().validate_match(match, value)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text[3:]
        if looks_placeholder(body) or looks_sequential(body) or shannon_entropy(body) < 3.5:
            return False
        # "T3BlbkFJ" is base64 of "OpenAI", embedded in every legacy and project key
        return True if "T3BlbkFJ" in body or body.startswith(("proj-", "svcacct-")) else None

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return match.re is self._placeholder_rx or doc_placeholder(value[3:])

    @property
    def _placeholder_rx(self) -> re.Pattern[str]:
        return self._compiled[1][1]
