from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    LiteralScanner,
    looks_placeholder,
    near_anchors,
    shannon_entropy,
    starts_of,
)
from llmwall.detectors.recognizers.secret_checks import (
    basic_credentials,
    char_classes,
    doc_placeholder,
    looks_random,
    looks_sequential,
    published_key,
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
# the value is on the key's line: "password:" with nothing after it is an empty field,
# not a key whose value is the next line's "username:"
_ASSIGN = r"[\"'\]]?[ \t]*(?::=|=>|[:=]|[ \t](?:is|=)[ \t])[ \t]*"
_VALUE_END = r"[^\s\"'`<>,;)\]}]"
# a stand-in in angle brackets (`<password>`, `<your-api-key>`): a placeholder, never a
# secret; HTML tags (`<input type=...>`) have characters this does not allow
_ANGLE = r"<[\w\-. ]{1,40}>"

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
# Rules whose match starts with one of their own literals: tried only where it occurs
# (str.find, then a match there), not searched over the windows
_AT_LITERAL: dict[str, tuple[str, ...]] = {
    "secret.sql_password": ("identified",),
    "secret.sql_password_hash": ("identified",),
    "secret.bearer_token": ("bearer",),
    "secret.config_key_value": ("key",),
    "secret.redis_password": ("requirepass", "masterauth", "masterpass", "sentinel"),
    "secret.netrc_password": ("password",),
    "secret.cli_flag": ("pass", "pwd", "secret", "token", "api", "access"),
    "secret.prose_key": ("key", "token", "secret"),
    "secret.sql_role_password": ("password",),
    "secret.authorization_header": ("authorization",),
    "secret.license_key": ("activation", "license", "licence", "product", "serial", "registration"),
}
# what SQL has before a role's password: `WITH`, `LOGIN`, `ENCRYPTED`, `ROLE x`, `USER x`
_SQL_ROLE_BEFORE = re.compile(
    r"(?i:\b(?:with|login|(?:un)?encrypted|role\s+[\w\"]{1,64}|user\s+[\w\"]{1,64})\s+)$"
)
# what a command-line flag has before its key word: `--`, `-db-`, `-store`, `--require`
_CLI_FLAG_START = re.compile(
    r"(?<![\w\-])--?(?:[A-Za-z]+-){0,2}(?i:store|key|srcstore|deststore|src|dest|new|old|master|"
    r"admin|root|db|require|auth|proxy|bind|login|user|client|app)?$"
)
_LINE_START_RULES = ("secret.redis_password", "secret.netrc_password")
_NETRC_BEFORE = re.compile(r"\blogin\s+\S{1,128}\s+$")
_KEYED_RULES = (
    "secret.generic_assignment",
    "secret.generic_argument",
    "secret.key_assignment",
)
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
    "requirepass",
    "refresh",
    "key",
)
_BASE64ISH = re.compile(r"[A-Za-z0-9+/=_\-.]+")
# settings about a secret rather than the secret (`password_hint`, `token_url`)
_NOT_A_SECRET_NAME = re.compile(
    r"[_\-.](?:hint|policy|length|len|min|max|expir\w*|reset\w*|url|uri|endpoint|file|path|"
    r"field|label|prompt|regex|pattern|rule|strength|changed|updated|age|history|"
    r"complexity|required|enabled|type|mode|format|name|id|count|limit|ttl|timeout)$"
)
_NEXT_PARAM = re.compile(r"&[A-Za-z_][\w.\-]{0,40}=")
_STRONG_PLACEHOLDER = re.compile(r"<[^<>]{1,60}>|your[_\- ]|x{6,}|\*{4,}|\.{3}|…", re.IGNORECASE)
# words before "key"/"token" that make it something other than a credential
_NOT_CREDENTIAL = re.compile(
    r"(?:public|pub|primary|foreign|sort|partition|cache|idempotency|dedup(?:lication)?|"
    r"object|row|lookup|host|map|hash|routing|shard|cursor|page|next|continuation|"
    r"pagination|sync|resume|csrf|xsrf|unique|composite|index|s3|bucket|registry|"
    r"translation|i18n|message|react|list|dict|json|yaml|signing\s+key\s+id|kid|key\s+id|"
    r"fingerprint|gpg|pgp|ssh|rsa|ed25519|ecdsa)[\s_\-]*$"
)
_GIT_CONTEXT = re.compile(r"\b(?:commit|sha|checkout|revision|rev|merge|cherry-pick|tag|digest)\b")


