"""Credentials wrapped in base64: Docker registry auth and Kubernetes Secret data.

- `.dockerconfigjson` / `.dockercfg` values (a Kubernetes pull secret): the blob is
  decoded, read as JSON, and reported when a registry entry holds a real `auth`
  (base64 `user:password`), `password` or `identitytoken`.
- `"auth": "<base64 user:password>"` in a Docker `config.json`.
- The `data:` values of a `kind: Secret` manifest (YAML or JSON): each value is decoded
  and reported when its key names a credential or the decoded text is one (a password, a
  token, a URL with a password, a private key), never for certificates, user names,
  hosts or ports. `stringData:` values are judged as they are.

A blob whose credentials are all documentation stand-ins is reported as
PLACEHOLDER_SECRET. Nothing decoded is kept, logged or returned: only spans.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer
from llmwall.detectors.recognizers.secret_checks import (
    basic_credentials,
    char_classes,
    doc_placeholder,
    looks_random,
)

_KIND_SECRET = re.compile(r"""(?im)^\s*["']?kind["']?\s*:\s*["']?Secret["']?\s*,?\s*$""")
_DOC_SEPARATOR = re.compile(r"(?m)^---\s*$")
_DATA_HEADER = re.compile(r"(?m)^(?P<indent>[ \t]*)(?P<kind>data|stringData):[ \t]*$")
_DATA_ITEM = re.compile(
    r"""(?m)^(?P<indent>[ \t]+)["']?(?P<key>[\w.\-]{1,128})["']?:[ \t]*"""
    r"""(?:[|>][-+]?[ \t]*\n[ \t]+)?["']?(?P<v>[^\s"'#][^\s"']*)["']?[ \t]*$"""
)
_JSON_DATA = re.compile(r'"(?P<kind>data|stringData)"\s*:\s*\{(?P<body>[^{}]{1,20000})\}')
_JSON_ITEM = re.compile(r'"(?P<key>[\w.\-]{1,128})"\s*:\s*"(?P<v>[^"\\]{1,20000})"')
_SECRET_KEY = re.compile(
    r"pass|pwd|token|secret|key|auth|cred|cookie|session|salt|signature|dsn|"
    r"connection|conn_?str|private|htpasswd|\.dockerconfigjson|\.dockercfg",
    re.IGNORECASE,
)
_PUBLIC_KEY = re.compile(
    r"(?:^|[_.\-])(?:user(?:name)?|login|email|host(?:name)?|port|db|database|name|"
    r"namespace|region|url|endpoint|ca\.crt|tls\.crt|crt|cert|pub|public)$",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"://[^\s:/@]*:[^\s@/]{3,}@")


def _b64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _judge_text(key: str, text: str) -> str | None:
    """ "secret", "placeholder" or None for one decoded Secret value."""
    text = text.strip()
    if not text or text.startswith("-----BEGIN CERTIFICATE"):
        return None
    if "PRIVATE KEY-----" in text or _URL_PASSWORD.search(text):
        return "secret"
    if doc_placeholder(text):
        return "placeholder" if _SECRET_KEY.search(key) else None
    if key.lower() in (".dockerconfigjson", ".dockercfg"):
        return _judge_docker_config(text)
    if _PUBLIC_KEY.search(key) and not (len(text) >= 16 and looks_random(text)):
        return None
    if _SECRET_KEY.search(key):
        return "secret" if len(text) >= 4 else None
    chosen = len(text) >= 8 and char_classes(text) >= 3 and " " not in text
    return "secret" if chosen or (len(text) >= 12 and looks_random(text)) else None


