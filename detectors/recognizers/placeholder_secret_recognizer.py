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

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET
from llmwall.detectors.recognizers.base import (
    PLACEHOLDER_SCORE,
    FastPatternRecognizer,
    literal_positions,
)
from llmwall.detectors.recognizers.secret_checks import DOCUMENTATION_KEYS

# vendor prefixes whose filler-only tails are placeholders: (regex, lowercase literal)
_PREFIXES = (
    ("sk-", "sk-"),
    ("sk-proj-", "sk-proj-"),
    ("sk-svcacct-", "sk-svcacct-"),
    ("sk-ant-", "sk-ant-"),
    ("sk-ant-api03-", "sk-ant-api03-"),
    ("sk_live_", "sk_live_"),
    ("sk_test_", "sk_test_"),
    ("rk_live_", "rk_live_"),
    ("rk_test_", "rk_test_"),
    ("whsec_", "whsec_"),
    ("gh[pousr]_", "ghp_"),
    ("gh[pousr]_", "gho_"),
    ("gh[pousr]_", "ghs_"),
    ("gh[pousr]_", "ghu_"),
    ("github_pat_", "github_pat_"),
    ("glpat-", "glpat-"),
    ("xox[abpr]-", "xoxb-"),
    ("xox[abpr]-", "xoxp-"),
    ("xapp-", "xapp-"),
    ("hf_", "hf_"),
    ("gsk_", "gsk_"),
    ("npm_", "npm_"),
    ("pypi-", "pypi-"),
    ("dckr_pat_", "dckr_pat_"),
    ("AKIA", "akia"),
    ("AIza", "aiza"),
    ("SG\\.", "sg."),
    ("pplx-", "pplx-"),
    ("xai-", "xai-"),
    ("r8_", "r8_"),
    ("tvly-", "tvly-"),
    ("lsv2_pt_", "lsv2_pt_"),
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
_PREFIXED = (
    r"(?<![\w\-.])(?:"
    + "|".join(dict.fromkeys(rx for rx, _ in _PREFIXES))
    + ")(?:"
    + "|".join(_FILLERS)
    + r")[\w\-.*…<>]{0,60}(?![\w\-])"
)
_SECRET_WORD = r"(?:api[_\-]?key|key|token|secret|password|passwd|pass|pwd|pat|credentials?|auth)"


# the literals each rule's match starts with (lowercase)
_STARTS = {
    "secret.placeholder_prefixed": tuple(dict.fromkeys(lit for _, lit in _PREFIXES)),
    "secret.placeholder_named": ("your_", "your-"),
    "secret.placeholder_angle": ("<your",),
}


class PlaceholderSecretRecognizer(FastPatternRecognizer):
    """`sk-...`, `ghp_xxxx`, `YOUR_API_KEY`, `<your-token>`, AWS's documentation keys."""

    ENTITY = PLACEHOLDER_SECRET
    PATTERNS = (
        Pattern("secret.placeholder_prefixed", _PREFIXED, PLACEHOLDER_SCORE),
        Pattern(
            "secret.placeholder_named",
            r"(?<![\w\-])(?i:your)[_\-](?:[A-Za-z0-9]+[_\-]){0,5}"
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
        "sk-",
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
    REACH = (48, 112)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """Each rule tried only where its first literal occurs (`sk-`, `your_`, `<your`);
        the documentation keys, whose literal can come last, searched in the windows."""
        if lower is None:
            lower = text.lower()
        windows = spans if spans is not None else [(0, len(text))]
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for pattern, rx in self._compiled:
            starts = _STARTS.get(pattern.name)
            if starts is None:
                matches = [
                    m
                    for s, e in windows
                    if "example" in lower[s:e] or "sk_test_" in lower[s:e]
                    for m in rx.finditer(text, s, e)
                ]
            else:
                found = (
                    rx.match(text, pos) for pos in sorted(literal_positions(lower, windows, starts))
                )
                matches = [m for m in found if m is not None]
            for m in matches:
                if m.span() not in seen and self.validate_match(m, m.group()) is not False:
                    seen.add(m.span())
                    results.append(self.result(m.start(), m.end(), pattern.score, pattern.name))
        return results

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        if not value.startswith("<"):
            return None
        tag = value[1:-1]
        if tag in ENTITIES:
            return False  # a redaction tag: the value is already gone
        # an XML element (`<password>x</password>`, `<password/>`), not a stand-in
        closing = match.string.find("</" + tag, match.end(), match.end() + 512)
        return False if closing >= 0 else None
