"""Three narrow changes to mitmproxy 12's HTTP layer that no addon hook can make.

1. Error answers. mitmproxy answers some failures itself: a body over `body_size_limit`
   (413/502), an upstream it cannot reach or that breaks off (502), a request that fails
   validation (400), with an HTML page; in the middle of a streamed response it just cuts
   the connection. Each of these is a `ResponseProtocolError` that an `HttpStream` sends
   to the client. `HttpStream.handle_event` is wrapped so that such a command first goes
   to `stream_answerer(stream, event)`, which may return commands to send instead
   (llmwall's provider-shaped error, or a stream's own error event and a clean end).
2. Malformed request heads. The HTTP/1 400 page written before any flow exists comes
   from `_http1.make_error_response`; `head_answerer(connection_layer, status, message)`
   may replace those bytes (`message` is mitmproxy's reason, which quotes a bad request
   line: the only place the target of a plain-HTTP request that failed to parse is).
3. HTTP/1 trailers. A chunked message with trailers raises NotImplementedError inside
   mitmproxy's HTTP/1 reader: the connection handler crashes and the client gets no
   answer. The body reader now hands the trailers to the message (`request.trailers`,
   `response.trailers`), where llmwall refuses (requests) or drops (responses) them.

`install` checks that every patched name exists and refuses to start otherwise: an
upgrade of mitmproxy that moved them must be looked at, not silently lose these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import h11
from mitmproxy import http
from mitmproxy.proxy import commands
from mitmproxy.proxy.layers import http as http_layer
from mitmproxy.proxy.layers.http import _http1

StreamAnswerer = Callable[[Any, Any], "Iterable[commands.Command] | None"]
HeadAnswerer = Callable[[Any, int, str], "bytes | None"]

_answerers: dict[str, Any] = {}
_installed = False


class _ErrorPage(bytes):
    """mitmproxy's HTML error response, marked with its status."""

    status: int
    message: str  # mitmproxy's reason, which may quote the request line: never logged


def install(stream_answerer: StreamAnswerer, head_answerer: HeadAnswerer) -> None:
    """Install the patches once per process; later calls swap the answerers."""
    global _installed
    _answerers["stream"] = stream_answerer
    _answerers["head"] = head_answerer
    if _installed:
        return
    stream_cls: Any = http_layer.HttpStream
    needed = (
        (stream_cls, "handle_event"),
        (stream_cls, "state_stream_response_body"),
        (_http1, "make_error_response"),
        (_http1, "make_body_reader"),
        (_http1.Http1Connection, "read_body"),
        (_http1.Http1Server, "read_headers"),
    )
    missing = [f"{getattr(o, '__name__', o)}.{n}" for o, n in needed if not hasattr(o, n)]
    if missing:
        raise RuntimeError(
            f"llmwall's mitmproxy patches do not fit this mitmproxy (missing {missing}); "
            "install the mitmproxy version pinned in requirements/runtime.lock"
        )
    _patch_stream_errors(stream_cls)
    _patch_error_page()
    _patch_trailers()
    _installed = True


# -- 1. error answers ----------------------------------------------------------------------


def _patch_stream_errors(stream_cls: Any) -> None:
    original = stream_cls.handle_event

    def handle_event(self: Any, event: Any) -> Iterator[commands.Command]:
        for command in original(self, event):
            if (
                isinstance(command, http_layer.SendHttp)
                and isinstance(command.event, http_layer.ResponseProtocolError)
                and command.connection is self.context.client
            ):
                replacement = _answerers["stream"](self, command.event)
                if replacement is not None:
                    yield from replacement
                    continue
            yield command

    stream_cls.handle_event = handle_event


def response_started(stream: Any) -> bool:
    """Have the response headers already gone to the client (a streamed body)?"""
    return bool(stream.server_state == stream.state_stream_response_body)


# -- 2. malformed request heads --------------------------------------------------------------


def _patch_error_page() -> None:
    original_page = _http1.make_error_response

    def make_error_response(status_code: int, message: str = "") -> bytes:
        page = _ErrorPage(original_page(status_code, message))
        page.status = status_code
        page.message = message
        return page

    _http1.make_error_response = make_error_response
    original_read = _http1.Http1Server.read_headers

    def read_headers(self: Any, event: Any) -> Iterator[commands.Command]:
        for command in original_read(self, event):
            if isinstance(command, commands.SendData) and isinstance(command.data, _ErrorPage):
                page = command.data
                data = _answerers["head"](self, page.status, page.message)
                if data is not None:
                    command = commands.SendData(command.connection, data)
            yield command

    _http1.Http1Server.read_headers = read_headers  # type: ignore[method-assign,assignment]


# -- 3. trailers -----------------------------------------------------------------------------


class _TrailerReader:
    """An h11 body reader that keeps a chunked message's trailers instead of raising."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.trailers: list[tuple[bytes, bytes]] = []

    def __call__(self, buf: Any) -> Any:
        event = self.inner(buf)
        if isinstance(event, h11.EndOfMessage) and event.headers:
            self.trailers = [(bytes(k), bytes(v)) for k, v in event.headers]
            return h11.EndOfMessage()
        return event

    def read_eof(self) -> Any:
        return self.inner.read_eof()


def _patch_trailers() -> None:
    original_reader = _http1.make_body_reader

    def make_body_reader(expected_size: int | None) -> Any:
        return _TrailerReader(original_reader(expected_size))

    _http1.make_body_reader = make_body_reader
    original_body = _http1.Http1Connection.read_body
    ends = (http_layer.RequestEndOfMessage, http_layer.ResponseEndOfMessage)

    def read_body(self: Any, event: Any) -> Iterator[commands.Command]:
        for command in original_body(self, event):
            if isinstance(command, http_layer.ReceiveHttp) and isinstance(command.event, ends):
                reader = self.body_reader
                if isinstance(reader, _TrailerReader) and reader.trailers:
                    is_request = isinstance(command.event, http_layer.RequestEndOfMessage)
                    message = self.request if is_request else self.response
                    if message is not None:
                        message.trailers = http.Headers(reader.trailers)
                    reader.trailers = []
            yield command

    _http1.Http1Connection.read_body = read_body  # type: ignore[method-assign,assignment]
