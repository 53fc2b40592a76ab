from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import FastPatternRecognizer, looks_placeholder, shannon_entropy


class GithubTokenRecognizer(FastPatternRecognizer):
    ENTITY = "GITHUB_TOKEN"
    PATTERNS = (
        Pattern("secret.github_token", r"(?<![\w])gh[pousr]_[A-Za-z0-9]{36,255}(?!\w)", 0.9),
        Pattern("secret.github_pat", r"(?<![\w])github_pat_[A-Za-z0-9_]{60,255}(?!\w)", 0.9),
    )
    ANCHORS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text.partition("_")[2]
        return not looks_placeholder(body) and shannon_entropy(body) >= 3.5
