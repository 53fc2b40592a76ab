from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class GitlabTokenRecognizer(FastPatternRecognizer):
    ENTITY = "GITLAB_TOKEN"
    PATTERNS = (
        Pattern(
            "secret.gitlab_token",
            r"(?<![\w-])(?:gl(?:pat|oas|dt|rtr?|ptt|soat|cbt|ffct|ft|imt|agent|wt)-|GR1348941)"
            r"[A-Za-z0-9_\-.]{20,}(?![\w-])",
            0.9,
        ),
    )
    ANCHORS = (
        "glpat-",
        "gloas-",
        "gldt-",
        "glrt-",
        "glptt-",
        "glsoat-",
        "glcbt-",
        "glft-",
        "glimt-",
        "glagent-",
        "glwt-",
        "glrtr-",
        "glffct-",
        "gr1348941",
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        body = (
            pattern_text[9:]
            if pattern_text.startswith("GR1348941")
            else pattern_text.split("-", 1)[1]
        )
        return not looks_placeholder(body) and shannon_entropy(body) >= 3.3

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value.split("-", 1)[-1])
