"""Request paths in one canonical spelling, so that what llmwall matches is what goes out.

A server may route `/v1//chat/completions/`, `/v1/./chat/completions`, `/v1/chat%2Fcompletions`
or `/v1/chat/completions;x` to the chat endpoint while a literal match sees an unknown path.
`canonical` spells a path one way (RFC 3986 §6.2.2 normalization, plus what HTTP servers
commonly fold):

    `\\` is `/`; each segment loses its `;params`; escapes of unreserved characters are
    decoded (`%41` is `A`), other escapes upper-cased (`%2f` is `%2F`); empty segments
    (`//`, a trailing slash) and `.` go; `..` removes the segment before it.

An encoded slash (`%2F`, `%5C`) stays encoded: it is part of a name in some APIs (Bedrock
model ARNs). `forward_form` picks what the proxy matches *and forwards*: the canonical
path when an endpoint matches it, else the path with encoded slashes decoded when that
matches (a server that decodes `%2F` would read that endpoint), else the canonical path.
Case is matched without regard to it (the provider table's patterns ignore case) and
sent as the client wrote it. The query string is kept as it is.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_ENCODED_SLASH = re.compile(r"%(?:2[Ff]|5[Cc])")
_NOT_PLAIN = re.compile(r"//|/\.|[;%\\]|/$")  # anything canonical() could change


def _escape(m: re.Match[str]) -> str:
    ch = chr(int(m.group(1), 16))
    return ch if ch in _UNRESERVED else "%" + m.group(1).upper()


def canonical(path: str, *, decode_slashes: bool = False) -> str:
    """The canonical spelling of `path` (no query string)."""
    path = path.replace("\\", "/")
    if decode_slashes:
        path = _ENCODED_SLASH.sub("/", path)
    out: list[str] = []
    for segment in path.split("/"):
        segment = _ESCAPE.sub(_escape, segment.split(";", 1)[0])
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    return "/" + "/".join(out)


def forward_form(raw: str, matches: Callable[[str], bool], *, only_if_matched: bool = False) -> str:
    """The path (with its query) to match and forward. `matches(path)` says whether an
    endpoint reads `path`. `only_if_matched`: leave a path that matches no endpoint as
    the client sent it (a host that also carries ordinary web traffic)."""
    path, sep, query = raw.partition("?")
    if path == "*":  # OPTIONS *
        return raw
    if path.startswith("/") and len(path) > 1 and not _NOT_PLAIN.search(path) and matches(path):
        return raw  # the common case: already canonical, an endpoint
    form = canonical(path)
    if not matches(form):
        decoded = canonical(path, decode_slashes=True)
        if decoded != form and matches(decoded):
            form = decoded
        elif only_if_matched:
            return raw
    return form + sep + query
