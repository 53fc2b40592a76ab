from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import DOCUMENTATION_KEYS, doc_placeholder


class StripeKeyRecognizer(FastPatternRecognizer):
    """Secret and restricted keys and webhook secrets. Publishable keys (`pk_live_`,
    `pk_test_`) go into web pages by design and are not flagged."""

    ENTITY = "STRIPE_KEY"
    PATTERNS = (
        Pattern(
            "secret.stripe_key", r"(?<![\w])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?!\w)", 0.9
        ),
        Pattern("secret.stripe_webhook", r"whsec_(?<!\wwhsec_)[A-Za-z0-9]{24,}(?!\w)", 0.9),
    )
    ANCHORS = ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_")

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text.rsplit("_", 1)[-1]
        if (
            pattern_text in DOCUMENTATION_KEYS
            or looks_placeholder(body)
            or shannon_entropy(body) < 3.3
        ):
            return False
        return None

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value if value in DOCUMENTATION_KEYS else value.rsplit("_", 1)[-1])
