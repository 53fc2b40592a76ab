"""The parts of a request outside its body: the URL query, the path and the headers.

They carry text too (an app that puts the user's e-mail in `?user=` or in an
`X-End-User` header), so they are scanned like the body and redacted in place.
Credentials (the provider's auth headers, `?key=`) are not: redacting them would only
break the request. Every other header is: its value (standard ones too: a `User-Agent`
or `Referer` can carry an e-mail), and the name of any header that is not a standard
one. Names, and the values of headers that frame, route or sign the request, are read
but never rewritten: a finding there that needs redaction blocks.
Segment paths start with `ENVELOPE`: (ENVELOPE, "query", i, 0|1) for the name or value
of the i-th query pair, (ENVELOPE, "path",) for the URL path, (ENVELOPE, "header", i)
for the value of the i-th header as given, (ENVELOPE, "header_name", i) for its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from llmwall.errors import InspectionError
from llmwall.routing.body.form import encode_pairs, parse_pairs
from llmwall.routing.segment import ENVELOPE, Extraction, Path, Role, Segment, Trust

# Headers that frame, route or encode a message: read, never rewritten (changing them
# would break the message); a finding there that needs redaction blocks.
FRAMING_HEADERS = frozenset(
    {
        "host",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
        "expect",
    }
)
# Headers that are protocol, SDK telemetry or provider versioning: their names are
# never text (their values are still read).
STANDARD_HEADERS = FRAMING_HEADERS | frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "user-agent",
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
STANDARD_PREFIXES = ("x-stainless-", ":", "sec-", "x-amz-", "amz-sdk-", "x-ms-", "access-control-")
# Beside the framing headers, read but never rewritten: what signs the request (SigV4
# signs `x-amz-*`) or opens a WebSocket.
LOCKED_PREFIXES = (":", "x-amz-", "sec-websocket-")
# Response headers that are protocol, caching, tracing, rate limits or the provider's
# own bookkeeping: never model or user text, never scanned.
STANDARD_RESPONSE_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "trailer",
        "upgrade",
        "date",
        "server",
        "vary",
        "cache-control",
        "pragma",
        "expires",
        "etag",
        "last-modified",
        "age",
        "via",
        "alt-svc",
        "accept-ranges",
        "content-range",
        "retry-after",
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
        "x-xss-protection",
        "content-security-policy",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "set-cookie",  # the provider's session cookie: a credential, not text
        "x-request-id",
        "request-id",
        "x-should-retry",
        "traceparent",
        "tracestate",
        "server-timing",
        "nel",
        "report-to",
        "x-cloud-trace-context",
        "x-served-by",
        "x-cache",
        "x-timer",
        "retry-after-ms",
    }
)
STANDARD_RESPONSE_PREFIXES = (
    "openai-",
    "anthropic-",
    "x-ratelimit-",
    "ratelimit",
    "x-llmwall-",
    "cf-",
    "x-envoy-",
    "x-amzn-",
    "x-amz-",
    "x-goog-",
    "x-ms-",
    "apim-",
    "access-control-",
    ":",
)
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
# Per-connection nonces: random by design, never text.
NONCE_HEADERS = frozenset({"sec-websocket-key", "sec-websocket-accept"})
# A browser's Realtime client sends its API key as a WebSocket subprotocol.
_WS_KEY_PROTOCOL = re.compile(r"openai-insecure-api-key\.[^,\s]*")
# A value that is exactly a short number or a request id — a UUID (with an SDK's prefix such as
# "stainless-python-retry-") or a W3C traceparent — holds no text: not scanned. These are
# the values unique to every request (idempotency keys, trace ids), whose scan no cache
# can save; anything else in the same header is scanned.
_REQUEST_ID = re.compile(
    r"(?:[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*-)?"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
    r"|\d{1,6}",  # a length, a count, a timeout
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r'(?i);\s*boundary\s*=\s*("[^"]*"|[^;]*)')
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
        auth = {h.lower() for h in auth_headers} | CREDENTIAL_HEADERS
        for i, (name, value) in enumerate(env.headers):
            lower = name.lower()
            if lower in auth or lower in NONCE_HEADERS:
                continue
            if lower not in STANDARD_HEADERS and not lower.startswith(STANDARD_PREFIXES):
                # A header's name is text too (`X-AKIA…: 1`); it cannot be rewritten.
                env._add(name, (ENVELOPE, "header_name", i), role, trust, "header_name")
            if _REQUEST_ID.fullmatch(value):
                continue
            if lower == "sec-websocket-protocol":
                value = _WS_KEY_PROTOCOL.sub("", value)
            elif lower == "content-type":  # a multipart boundary is random by design
                value = _BOUNDARY.sub("", value)
            locked = lower in FRAMING_HEADERS or lower.startswith(LOCKED_PREFIXES)
            env._add(value, (ENVELOPE, "header", i), role, trust, "header" if locked else "")
        return env

    def _add(self, text: str, path: Path, role: Role, trust: Trust, locked: str = "") -> None:
        if text:
            self.segments.append(Segment(text, role, trust, path, not locked, locked=locked))

    def apply(
        self, rewrites: Mapping[Path, str]
    ) -> tuple[str | None, tuple[tuple[int, str, str], ...]]:
        """(the new path with its query, or None; (index, name, new value) per header)."""
        if not rewrites:
            return None, ()
        path, touched, headers = self.path, set(), []
        for where, value in rewrites.items():
            if where[1] == "query":
                i, j = where[2], where[3]
                assert isinstance(i, int) and isinstance(j, int)
                self._pairs[i][j] = value
                touched.add(i)
            elif where[1] == "path":
                path = quote(value, safe=_PATH_SAFE)
            elif where[1] == "header":
                i = where[2]
                assert isinstance(i, int)
                headers.append((i, self.headers[i][0], _header_safe(value)))
            else:
                raise InspectionError("unknown envelope rewrite")
        query = encode_pairs(self._pieces, self._pairs, touched) if touched else self.query
        url = path + ("?" + query if query else "")
        changed = path != self.path or touched
        return (url if changed else None), tuple(sorted(headers))


def read_answer_headers(headers: Sequence[tuple[str, str]]) -> Extraction:
    """The response headers that may carry text (a custom `x-debug`, an echo of the
    request), as model text at (ENVELOPE, "header", index); standard headers are
    skipped (`STANDARD_RESPONSE_HEADERS`, `STANDARD_RESPONSE_PREFIXES`)."""
    segments = []
    for i, (name, value) in enumerate(headers):
        lower = name.lower()
        if lower in STANDARD_RESPONSE_HEADERS or lower.startswith(STANDARD_RESPONSE_PREFIXES):
            continue
        if value:
            segments.append(Segment(value, Role.ASSISTANT, Trust.MODEL, (ENVELOPE, "header", i)))
    return Extraction(tuple(segments))


def header_rewrites(
    headers: Sequence[tuple[str, str]], rewrites: Mapping[Path, str]
) -> tuple[tuple[int, str, str], ...]:
    """(index, name, new value) for each rewritten header of `read_answer_headers`."""
    out = []
    for where, value in rewrites.items():
        i = where[2]
        if where[:2] != (ENVELOPE, "header") or not isinstance(i, int):
            raise InspectionError("unknown header rewrite")
        out.append((i, headers[i][0], _header_safe(value)))
    return tuple(sorted(out))


# Credential slots that only ever hold an API key of the provider (never a user name or a
# provider-specific bearer token, as `authorization` does for Copilot or Hugging Face).
KEY_ONLY_HEADERS = frozenset({"x-api-key", "api-key", "x-goog-api-key"})
KEY_ONLY_QUERY = frozenset({"key", "api_key", "api-key"})


def key_slot_values(query: str, headers: Sequence[tuple[str, str]]) -> list[str]:
    """The values of the API-key-only slots of a request (`KEY_ONLY_HEADERS`, `?key=`),
    which `Envelope.read` leaves unread as credentials."""
    out = []
    if query:
        _, pairs = parse_pairs(query)
        out += [value for name, value in pairs if name.lower() in KEY_ONLY_QUERY]
    out += [value for name, value in headers if name.lower() in KEY_ONLY_HEADERS]
    return [v for v in out if v]


def credential_values(
    query: str, headers: Sequence[tuple[str, str]], auth_headers: Sequence[str] = ()
) -> list[str]:
    """The values `Envelope.read` leaves unread as credentials: credential query
    parameters, credential headers and the API-key subprotocol token's key (a
    WebSocket upgrade checks them for what no credential is)."""
    out = []
    if query:
        _, pairs = parse_pairs(query)
        out += [value for name, value in pairs if name.lower() in CREDENTIAL_QUERY]
    auth = {h.lower() for h in auth_headers} | CREDENTIAL_HEADERS
    for name, value in headers:
        lower = name.lower()
        if lower in auth:
            out.append(value)
        elif lower == "sec-websocket-protocol":
            prefix = len("openai-insecure-api-key.")
            out += [m.group(0)[prefix:] for m in _WS_KEY_PROTOCOL.finditer(value)]
    return [v for v in out if v]


def _header_safe(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def split(rewrites: Mapping[Path, str]) -> tuple[dict[Path, str], dict[Path, str]]:
    """(body rewrites, envelope rewrites)."""
    body: dict[Path, str] = {}
    env: dict[Path, str] = {}
    for path, value in rewrites.items():
        (env if path and path[0] is ENVELOPE else body)[path] = value
    return body, env
