from __future__ import annotations

import re
import zlib

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import doc_placeholder


class GithubTokenRecognizer(FastPatternRecognizer):
    ENTITY = "GITHUB_TOKEN"
    PATTERNS = (
        Pattern("secret.github_token", r"gh(?<!\wgh)[pousr]_[A-Za-z0-9]{36,255}(?!\w)", 0.9),
        Pattern(
            "secret.github_pat", r"github_pat_(?<!\wgithub_pat_)[A-Za-z0-9_]{60,255}(?!\w)", 0.9
        ),
    )
    ANCHORS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")

    def validate_result(self, pattern_text: str) -> bool | None:
        body = pattern_text.partition("_")[2]
        if pattern_text.startswith("gh") and _checksum_ok(body):
            return True  # the last 6 characters are the CRC32 of the rest, in base62
        return not looks_placeholder(body) and shannon_entropy(body) >= 3.5


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _checksum_ok(body: str) -> bool:
    """GitHub's token checksum: base62(crc32(random part)), zero-padded to 6 characters."""
    n, digits = zlib.crc32(body[:-6].encode()), ""
    while n:
        n, r = divmod(n, 62)
        digits = _BASE62[r] + digits
    return digits.rjust(6, "0") == body[-6:]

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return doc_placeholder(value.partition("_")[2])
