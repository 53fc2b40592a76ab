from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    looks_placeholder,
    shannon_entropy,
)
from llmwall.detectors.recognizers.secret_checks import (
    char_classes,
    looks_sequential,
)

# Key words that name a secret. The first alternatives may also end a longer name
# ("DBPASSWORD", "CURLOPT_PROXYUSERPWD", "ANYsecret"); the rest need a word start.
_EMBEDDED = r"passw(?:or)?d|userpwd|secret|token|bearer"
_KEYWORDS = (
    r"pass(?:word|wd|phrase)?(?-i:(?![a-rt-z]))|pwd|secret(?:_?key)?|api[_\-]?key|apikey|"
    r"(?:access|secret|private|auth(?:entication)?|encryption|signing|master|client|license)"
    r"[_\-\s]?key|"
    r"(?:access|auth|bearer|refresh|session|api|private)[_\-]?token|token|client[_\-]?secret|"
    r"credentials?|auth|bearer|pw|userpwd"
)
# at a word start, a camelCase hump, or (for the _EMBEDDED words) anywhere
_KEY_START = rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z])|(?=(?i:{_EMBEDDED})))"
# every key word starts with one of these letters: checking it first lets `re` skip the
# other positions of a window cheaply (about 2x on chat text)
_FIRST = r"(?=[PpSsAaTtCcBbUuEeMmLlRr])"
_KEY = rf"{_FIRST}{_KEY_START}(?P<k>(?i:(?:{_KEYWORDS})[\w\-]{{0,30}}))"
_ASSIGN = r"[\"'\]]?\s*(?::=|=>|[:=]|\s(?:is|=)\s)\s*"
_VALUE_END = r"[^\s\"'`<>,;)\]}]"

# a bare "key" names a secret too, but also dictionary keys and i18n ids: its values
# must look machine-generated (see _random_key)
_BARE_KEY = r"(?=[Kk])(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[a-z]))(?P<k>(?i:key))"

