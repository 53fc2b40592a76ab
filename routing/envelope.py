"""The parts of a request outside its body: the URL query, the path and the headers.

They carry text too (an app that puts the user's e-mail in `?user=` or in an
`X-End-User` header), so they are scanned like the body and redacted in place.
Credentials (the provider's auth headers, `?key=`) and standard protocol headers are
not: redacting them would only break the request, and they are not the user's text.
Segment paths start with `ENVELOPE`: (ENVELOPE, "query", i, 0|1) for the name or value
of the i-th query pair, (ENVELOPE, "path",) for the URL path, (ENVELOPE, "header", i)
for the value of the i-th header as given, (ENVELOPE, "header", i, j) for the j-th
token of a Sec-WebSocket-Protocol header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from llmwall.errors import InspectionError
from llmwall.routing.body.form import encode_pairs, parse_pairs
from llmwall.routing.segment import ENVELOPE, Path, Role, Segment, Trust

# Headers that are protocol, SDK telemetry or provider versioning: never user text.
STANDARD_HEADERS = frozenset(
    {
        "host",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "accept",
        "accept-encoding",
        "accept-language",
        "user-agent",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "cache-control",
        "pragma",
        "priority",
        "date",
        "dnt",
        "origin",
        "referer",
        "range",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "traceparent",
        "tracestate",
        "idempotency-key",
        "anthropic-version",
        "anthropic-beta",
        "anthropic-dangerous-direct-browser-access",
        "openai-beta",
        "x-goog-api-client",
        "x-goog-upload-protocol",
        "x-goog-upload-command",
        "x-goog-upload-offset",
        "x-goog-upload-header-content-length",
        "x-goog-upload-header-content-type",
        "x-goog-request-params",
        "x-should-retry",
        "x-llmwall-request-id",
    }
)
STANDARD_PREFIXES = (
    "x-stainless-", ":", "sec-fetch-", "sec-ch-", "x-amz-", "amz-sdk-", "x-ms-",
    "access-control-",
)  # fmt: skip
# `Sec-*` headers are read like any other (a client may name a header anything), except
# the browser's and the WebSocket handshake's own: its key is replaced by a fresh nonce
# and its extensions kept to permessage-deflate (`llmwall.routing.realtime.handshake`).
STANDARD_HEADERS = STANDARD_HEADERS | {
    "sec-websocket-key", "sec-websocket-version", "sec-websocket-accept",
    "sec-websocket-extensions", "sec-gpc", "sec-purpose",
}  # fmt: skip
# Sec-WebSocket-Protocol is read token by token: the browser Realtime client's API key
# travels as a subprotocol token and is a credential.
SUBPROTOCOLS = "sec-websocket-protocol"
CREDENTIAL_SUBPROTOCOLS = ("openai-insecure-api-key.",)
# Always credentials, whatever the provider's table row says.
CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "x-amz-security-token",
    }
)
# Query parameters that are credentials or opaque upload tokens.
CREDENTIAL_QUERY = frozenset(
    {
        "key",
        "api_key",
        "api-key",
        "access_token",
        "upload_id",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@dataclass
class Envelope:
    """The scanned envelope of one request and how to write redactions back."""

    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    segments: list[Segment] = field(default_factory=list)
    _pieces: list[str] = field(default_factory=list)
    _pairs: list[list[str]] = field(default_factory=list)

    @classmethod
    def read(
        cls,
        path: str,
        query: str,
        headers: Sequence[tuple[str, str]],
        *,
        auth_headers: Sequence[str] = (),
        scan_path: bool = False,
    ) -> Envelope:
        env = cls(path, query, tuple(headers))
        role, trust = Role.USER, Trust.USER
        if query:
            env._pieces, env._pairs = parse_pairs(query)
            for i, (name, value) in enumerate(env._pairs):
                if name.lower() in CREDENTIAL_QUERY:
                    continue
                env._add(name, (ENVELOPE, "query", i, 0), role, trust)
                env._add(value, (ENVELOPE, "query", i, 1), role, trust)
        if scan_path:
            env._add(unquote(path), (ENVELOPE, "path"), role, trust)
        skip = CREDENTIAL_HEADERS | {h.lower() for h in auth_headers}
        for i, (name, value) in enumerate(env.headers):
            lower = name.lower()
            if lower in skip or lower in STANDARD_HEADERS or lower.startswith(STANDARD_PREFIXES):
                continue
            if lower == SUBPROTOCOLS:
                for j, token in enumerate(_tokens(value)):
                    if not token.lower().startswith(CREDENTIAL_SUBPROTOCOLS):
                        env._add(token, (ENVELOPE, "header", i, j), role, trust)
                continue
            env._add(value, (ENVELOPE, "header", i), role, trust)
        return env

    def _add(self, text: str, path: Path, role: Role, trust: Trust) -> None:
        if text:
            self.segments.append(Segment(text, role, trust, path))

    def apply(
        self, rewrites: Mapping[Path, str]
    ) -> tuple[str | None, tuple[tuple[int, str, str], ...]]:
        """(the new path with its query, or None; (index, name, new value) per header)."""
        if not rewrites:
            return None, ()
        path, touched, headers = self.path, set(), []
        tokens: dict[int, list[str]] = {}
        for where, value in rewrites.items():
            if where[1] == "query":
                i, j = where[2], where[3]
                assert isinstance(i, int) and isinstance(j, int)
                self._pairs[i][j] = value
                touched.add(i)
            elif where[1] == "path":
                path = quote(value, safe=_PATH_SAFE)
            elif where[1] == "header" and len(where) == 4:
                i, j = where[2], where[3]
                assert isinstance(i, int) and isinstance(j, int)
                tokens.setdefault(i, _tokens(self.headers[i][1]))[j] = _header_safe(value)
            elif where[1] == "header":
                i = where[2]
                assert isinstance(i, int)
                headers.append((i, self.headers[i][0], _header_safe(value)))
            else:
                raise InspectionError("unknown envelope rewrite")
        headers += [(i, self.headers[i][0], ", ".join(t)) for i, t in tokens.items()]
        query = encode_pairs(self._pieces, self._pairs, touched) if touched else self.query
        url = path + ("?" + query if query else "")
        changed = path != self.path or touched
        return (url if changed else None), tuple(sorted(headers))


def credential_values(
    query: str, headers: Sequence[tuple[str, str]], auth_headers: Sequence[str] = ()
) -> list[str]:
    """The values `Envelope.read` leaves unread as credentials: credential query
    parameters, credential headers and the API-key subprotocol token's key."""
    out = []
    if query:
        _, pairs = parse_pairs(query)
        out += [value for name, value in pairs if name.lower() in CREDENTIAL_QUERY]
    skip = CREDENTIAL_HEADERS | {h.lower() for h in auth_headers}
    for name, value in headers:
        lower = name.lower()
        if lower in skip:
            out.append(value)
        elif lower == SUBPROTOCOLS:
            for token in _tokens(value):
                for prefix in CREDENTIAL_SUBPROTOCOLS:
                    if token.lower().startswith(prefix):
                        out.append(token[len(prefix) :])
    return [v for v in out if v]


def _tokens(value: str) -> list[str]:
    """A comma-separated header's tokens (Sec-WebSocket-Protocol)."""
    return [t.strip() for t in value.split(",")]


def _header_safe(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def split(rewrites: Mapping[Path, str]) -> tuple[dict[Path, str], dict[Path, str]]:
    """(body rewrites, envelope rewrites)."""
    body: dict[Path, str] = {}
    env: dict[Path, str] = {}
    for path, value in rewrites.items():
        (env if path and path[0] is ENVELOPE else body)[path] = value
    return body, env
