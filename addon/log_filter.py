"""mitmproxy's own log lines, made content-free before any handler writes them.

mitmproxy logs some client and server bytes verbatim: a malformed header line
(`Invalid header line: b'...'`), a bad request line (a CONNECT line with whatever a
client put in it), a request head the client abandoned (`Client closed connection
before completing request headers: b'...'` — headers, credentials included), unexpected
server data, an unparsable TLS ClientHello as hex, an HTTP/2 protocol error with header
values, a header value that fails validation. `ContentFreeFilter`, attached to every
handler of the root logger, rewrites each record of a `mitmproxy.*` logger so that what
follows those phrases, every quoted value (a Python repr, bytes or str) and every long
hex run is replaced by its length; tracebacks are treated the same.
Per-connection chatter (`client connect`, `server disconnect ...`) is moved to DEBUG.
"""

from __future__ import annotations

import logging
import re

_BYTES = re.compile(r"""b?(?P<q>['"])(?:\\.|(?!(?P=q)).)*(?P=q)""", re.DOTALL)  # reprs
_HEX = re.compile(r"\b[0-9a-fA-F]{32,}\b")
# phrases after which mitmproxy puts wire content: keep the phrase, drop the rest
_CONTENT_AFTER = re.compile(
    r"(?P<head>Invalid header line|Bad HTTP request line|Bad HTTP response line|"
    r"Unknown HTTP version|Invalid HTTP/2 request headers|Invalid HTTP/2 response headers|"
    r"Client closed connection before completing (?:request headers|SOCKS5 handshake)|"
    r"Unexpected data from server|"
    r"Cannot parse ClientHello|Received .{0,80}? from (?:client|server)|HTTP/1 protocol error|"
    r"sent an invalid message)(?P<sep>:?)\s*(?P<rest>.*)",
    re.DOTALL,
)
_CHATTER = re.compile(
    r"^(?:client connect|client disconnect|server connect |server disconnect |"
    r"closing transports|transports closed|Streaming (?:request to|response from) )"
)
_OMITTED = "[content omitted by llmwall]"


def scrub(text: str) -> str:
    m = _CONTENT_AFTER.search(text)
    if m and m.group("rest").strip():
        text = text[: m.start("rest")] + _OMITTED
        if not m.group("sep"):
            text = text[: m.start("rest")].rstrip() + ": " + _OMITTED
    text = _BYTES.sub(lambda b: f"<{len(b.group(0))} quoted chars omitted>", text)
    return _HEX.sub(lambda h: f"<{len(h.group(0))} hex digits omitted>", text)


class ContentFreeFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("mitmproxy"):
            return True
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        if _CHATTER.match(message) and record.levelno <= logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        record.msg, record.args = scrub(message), ()
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, scrub(text)
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = ContentFreeFilter()


def install(logger: logging.Logger | None = None) -> ContentFreeFilter:
    """Attach the filter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER


class LogFilter:
    """The addon: installs the filter on start and again once mitmproxy is running (it
    may have added handlers of its own by then)."""

    def load(self, loader: object) -> None:
        install()

    def running(self) -> None:
        install()