_PASSWORD_WORDS = ("pass", "pw", "userpwd")
_CODE_PREFIXES = ("os.", "process.", "env", "getenv", "self.", "this.", "$", "%", "-")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|\w+\[.*")
_LITERAL_RULES = ("secret.xml_element", "secret.config_key_value")
# Rules whose match starts with a key word: they are tried only where one of these
# lowercase literals occurs (every alternative of _KEYWORDS and _BARE_KEY starts with
# one), found with str.find, instead of being scanned over whole windows (3x faster at
# 20 KB of chat text, same findings)
_KEYED_RULES = ("secret.generic_assignment", "secret.generic_argument", "secret.key_assignment")
_KEY_LITERALS = (
    "pass",
    "pw",
    "secret",
    "token",
    "credential",
    "auth",
    "bearer",
    "userpwd",
    "api",
    "access",
    "private",
    "encryption",
    "signing",
    "master",
    "client",
    "license",
    "session",
    "refresh",
    "key",
)
_BASE64ISH = re.compile(r"[A-Za-z0-9+/=_\-.]+")


class GenericSecretRecognizer(FastPatternRecognizer):
    """A value assigned to a key word (`password=...`, `"api_key": "..."`, `--token x`,
    `<password>x</password>`, `Authorization: Basic x`, SQL `WITH PASSWORD 'x'`)."""

    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.generic_assignment",
            rf"{_KEY}{_ASSIGN}(?:[\"'`]|b[\"'])?(?P<v>{_VALUE_END}{{6,256}})",
            0.6,
        ),
        Pattern(
            "secret.generic_argument",
            rf"{_KEY}[\"']?\s*,\s*[\"'](?P<v>[^\s\"'<>]{{6,256}})[\"']",
            0.6,
        ),
        Pattern(
            "secret.key_assignment",
            rf"{_BARE_KEY}{_ASSIGN}(?:[\"'`]|b[\"'])?(?P<v>[A-Za-z0-9+/=_\-.]{{16,256}})",
            0.6,
        ),
        Pattern(
            "secret.cli_flag",
            r"(?<![\w\-])--?(?P<k>(?i:(?:[a-z]+-){0,2}(?:password|passwd|pass|pwd|secret|token|"
            r"api-?key|access-?key|secret-?key)))(?:=|\s+)[\"'`]?(?P<v>[^\s\"'`<>|;&]{4,256})",
            0.6,
        ),
        Pattern(
            "secret.xml_element",
            rf"<(?P<k>[\w:.\-]{{0,30}}(?i:{_EMBEDDED}|pwd|api[_\-]?key|apikey)[\w.\-]{{0,30}})"
            r"(?:\s[^<>]{0,200})?>\s*(?P<v>[^\s<>]{4,256})\s*</",
            0.6,
        ),
        Pattern(
            "secret.config_key_value",
            rf"\bkey\s*=\s*[\"'](?P<k>[\w.:\-]{{0,30}}(?i:{_EMBEDDED}|pwd|api[_\-]?key)[\w.:\-]{{0,30}})"
            r"[\"']\s+value\s*=\s*[\"'](?P<v>[^\s\"'<>]{4,256})[\"']",
            0.6,
        ),
        Pattern(
            "secret.sql_password",
            r"(?i:\bidentified\s+(?:with\s+\w+\s+)?by\s+(?:password\s+)?)[\"'`]?(?P<v>[^\s\"'`;)]{4,128})",
            0.7,
        ),
        Pattern(
            "secret.sql_password_hash",
            r"(?i:\bidentified\s+with\s+[\"'`]?\w{1,64}[\"'`]?\s+as\s+)[\"'](?P<v>[^\s\"']{8,256})[\"']",
            0.7,
        ),
        Pattern(
            "secret.sql_role_password",
            r"(?i:\b(?:(?:with|login|(?:un)?encrypted|role\s+[\w\"]{1,64}|user\s+[\w\"]{1,64})\s+)"
            r"password\s+)(?:'(?P<v>[^'\s]{4,128})'|(?P<u>[^\s'\";,()]{4,128});)",
            0.7,
        ),
        Pattern(
            "secret.authorization_header",
            r"(?i:\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?"
            r"(?:basic|ntlm|negotiate|token|apikey|sso-key)\s+)(?P<v>[A-Za-z0-9+/=._~\-:]{8,2048})",
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
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "secret.key_assignment": ("key",),
        "secret.cli_flag": ("-pass", "-pwd", "-secret", "-token", "-api", "-access"),
        "secret.xml_element": ("</",),
        "secret.config_key_value": ("value",),
        "secret.sql_password": ("identified",),
        "secret.sql_password_hash": ("identified",),
        "secret.sql_role_password": ("password",),
        "secret.authorization_header": ("authorization",),
        "secret.bearer_token": ("bearer",),
    }

    def __init__(self) -> None:
        super().__init__()
        self._rule = {rx: p.name for p, rx in self._compiled}
        self._keyed = tuple((p, rx) for p, rx in self._compiled if p.name in _KEYED_RULES)
        self._compiled = tuple((p, rx) for p, rx in self._compiled if p.name not in _KEYED_RULES)
        self._gates = tuple(self.PATTERN_GATES.get(p.name) for p, _ in self._compiled)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        if lower is None:
            lower = text.lower()
        windows = spans if spans is not None else [(0, len(text))]
        results = super().find(text, lower, windows)
        starts: set[int] = set()
        for wstart, wend in windows:
            for literal in _KEY_LITERALS:
                pos = lower.find(literal, wstart, wend)
                while pos >= 0:
                    starts.add(pos)
                    pos = lower.find(literal, pos + 1, wend)
        seen = {(r.start, r.end) for r in results}
        ordered = sorted(starts)
        for pattern, rx in self._keyed:
            done = -1  # like finditer: no match starts inside the previous one
            for pos in ordered:
                if pos < done:
                    continue
                m = rx.match(text, pos)
                if m is None:
                    continue
                done = m.end()
                start, end = self.value_span(m)
                if (start, end) in seen:
                    continue
                validated = self.validate_match(m, text[start:end])
                if validated is False:
                    continue
                seen.add((start, end))
                value = text[start:end]
                results.append(
                    self.result(start, end, self.score(pattern, validated, value), pattern.name)
                )
        return results

    def value_span(self, match: re.Match[str]) -> tuple[int, int]:
        if "u" in match.re.groupindex and match.group("u") is not None:
            return match.span("u")
        return super().value_span(match)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        rule = self._rule[match.re]
        if rule == "secret.key_assignment":
            before = match.string[max(0, match.start() - 8) : match.start()].lower()
            if before.rstrip("_- ").endswith(("public", "pub")):
                return False  # public keys are published
            return None if _random_key(value) else False
        if rule in ("secret.authorization_header", "secret.bearer_token"):
            ok = not looks_placeholder(value) and shannon_entropy(value) >= 3.0
            return None if ok and not looks_sequential(value) else False
        keyword = match.group("k").lower() if "k" in match.re.groupindex else ""
        start = match.start("v") if match.group("v") is not None else match.start("u")
        quoted = rule in _LITERAL_RULES or (start > 0 and match.string[start - 1] in "\"'`")
        # in prose ("the password is ...") only a token-like value counts
        prose = (
            rule == "secret.generic_assignment"
            and " is " in match.group(0)[: start - match.start()]
        )
        if not prose and (
            rule.startswith("secret.sql") or any(w in keyword for w in _PASSWORD_WORDS)
        ):
            return None if _password(value, quoted) else False
        return self._token(value, quoted)

    def validate_result(self, pattern_text: str) -> bool | None:
        return self._token(pattern_text, quoted=True)

    def _token(self, pattern_text: str, quoted: bool) -> bool | None:
        if _code_like(pattern_text, quoted) or looks_sequential(pattern_text):
            return False
        entropy = shannon_entropy(pattern_text)
        ok = len(pattern_text) >= 8 and entropy >= 3.0 and char_classes(pattern_text) >= 2
        return None if ok else False

    def score(self, pattern: Pattern, validated: bool | None, value: str = "") -> float:
        """A value next to a key word is less certain than a provider key: grade it by how
        random it looks (0.55 to 0.9), so that a policy can threshold generic secrets."""
        randomness = min(1.0, max(0.0, (shannon_entropy(value) - 3.0) / 1.5))
        length = min(1.0, len(value) / 24)
        classes = char_classes(value)
        return round(0.55 + 0.05 * (classes - 2) + 0.1 * randomness + 0.1 * length, 4)


