"""A card verification code (CVV2/CVC2/CID) named as such: three or four digits right
after the word. PCI DSS never allows it to be stored after authorisation; it only counts
with its word (three digits alone are everywhere)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

_WORDS = (
    r"cvv2?|cvc2?|cvn|cid|csc|card\s+(?:verification|security)\s+(?:code|value|number)"
    r"|security[\s_\-]?code|card[_\-]?(?:cvv|cvc|code)|kartenprüfnummer|prüfnummer|"
    r"cryptogramme|código\s+de\s+seguridad|codice\s+di\s+sicurezza|beveiligingscode"
)


class CardVerificationCodeRecognizer(FastPatternRecognizer):
    ENTITY = "CARD_VERIFICATION_CODE"
    PATTERNS = (
        Pattern(
            "pii.card_cvv",
            # also a JSON or YAML key ('"cvc": "945"') and at a sentence end ("CVV 236.")
            rf"(?i)(?<![^\W_])(?:{_WORDS})(?![^\W_])[\s:=#\-\"']{{0,6}}(?:(?:is|ist|est|es)\s+)?"
            rf"(?P<v>\d{{3,4}})(?![\d\-/]|[.,]\d)",
            0.85,
        ),
    )
    WORD_ANCHORS = True
    ANCHORS = (
        "cvv",
        "cvc",
        "cvn",
        "cid",
        "csc",
        "security code",
        "security_code",
        "security-code",
        "securitycode",
        "verification",
        "prüfnummer",
        "cryptogramme",
        "seguridad",
    )
    REACH = (8, 64)