def _judge_docker_config(text: str) -> str | None:
    """A decoded Docker config: {"auths": {registry: {...}}} or, for .dockercfg, the
    registry map itself."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    registries = data.get("auths", data)
    verdicts = []
    for entry in registries.values() if isinstance(registries, dict) else ():
        if not isinstance(entry, dict):
            continue
        for field in ("auth", "password", "identitytoken", "registrytoken"):
            value = entry.get(field)
            if not isinstance(value, str) or not value:
                continue
            if field == "auth":
                creds = basic_credentials(value)
                value = creds[1] if creds else ""
            if value:
                verdicts.append("placeholder" if doc_placeholder(value) else "secret")
    if "secret" in verdicts:
        return "secret"
    return "placeholder" if verdicts else None


class EncodedCredentialRecognizer(FastPatternRecognizer):
    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.docker_config_blob",
            r"(?i:\.docker(?:configjson|cfg))[\"']?\s*:\s*(?:[|>][-+]?\s+)?[\"']?"
            r"(?P<v>[A-Za-z0-9+/]{16,}={0,2})",
            0.9,
        ),
        Pattern(
            "secret.docker_auth",
            r"\"auth\"\s*:\s*\"(?P<v>[A-Za-z0-9+/]{8,}={0,2})\"",
            0.9,
        ),
        # the data of a `kind: Secret` manifest: found by `find` below, not by this regex
        Pattern("secret.kubernetes_secret_data", r"(?!)", 0.8),
    )
    ANCHORS = (
        ".dockerconfigjson",
        ".dockercfg",
        '"auth"',
        "kind: secret",
        "kind: 'secret'",
        'kind: "secret"',
        '"kind": "secret"',
        '"kind":"secret"',
    )
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "secret.docker_config_blob": (".docker",),
        "secret.docker_auth": ('"auth"',),
    }
    REACH = (16, 8192)

    def __init__(self) -> None:
        super().__init__()
        self._rule = {rx: p.name for p, rx in self._compiled}
        keep = [i for i, (p, _) in enumerate(self._compiled) if p.name in self.PATTERN_GATES]
        self._compiled = tuple(self._compiled[i] for i in keep)
        self._gates = tuple(self._gates[i] for i in keep)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        if lower is None:
            lower = text.lower()
        results = super().find(text, lower, spans)
        if "secret" in lower and "kind" in lower:
            seen = {(r.start, r.end) for r in results}
            for verdict, start, end in _secret_manifest_values(text):
                if (start, end) in seen:
                    continue
                rule = "secret.kubernetes_secret_data"
                if verdict == "secret":
                    results.append(self.result(start, end, 0.8, rule))
                else:
                    results.append(self.placeholder_result(start, end, rule))
        return results

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        verdict = self._verdict(match, value)
        return verdict == "secret"

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        return self._verdict(match, value) == "placeholder"

    def _verdict(self, match: re.Match[str], value: str) -> str | None:
        raw = _b64(value)
        if raw is None:
            return None
        if self._rule[match.re] == "secret.docker_auth":
            creds = basic_credentials(value)
            if creds is None:
                return None
            return "placeholder" if doc_placeholder(creds[1]) else "secret"
        try:
            return _judge_docker_config(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return None


def _secret_manifest_values(text: str) -> list[tuple[str, int, int]]:
    """(verdict, start, end) of the judged values of every `kind: Secret` document."""
    out: list[tuple[str, int, int]] = []
    bounds = [0, *(m.end() for m in _DOC_SEPARATOR.finditer(text)), len(text)]
    for doc_start, doc_end in itertools.pairwise(bounds):
        if _KIND_SECRET.search(text, doc_start, doc_end) is None:
            continue
        for header in _DATA_HEADER.finditer(text, doc_start, doc_end):
            depth = len(header.group("indent").expandtabs())
            pos = header.end() + 1
            while pos < doc_end:
                item = _DATA_ITEM.match(text, pos, doc_end)
                if item is None or len(item.group("indent").expandtabs()) <= depth:
                    break
                out += _judge_item(header.group("kind"), item, "v")
                pos = item.end() + 1
        for block in _JSON_DATA.finditer(text, doc_start, doc_end):
            base = block.start("body")
            for item in _JSON_ITEM.finditer(block.group("body")):
                judged = _judge_item(block.group("kind"), item, "v")
                out += [(v, s + base, e + base) for v, s, e in judged]
    return out


def _judge_item(kind: str, item: re.Match[str], group: str) -> list[tuple[str, int, int]]:
    value = item.group(group)
    if kind == "data":
        raw = _b64(value)
        if raw is None or len(value) < 4:
            return []
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            # binary data (a keystore, a DER key): a secret when it is long enough
            return [("secret", *item.span(group))] if len(raw) >= 16 else []
        verdict = _judge_text(item.group("key"), decoded)
    else:
        verdict = _judge_text(item.group("key"), value)
    return [(verdict, *item.span(group))] if verdict else []
