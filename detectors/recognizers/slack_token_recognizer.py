from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class SlackTokenRecognizer(FastPatternRecognizer):
    ENTITY = "SLACK_TOKEN"
    PATTERNS = (
        Pattern("secret.slack_token", r"xox(?<![\w-]xox)[abposre]-(?:\d+-)*[A-Za-z0-9-]{10,}", 0.9),
        Pattern(
            "secret.slack_app_token", r"xapp-(?<![\w-]xapp-)\d-[A-Z0-9]+-\d+-[a-f0-9]{20,}", 0.9
        ),
        Pattern(
            "secret.slack_webhook",
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,}",
            0.9,
        ),
    )
    ANCHORS = ("xox", "xapp-", "hooks.slack.com")

    def validate_result(self, pattern_text: str) -> bool | None:
        return not looks_placeholder(pattern_text.split("-", 1)[-1])

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value.split("-", 1)[-1])