class GenericSecretRecognizer(FastPatternRecognizer):
    """A value assigned to a key word (`password=...`, `"api_key": "..."`, `--token x`,
    `<password>x</password>`, `Authorization: Basic x`, SQL `WITH PASSWORD 'x'`)."""

    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.generic_assignment",
            rf"{_KEY}{_ASSIGN}(?:[\"'`]|b[\"'])?(?P<v>{_ANGLE}|{_VALUE_END}{{6,256}})",
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
            # matched where its key word starts; the dashes before it are checked by
            # _cli_flag_start (a regex starting at every "-" costs 10x more)
            r"(?P<k>(?i:password|passwd|pass|pwd|secret-?key|secret|token|api-?key|access-?key))"
            rf"(?:=|\s+|[\"']\s*,\s*[\"'])[\"'`]?(?P<v>{_ANGLE}|[^\s\"'`<>|;&]{{4,256}})",
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
            # matched at "password"; the SQL words before it are checked by _in_place
            r"(?i:password\s+)(?:'(?P<v>[^'\s]{4,128})'|(?P<u>[^\s'\";,()]{4,128});)",
            0.7,
        ),
        Pattern(
            "secret.authorization_header",
            r"(?i:\bauthorization[\"']?\s*[:=]\s*[\"']?"
            r"(?:basic|ntlm|negotiate|token|apikey|sso-key)\s+)"
            rf"(?P<v>{_ANGLE}|[A-Za-z0-9+/=._~\-:]{{8,2048}})",
            0.7,
        ),
        Pattern(
            "secret.bearer_token",
            rf"(?i:\bbearer\s+)(?P<v>{_ANGLE}|[A-Za-z0-9_\-.=+/~]{{16,}})",
            0.6,
        ),
        # "the Azure OpenAI key is 3f2a...", "api-key 3f2a...", "bot token MTk...": a
        # machine-made value right after a key word, without an assignment
        Pattern(
            "secret.prose_key",
            r"(?<![A-Za-z])(?P<k>(?i:key|token|secret))(?![\w\-])"
            r"(?:\s+(?i:is|was|=|:)|\s*[:=])?\s*[\"'`]?"
            r"(?P<v>[A-Za-z0-9][A-Za-z0-9_\-./+=~]{19,300})(?![\w\-./+=~])",
            0.6,
        ),
        # product and licence keys: "Activation key : ZAQWS-XCDER-VBGTR-FRTGU-KLMNX"
        Pattern(
            "secret.license_key",
            r"(?i:(?:activation|license|licence|product|serial|registration)[ _\-]?"
            r"(?:key|code)\s*(?:[:=]|\s(?:is|=)\s)?\s*)[\"']?"
            r"(?P<v>[A-Z0-9]{4,6}(?:-[A-Z0-9]{4,6}){3,7})(?![\w\-])",
            0.6,
        ),
        # .netrc: `machine h login u password p`, one line or one entry per line
        Pattern(
            "secret.netrc_password",
            r"password[ \t]+(?P<v>[^\s]{3,256})"
            r"(?=[ \t]*(?:$|\n|\s+(?:machine|login|account|default|macdef)\b))",
            0.7,
        ),
        # redis.conf / sentinel: `requirepass x`, `masterauth x`
        Pattern(
            "secret.redis_password",
            r"(?:requirepass|masterauth|masterpass|sentinel[ \t]+auth-pass[ \t]+\S+)[ \t]+"
            r"[\"']?(?P<v>[^\s\"']{4,256})",
            0.7,
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
        "secret.cli_flag": (
            "-pass",
            "-pwd",
            "-secret",
            "-token",
            "-api",
            "-access",
            "storepass",
            "keypass",
            "requirepass",
            "-newpass",
        ),
        "secret.xml_element": ("</",),
        "secret.config_key_value": ("value",),
        "secret.sql_password": ("identified",),
        "secret.sql_password_hash": ("identified",),
        "secret.sql_role_password": ("password",),
        "secret.authorization_header": ("authorization",),
        "secret.bearer_token": ("bearer",),
        "secret.netrc_password": ("password",),
        "secret.redis_password": ("requirepass", "masterauth", "masterpass", "auth-pass"),
    }

    def __init__(self) -> None:
        super().__init__()
        self._rule = {rx: p.name for p, rx in self._compiled}
        self._keyed = tuple((p, rx) for p, rx in self._compiled if p.name in _KEYED_RULES)
        self._at_literal = tuple(
            (p, rx, _AT_LITERAL[p.name]) for p, rx in self._compiled if p.name in _AT_LITERAL
        )
        self._compiled = tuple(
            (p, rx)
            for p, rx in self._compiled
            if p.name not in _KEYED_RULES and p.name not in _AT_LITERAL
        )
        self._gates = tuple(self.PATTERN_GATES.get(p.name) for p, _ in self._compiled)
        self._scanner = LiteralScanner(
            [*_KEY_LITERALS, *(lit for lits in _AT_LITERAL.values() for lit in lits)]
        )

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
        seen = {(r.start, r.end) for r in results}
        # key words start at most 48 characters before their anchor ("registration key")
        # and end within 16 after it ("authorization"): only there are they looked for
        near = windows if spans is None else near_anchors(windows, self.REACH, len(text))
        found = self._scanner.scan(lower, near)
        # where a key word can start (the regexes' _KEY_START, checked here first: a
        # regex attempt costs 5x more); a bare "key" only where "key" is
        ordered = [p for p in starts_of(found, _KEY_LITERALS) if _key_start(text, p)]
        keys = [p for p in found.get("key", ()) if _key_start(text, p)]
        for pattern, rx in self._keyed:
            done = -1  # like finditer: no match starts inside the previous one
            for pos in keys if pattern.name == "secret.key_assignment" else ordered:
                if pos < done:
                    continue
                m = rx.match(text, pos)
                if m is None:
                    continue
                done = m.end()
                self._emit(pattern, m, results, seen)
        # after the assignments, so that `Secret Key: x` is an assignment, not prose
        for pattern, rx, literals in self._at_literal:
            for pos in starts_of(found, literals):
                m = rx.match(text, pos)
                if m is not None:
                    self._emit(pattern, m, results, seen)
        return results

    def _emit(
        self,
        pattern: Pattern,
        m: re.Match[str],
        results: list[RecognizerResult],
        seen: set[tuple[int, int]],
    ) -> None:
        start, end = self.value_span(m)
        if (start, end) in seen:
            return
        value = m.string[start:end]
        validated = self.validate_match(m, value)
        if validated is False:
            if self.placeholder(m, value):
                seen.add((start, end))
                results.append(self.placeholder_result(start, end, pattern.name))
            return
        seen.add((start, end))
        results.append(self.result(start, end, self.score(pattern, validated, value), pattern.name))

    def value_span(self, match: re.Match[str]) -> tuple[int, int]:
        if "u" in match.re.groupindex and match.group("u") is not None:
            return match.span("u")
        start, end = super().value_span(match)
        # a URL query goes on after the value: `password=x&ssl=true`
        amp = match.string.find("&", start, end)
        if amp > start and _NEXT_PARAM.match(match.string, amp, end):
            return start, amp
        return start, end

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        rule = self._rule[match.re]
        if not _in_place(rule, match):
            return False
        if rule in ("secret.key_assignment", "secret.prose_key"):
            # a bare "key" is also a dictionary key: only unmistakable stand-ins
            return _STRONG_PLACEHOLDER.search(value) is not None and doc_placeholder(value)
        if value.startswith("<"):
            return doc_placeholder(value)
        if rule == "secret.authorization_header" and match.group(0).lower().rfind("basic") >= 0:
            creds = basic_credentials(value)
            return creds is not None and doc_placeholder(creds[1])
        return doc_placeholder(value)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        rule = self._rule[match.re]
        if published_key(value) or not _in_place(rule, match):
            return False
        if rule == "secret.key_assignment":
            before = match.string[max(0, match.start() - 8) : match.start()].lower()
            if before.rstrip("_- ").endswith(("public", "pub")):
                return False  # public keys are published
            if _random_key(value) or (_named_key(match) and _machine_value(value)):
                return None
            return False
        if rule == "secret.license_key":
            return None if looks_random(value.replace("-", ""), 8) else False
        if rule == "secret.prose_key":
            return None if _prose_key(match, value) else False
        if rule == "secret.authorization_header" and match.group(0).lower().rfind("basic") >= 0:
            # Basic credentials are base64 of user:password: decode and judge the password
            creds = basic_credentials(value)
            bad = creds is None or looks_placeholder(creds[1]) or doc_placeholder(creds[1])
            return not bad
        if rule in ("secret.authorization_header", "secret.bearer_token"):
            ok = not looks_placeholder(value) and shannon_entropy(value) >= 3.0
            return None if ok and not looks_sequential(value) else False
        keyword = match.group("k").lower() if "k" in match.re.groupindex else ""
        if _NOT_A_SECRET_NAME.search(keyword):
            return False  # password_hint, token_url, secret_length
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


