from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.secret_checks import doc_placeholder, looks_sequential


class AwsAccessKeyRecognizer(FastPatternRecognizer):
    ENTITY = "AWS_ACCESS_KEY_ID"
    PATTERNS = (
        Pattern(
            "secret.aws_access_key_id",
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)"
            r"[A-Z0-9]{16}(?![A-Za-z0-9])",
            0.9,
        ),
    )
    ANCHORS = (
        "akia",
        "asia",
        "abia",
        "acca",
        "agpa",
        "aida",
        "aroa",
        "aipa",
        "anpa",
        "anva",
        "apka",
    )
    REACH = (0, 24)

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text[4:]
        return not ("EXAMPLE" in body or len(set(body)) < 6 or looks_sequential(body))

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value if "EXAMPLE" in value else value[4:])