def _code_like(value: str, quoted: bool) -> bool:
    """Placeholders, env lookups and, unquoted, calls and identifiers are not secrets."""
    if looks_placeholder(value) or value.startswith(_CODE_PREFIXES):
        return True
    if quoted:
        return False
    return "(" in value or value.endswith(".") or _IDENTIFIER.fullmatch(value) is not None


def _password(value: str, quoted: bool) -> bool:
    """People choose passwords: shorter and less random than tokens, so the bar is two
    character classes and a little variety rather than token-level entropy."""
    if _code_like(value, quoted) or looks_sequential(value):
        return False
    if len(value) < 6 or len(set(value)) < 5:
        return False
    return char_classes(value) >= 2 and shannon_entropy(value) >= 2.3


def _random_key(value: str) -> bool:
    """A value of a bare `key`: machine-generated (mixed case and digits, high entropy),
    unlike dictionary keys, file names and message ids."""
    if looks_placeholder(value) or looks_sequential(value) or not _BASE64ISH.fullmatch(value):
        return False
    upper = sum(c.isupper() for c in value)
    lower = sum(c.islower() for c in value)
    digits = sum(c.isdigit() for c in value)
    return upper >= 2 and lower >= 2 and digits >= 2 and shannon_entropy(value) >= 3.5
