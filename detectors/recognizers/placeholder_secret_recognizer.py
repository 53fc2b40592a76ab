"""Documentation stand-ins for secrets, reported as PLACEHOLDER_SECRET.

Three shapes, each found on its own: a vendor prefix followed by filler (`sk-...`,
`ghp_xxxx`, `SG.your-key-here`), a named stand-in (`YOUR_API_KEY`, `<your-token>`),
and the keys that vendors publish in their docs (AWS's `...EXAMPLEKEY`). A value next
to a key word (`password: changeme`, `Bearer <token>`, `--token <TOKEN>`) is judged by
the recognizer that found the key word (see FastPatternRecognizer.placeholder).

Placeholders are a secret by category, so the default `secret: redact` redacts them (a
newcomer's first test with `sk-...` shows redaction working), while a policy can act on
PLACEHOLDER_SECRET alone, e.g. `actions: {PLACEHOLDER_SECRET: allow}`. Redaction tags
(`<GENERIC_SECRET>`) are never placeholders, so redacting twice changes nothing.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET
from llmwall.detectors.recognizers.base import (
    PLACEHOLDER_SCORE,
    FastPatternRecognizer,
)
from llmwall.detectors.recognizers.secret_checks import DOCUMENTATION_KEYS

# vendor prefixes whose filler-only tails are placeholders (regexes, each starting
# with a literal character). OpenAI's and Anthropic's `sk-` are OpenAiKeyRecognizer's,
# which already searches every "sk-" window.
_PREFIXES = (
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "gh[pousr]_",
    "github_pat_",
    "glpat-",
    "xox[abpr]-",
    "xapp-",
    "hf_",
    "gsk_",
    "npm_",
    "pypi-",
    "dckr_pat_",
    "AKIA",
    "AIza",
    r"SG\.",
    "pplx-",
    "xai-",
    "r8_",
    "tvly-",
    "lsv2_pt_",
)
# filler that starts the tail
_FILLERS = (
    r"\.{3}",
    "…",
    r"[xX*]{3,}",
    r"<[^<>\s]{1,40}>",
    "(?i:your)",
    r"\{\{?[^{}\s]{1,40}\}\}?",
    "(?i:example|placeholder|redacted|replace|insert)",
)


def prefixed_placeholder(prefixes: tuple[str, ...]) -> str:
    r"""A regex for `prefix` + filler (`sk-...`, `ghp_xxxx`, `SG.your-key-here`). Each
    alternative starts with its literal first character and checks the boundary behind it
    (`s(?<![\w\-.]s)k-`), so `re` skips ahead by the set of first characters in C; a
    sentence's full stop after the tail is left out."""
    return (
        "(?:"
        + "|".join(f"{p[0]}(?<![\\w\\-.]{p[0]}){p[1:]}" for p in prefixes)
        + ")(?:"
        + "|".join(_FILLERS)
        + r")(?:[\w\-*…<>]|\.(?=[\w\-.*…<>])){0,60}(?![\w\-])"
    )


_SECRET_WORD = r"(?:api[_\-]?key|key|token|secret|password|passwd|pass|pwd|pat|credentials?|auth)"


class PlaceholderSecretRecognizer(FastPatternRecognizer):
    """`sk-...`, `ghp_xxxx`, `YOUR_API_KEY`, `<your-token>`, AWS's documentation keys."""

    ENTITY = PLACEHOLDER_SECRET
    PATTERNS = (
        Pattern("secret.placeholder_prefixed", prefixed_placeholder(_PREFIXES), PLACEHOLDER_SCORE),
        Pattern(
            "secret.placeholder_named",
            r"[yY](?<![\w\-][yY])(?i:our)[_\-](?:[A-Za-z0-9]+[_\-]){0,5}"
            rf"(?i:{_SECRET_WORD})(?:[_\-](?i:here|goes[_\-]here))?(?![\w\-])",
            PLACEHOLDER_SCORE,
        ),
        Pattern(
            "secret.placeholder_angle",
            rf"<(?=[\w\-. ]{{0,40}}(?i:{_SECRET_WORD}))[A-Za-z][\w\-. ]{{0,40}}>",
            PLACEHOLDER_SCORE,
        ),
        Pattern(
            "secret.documentation_key",
            r"(?<![A-Za-z0-9/+])(?:"
            + "|".join(re.escape(k) for k in sorted(DOCUMENTATION_KEYS))
            + r"|[A-Za-z0-9/+]{20,36}EXAMPLEKEY)(?![A-Za-z0-9/+])",
            PLACEHOLDER_SCORE,
        ),
    )
    # anchors other recognizers have already (a distinct anchor costs a little on every
    # text): "sk-" wakes this for "sk-proj-...", "xox" for "xoxb-...", and so on
    ANCHORS = (
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "rk_test_",
        "whsec_",
        "ghp_",
        "gho_",
        "ghs_",
        "ghu_",
        "github_pat_",
        "glpat-",
        "xox",
        "xapp-",
        "hf_",
        "gsk_",
        "npm_",
        "pypi-",
        "dckr_",
        "akia",
        "aiza",
        "sg.",
        "pplx-",
        "xai-",
        "r8_",
        "tvly-",
        "lsv2_pt_",
        "your_",
        "your-",
        "<your",
        "examplekey",
    )
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "secret.placeholder_named": ("your_", "your-"),
        "secret.placeholder_angle": ("<your",),
        "secret.documentation_key": ("example", "sk_test_"),
    }
    REACH = (48, 112)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        if not value.startswith("<"):
            return None
        tag = value[1:-1]
        if tag in ENTITIES:
            return False  # a redaction tag: the value is already gone
        # an XML element (`<password>x</password>`, `<password/>`), not a stand-in
        closing = match.string.find("</" + tag, match.end(), match.end() + 512)
        return False if closing >= 0 else None
