from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import FastPatternRecognizer, looks_placeholder, shannon_entropy

_KEYWORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secret(?:_?key)?|api[_\-]?key|apikey|access[_\-]?key|"
    r"(?:access|auth|bearer|refresh|session|api|private)[_\-]?token|token|client[_\-]?secret|"
    r"private[_\-]?key|credentials?|auth|pw|userpwd"
)


class GenericSecretRecognizer(FastPatternRecognizer):
    """A high-entropy value assigned to a key word (`password=...`, `"api_key": "..."`)."""

    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.generic_assignment",
            rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:(?:{_KEYWORDS})[\w\-]{{0,30}})[\"'\]]?\s*(?::=|=>|[:=]|\s(?:is|=)\s)\s*"
            r"(?:[\"'`]|b[\"'])?(?P<v>[^\s\"'`<>,;)\]}]{6,256})",
            0.6,
        ),
        Pattern(
            "secret.generic_argument",
            rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:(?:{_KEYWORDS})[\w\-]{{0,30}})[\"']?\s*,\s*"
            r"[\"'](?P<v>[^\s\"'<>]{6,256})[\"']",
            0.6,
        ),
        Pattern(
            "secret.sql_password",
            r"(?i:\bidentified\s+(?:with\s+\w+\s+)?by\s+(?:password\s+)?)[\"'`]?(?P<v>[^\s\"'`;)]{4,128})",
            0.7,
        ),
        Pattern(
            "secret.bearer_token",
            r"(?i:\bbearer\s+)(?P<v>[A-Za-z0-9_\-.=+/~]{16,})",
            0.6,
        ),
    )
    ANCHORS = (
        "pass",
        "pwd",
        "pw",
        "secret",
        "key",
        "token",
        "credential",
        "auth",
        "bearer",
        "identified",
    )
    REACH = (48, 320)

    def validate_result(self, pattern_text: str) -> bool | None:
        if looks_placeholder(pattern_text):
            return False
        # function calls, attribute access and env lookups are code, not values
        if pattern_text.startswith(("os.", "process.", "env", "getenv", "self.", "this.", "$")):
            return False
        if "(" in pattern_text or pattern_text.endswith(("()", ".")):
            return False
        entropy = shannon_entropy(pattern_text)
        classes = sum(
            (
                any(c.islower() for c in pattern_text),
                any(c.isupper() for c in pattern_text),
                any(c.isdigit() for c in pattern_text),
                any(not c.isalnum() for c in pattern_text),
            )
        )
        return len(pattern_text) >= 8 and entropy >= 3.0 and classes >= 2

    def score(self, pattern: Pattern, validated: bool | None, value: str = "") -> float:
        """A value next to a key word is less certain than a provider key: grade it by how
        random it looks (0.55 to 0.9), so that a policy can threshold generic secrets."""
        classes = sum(
            (
                any(c.islower() for c in value),
                any(c.isupper() for c in value),
                any(c.isdigit() for c in value),
                any(not c.isalnum() for c in value),
            )
        )
        randomness = min(1.0, max(0.0, (shannon_entropy(value) - 3.0) / 1.5))
        length = min(1.0, len(value) / 24)
        return round(0.55 + 0.05 * (classes - 2) + 0.1 * randomness + 0.1 * length, 4)
