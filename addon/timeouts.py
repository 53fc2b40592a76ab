"""Connect, read and idle timeouts for every upstream flow mitmproxy forwards.

mitmproxy has no connect or read timeout (only `tcp_timeout`, 600 s of silence on the
client's connection). This addon (after the firewall) watches each HTTP flow that goes
upstream, with one timer per flow on the event loop:

    connect       from the request leaving llmwall to the upstream connection being open
                  (TCP, and TLS for https)
    read          from the request sent (or the connection opened, if later) to the
                  response headers
    stream_idle   the longest silence inside the response body, streamed or not

When one runs out, the flow is marked (`flow.metadata["llmwall.timeout"]`) and its
upstream connection is closed; mitmproxy then reports the failure, which
`llmwall.addon.error_answers` turns into a provider-shaped 504 (before the response
started) or the stream's own error event and a clean end (after), and the firewall
records it (`upstream_error`, `timeout:<which>`). Flows llmwall answers itself, and the
fallback's own calls (which have the route's timeouts), are not watched.

A timeout closes the whole upstream connection: on an HTTP/2 upstream that also ends the
other requests multiplexed on it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from mitmproxy import ctx, http

from llmwall.addon.error_answers import TIMEOUT
from llmwall.addon.runtime import Runtime

log = logging.getLogger("llmwall")


@dataclass
class _Watch:
    flow: http.HTTPFlow
    sent: float  # time.time() when the request left llmwall
    handle: asyncio.TimerHandle | None = None
    headers_at: float | None = None  # response headers received
    last_data: float | None = None  # last chunk of a streamed body


class Timeouts:
    def __init__(self, runtime: Runtime) -> None:
        self.t = runtime.config.timeouts
        self._watches: dict[str, _Watch] = {}

    # -- hooks --------------------------------------------------------------------------

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or flow.websocket is not None:
            return
        watch = _Watch(flow, time.time())
        self._watches[flow.id] = watch
        self._arm(watch, min(self.t.connect, self.t.read))  # the first deadline that can pass

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        watch = self._watches.get(flow.id)
        if watch is None:
            return
        watch.headers_at = time.time()
        stream = flow.response.stream if flow.response is not None else None
        if callable(stream):

            def touched(chunk: bytes, _inner: Any = stream) -> Any:
                watch.last_data = time.time()
                return _inner(chunk)

            flow.response.stream = touched  # type: ignore[union-attr]
        elif stream:  # streamed as is

            def passed(chunk: bytes) -> bytes:
                watch.last_data = time.time()
                return chunk

            flow.response.stream = passed  # type: ignore[union-attr]
        self._arm(watch, self.t.stream_idle)

    def response(self, flow: http.HTTPFlow) -> None:
        self._drop(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        self._drop(flow)

    def done(self) -> None:
        for watch in list(self._watches.values()):
            if watch.handle is not None:
                watch.handle.cancel()
        self._watches.clear()

    # -- the timer ----------------------------------------------------------------------

    def _arm(self, watch: _Watch, delay: float) -> None:
        if watch.handle is not None:
            watch.handle.cancel()
        loop = asyncio.get_running_loop()
        watch.handle = loop.call_later(max(delay, 0.01), self._check, watch)

    def _drop(self, flow: http.HTTPFlow) -> None:
        watch = self._watches.pop(flow.id, None)
        if watch is not None and watch.handle is not None:
            watch.handle.cancel()

    def _check(self, watch: _Watch) -> None:
        """Which deadline is next, and has it passed? Re-arms itself until the flow ends."""
        if self._watches.get(watch.flow.id) is not watch:
            return
        now = time.time()
        flow = watch.flow
        conn = flow.server_conn
        if watch.headers_at is not None:
            last = max(watch.last_data or 0.0, watch.headers_at, self._activity(flow))
            deadline, which = last + self.t.stream_idle, "stream_idle"
        elif _established(conn) and conn.address == (flow.request.host, flow.request.port):
            deadline, which = max(watch.sent, _established(conn) or 0.0) + self.t.read, "read"
        else:
            conn = self._connecting(flow)
            if conn is None:  # not asked for yet, or queued behind mitmproxy's 5 per address
                return self._arm(watch, self.t.connect)
            deadline, which = (conn.timestamp_start or watch.sent) + self.t.connect, "connect"
        if now < deadline:
            return self._arm(watch, deadline - now)
        self._expire(watch, which, conn)

    def _expire(self, watch: _Watch, which: str, conn: Any) -> None:
        flow = watch.flow
        self._watches.pop(flow.id, None)
        flow.metadata[TIMEOUT] = which
        log.warning("upstream %s timeout (%s:%s)", which, flow.request.host, flow.request.port)
        handler = self._handler(flow)
        io = handler.transports.get(conn) if handler is not None else None
        if io is not None and io.handler is not None:
            io.handler.cancel(f"llmwall {which} timeout")

    def _connecting(self, flow: http.HTTPFlow) -> Any:
        """The upstream connection being opened for this flow's destination, if any."""
        handler = self._handler(flow)
        if handler is None:
            return None
        address = (flow.request.host, flow.request.port)
        for conn in list(handler.transports):
            if (
                conn is not flow.client_conn
                and getattr(conn, "address", None) == address
                and conn.timestamp_start is not None
                and not _established(conn)
            ):
                return conn
        return None

    @staticmethod
    def _handler(flow: http.HTTPFlow) -> Any:
        server = ctx.master.addons.get("proxyserver")
        return server.connections.get(flow.client_conn.id) if server else None

    def _activity(self, flow: http.HTTPFlow) -> float:
        """The client connection's last event: a buffered body's data arriving counts."""
        handler = self._handler(flow)
        watchdog = getattr(handler, "timeout_watchdog", None)
        return float(getattr(watchdog, "last_activity", 0.0) or 0.0)


def _established(conn: Any) -> float | None:
    """When the connection became usable (TLS set up for https), or None."""
    if conn is None or conn.timestamp_end is not None:
        return None
    return conn.timestamp_tls_setup if conn.tls else conn.timestamp_tcp_setup
