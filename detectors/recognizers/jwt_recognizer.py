from __future__ import annotations

import base64
import binascii
import json

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder


class JwtRecognizer(FastPatternRecognizer):
    ENTITY = "JWT"
    PATTERNS = (
        Pattern(
            "secret.jwt",
            r"eyJ(?<![\w-]eyJ)[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*(?![\w-])",
            0.5,
        ),
    )
    REACH = (0, 8192)
    ANCHORS = ("eyj",)

    def validate_result(self, pattern_text: str) -> bool | None:
        header, payload, signature = pattern_text.split(".", 2)
        if looks_placeholder(signature):
            return False
        try:
            head = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
            body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError):
            return False
        return isinstance(head, dict) and "alg" in head and isinstance(body, dict)