def _named_key(match: re.Match[str]) -> bool:
    """`DD_APP_KEY=`, `app_key:`, `sdkKey =`: "key" ending a longer identifier, the
    shape of a setting that names a credential."""
    start = match.start("k")
    return start > 0 and (match.string[start - 1] in "_-" or match.string[start - 1].islower())


def _machine_value(value: str) -> bool:
    """A generated value: long, varied, letters and digits (hex keys, UUIDs, base62)."""
    if len(value) < 16 or not _BASE64ISH.fullmatch(value) or not looks_random(value):
        return False
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _prose_key(match: re.Match[str], value: str) -> bool:
    """A credential named in a sentence: "our Azure key is 3f2a...", "bot token MTk...".
    Not public, primary, cache, pagination or signing-key-id keys, not a git object id."""
    if not _machine_value(value.rstrip(".")) or _IDENTIFIER.fullmatch(value):
        return False
    before = match.string[max(0, match.start() - 40) : match.start()].lower()
    if _NOT_CREDENTIAL.search(before):
        return False
    hexlen = len(value) in (40, 64) and all(c in "0123456789abcdef" for c in value.lower())
    return not (hexlen and _GIT_CONTEXT.search(before))


_EMBEDDED_WORDS = ("passw", "userpwd", "secret", "token", "bearer")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _key_start(text: str, pos: int) -> bool:
    """`_KEY_START` (or _BARE_KEY's start) at `pos`: no letter before it, a camelCase
    hump, or a word that may end a longer name ("DBPASSWORD")."""
    before = text[pos - 1] if pos else ""
    if before not in _ASCII_LETTERS:
        return True
    if before.islower() == text[pos].isupper():
        return True  # a hump: "dbPassword"; for _BARE_KEY also "APIkey"
    return text.startswith(_EMBEDDED_WORDS, pos) or text[pos : pos + 7].lower().startswith(
        _EMBEDDED_WORDS
    )


def _in_place(rule: str, match: re.Match[str]) -> bool:
    """The context a rule needs around its match: a line start for config files, dashes
    before a command-line flag's key word."""
    if rule in _LINE_START_RULES:
        return _line_start(match)
    if rule == "secret.cli_flag":
        start = match.start()
        return _CLI_FLAG_START.search(match.string, max(0, start - 40), start) is not None
    if rule == "secret.sql_role_password":
        start = match.start()
        return _SQL_ROLE_BEFORE.search(match.string, max(0, start - 80), start) is not None
    return True


def _line_start(match: re.Match[str]) -> bool:
    """The match begins its line (after indentation), or, for .netrc, follows
    `login <name>` on the same line."""
    text, start = match.string, match.start()
    line = text[text.rfind("\n", 0, start) + 1 : start]
    if not line.strip():
        return True
    return match.re.pattern.startswith("password") and _NETRC_BEFORE.search(line) is not None
