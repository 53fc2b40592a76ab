"""Passwords written in sentences, in several languages.

"my password for the portal is Summer2024!Kiel", "Mein Passwort ist Hafen2023#Nord",
"mot de passe : Soleil-Rouge42", "la contraseña del servidor es Sierra#Nevada77",
"Login: admin / Adm1n#Rocks88", "user deploy and pw Rv8#tq2Lx".

Assignments in code and config (`password=...`, `DB_PASSWORD: ...`) are
GenericSecretRecognizer's; this one reads the word "password" (or its translation) as a
word of a sentence, with up to six words between it and a copula ("is", "ist", "est",
"es", "lautet", ":"). A value must look chosen, not spoken: a letter and a digit or
symbol, 8+ characters or three character classes, no sequence, URL, path or file name.
Without a copula ("password Zebra_Lamp_3390") the value must be stronger still.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import (
    FastPatternRecognizer,
    LiteralScanner,
    looks_placeholder,
    near_anchors,
    starts_of,
)
from llmwall.detectors.recognizers.secret_checks import (
    char_classes,
    doc_placeholder,
    looks_sequential,
)

_PASSWORD = (
    r"passwor[dt]s?|passwd|passphrase|passcode|pass\s+code|pwd|pw|kennwort|mot\s+de\s+passe|mdp|"
    r"contrase(?:ñ|n)a|clave(?:\s+de\s+acceso)?|senha|wachtwoord|has(?:ł|l)o|heslo|пароль|"
    r"l(?:ö|o)senord|salasana|adgangskode"
)
_COPULA = (
    r"is|was|ist|lautet|est|c'est|c’est|es|era|é|är|is\s+now|ist\s+jetzt|"
    r"est\s+maintenant|es\s+ahora|=|:"
)
_FILLER_WORD = rf"(?!(?:{_COPULA})(?:\s|$))[^\s.!?:=,;\"'`]{{1,24}}"
# every character a chosen password may hold, and at least one digit or symbol in it
_VALUE = r"(?=[^\s\"'`”“»«]*[\d!@#$%^&*()_+\-=\[\]{};:,.<>/?\\|~])[^\s\"'`”“»«]{4,128}"
_LOGIN = (
    r"login|user(?:name)?|benutzer(?:name)?|utilisateur|usuario|account|creds?|credentials|"
    r"zugangsdaten|identifiants"
)
_TRAILING = ".,;:?)]}»”"
# English keywords that code and config use with a colon: `password: x` is left to
# GenericSecretRecognizer, which knows YAML and headers
_CODE_WORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase", "passcode"})
_FILE = re.compile(
    r"[\w\-]+\.(?:txt|json|ya?ml|env|conf|cfg|ini|csv|xml|pem|key|kdbx|db|log|md|sh|py|js)",
    re.IGNORECASE,
)
_VERSION = re.compile(r"v?\d+(?:[.\-]\d+)+[a-z]?", re.IGNORECASE)
# lowercase literals every keyword starts with: the rules are tried only there
_LITERALS = (
    "passw",
    "passcode",
    "pass code",
    "pw",
    "kennwort",
    "mot de passe",
    "mdp",
    "contraseña",
    "contrasena",
    "clave",
    "senha",
    "wachtwoord",
    "пароль",
    "login",
    "credentials",
)
# what wakes the recognizer: "passw" (password, passwort, passwd) rather than "pass",
# which "passed", "passage" and "passport" hold too; "pw" is GenericSecretRecognizer's
# anchor already (each distinct anchor costs a little on every text)
_ANCHORS = (*(a for a in _LITERALS if not a.startswith(("pass", "pw"))), "passw", "pw")


class ProsePasswordRecognizer(FastPatternRecognizer):
    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.prose_password",
            rf"(?<![\w\-.$@/])(?P<k>(?i:{_PASSWORD}))(?!\w)(?P<f>(?:[ \t]+{_FILLER_WORD}){{0,6}}?)"
            rf"(?P<sep>\s*[:=]\s*|\s+(?i:{_COPULA})\s+(?i:(?:still|now|just|jetzt|nun|"
            r"toujours|ahora|todavía)\s+)?|\s+)[«\"'`“„‚]?\s*(?P<v>" + _VALUE + ")",
            0.65,
        ),
        Pattern(
            "secret.login_pair",
            rf"(?<![\w\-.$@/])(?P<k>(?i:{_LOGIN}))(?!\w)\s*[:=]?\s*[\w.@+\-]{{1,64}}\s*[/|]\s*"
            r"(?:(?i:pass(?:word)?|pw|pwd|passwort|kennwort|mdp|contraseña)\s*[:=]?\s*)?"
            r"[\"'`]?(?P<v>" + _VALUE + ")",
            0.65,
        ),
    )
    ANCHORS = _ANCHORS
    REACH = (8, 240)

    def __init__(self) -> None:
        super().__init__()
        self._scanner = LiteralScanner(_LITERALS)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """The rules tried only where a keyword starts (str.find), not at every position."""
        if lower is None:
            lower = text.lower()
        windows = [(0, len(text))] if spans is None else near_anchors(spans, self.REACH, len(text))
        found = self._scanner.scan(lower, windows)
        starts = starts_of(found, _LITERALS)
        results: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for pos in starts:
            for pattern, rx in self._compiled:
                m = rx.match(text, pos)
                if m is None:
                    continue
                start, end = self.value_span(m)
                value = text[start:end]
                if (start, end) in seen or not self._chosen(m, value):
                    continue
                seen.add((start, end))
                score = pattern.score + 0.05 * (char_classes(value) - 2)
                results.append(self.result(start, end, round(score, 4), pattern.name))
        return results

    def value_span(self, match: re.Match[str]) -> tuple[int, int]:
        start, end = match.span("v")
        while end > start + 1 and match.string[end - 1] in _TRAILING:
            end -= 1
        return start, end

    @staticmethod
    def _chosen(match: re.Match[str], value: str) -> bool:
        """A value a person chose as a password, not the next word of the sentence."""
        groups = match.groupdict()
        keyword = match.group("k")
        if keyword.isupper() and len(keyword) > 1:
            return False  # SQL, ODBC and env names are code: GenericSecretRecognizer's
        sep = groups.get("sep")
        if sep is not None and "=" in sep:
            return False  # an assignment in code
        if sep is not None and ":" in sep and not groups["f"] and keyword.lower() in _CODE_WORDS:
            return False  # `password: x` in YAML or a header: GenericSecretRecognizer's
        if any(c in value for c in "()<>"):
            return False  # a call (get_password()) or markup (</summary>)
        if len(value) < 6 or looks_placeholder(value) or doc_placeholder(value):
            return False
        if looks_sequential(value) or not any(c.isalpha() for c in value):
            return False
        if "://" in value or value.startswith(("/", "~", "./", "$", "%", "{")):
            return False
        if "@" in value and "." in value.rpartition("@")[2]:
            return False  # an e-mail address
        if _FILE.fullmatch(value) or _VERSION.fullmatch(value):
            return False
        if not any(c.isdigit() for c in value) and all(c.isalpha() or c in "-'’." for c in value):
            return False  # hyphenated words: "case-sensitive", "one-time"
        classes = char_classes(value)
        if classes < 2 or (len(value) < 8 and classes < 3):
            return False
        if sep is not None and not sep.strip():
            # no copula: "password Zebra_Lamp_3390" but not "password reset code 4821x"
            return not groups["f"] and classes >= 3 and len(value) >= 8
        return True
