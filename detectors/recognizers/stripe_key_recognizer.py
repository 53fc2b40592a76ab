from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)


class StripeKeyRecognizer(FastPatternRecognizer):
    ENTITY = "STRIPE_KEY"
    PATTERNS = (
        Pattern(
            "secret.stripe_key", r"(?<![\w])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?!\w)", 0.9
        ),
        # publishable keys are meant for browsers: lower confidence
        Pattern(
            "secret.stripe_publishable", r"(?<![\w])pk_(?:live|test)_[A-Za-z0-9]{16,}(?!\w)", 0.5
        ),
        Pattern("secret.stripe_webhook", r"whsec_(?<!\wwhsec_)[A-Za-z0-9]{24,}(?!\w)", 0.9),
    )
    ANCHORS = ("sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_")

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text.rsplit("_", 1)[-1]
        if looks_placeholder(body) or shannon_entropy(body) < 3.3:
            return False
        return None
