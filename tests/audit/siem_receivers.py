"""Real SIEM receivers on 127.0.0.1 for the push tests: a syslog listener over TCP (RFC
5425 octet counting, optionally TLS) or UDP, and an HTTP collector (plain NDJSON or
Splunk HEC). Each can be stopped (an outage: the port refuses connections) and started
again on the same port, or told to answer 503 while still listening.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_SYSLOG = re.compile(
    rb"^<(?P<pri>\d{1,3})>1 (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<proc>\S+) "
    rb"(?P<msgid>\S+) (?P<sd>-|\[.*?\]) (?P<msg>.*)$",
    re.S,
)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_syslog(frame: bytes) -> dict[str, Any]:
    """An RFC 5424 message: its header fields and MSG (raises AssertionError if malformed)."""
    m = _SYSLOG.match(frame)
    assert m, frame[:120]
    out = {k: v.decode() for k, v in m.groupdict().items()}
    out["pri"] = int(out["pri"])
    return out


class Receiver:
    """What every receiver keeps: the messages in arrival order, and a way to wait."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self._cond = threading.Condition()

    def got(self, item: Any) -> None:
        with self._cond:
            self.messages.append(item)
            self._cond.notify_all()

    def wait_for(self, pred: Callable[[list[Any]], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not pred(self.messages):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True


class SyslogTcpReceiver(Receiver):
    """Reads octet-counted frames (`LEN SP MSG`) from every connection."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        super().__init__()
        self.port = free_port()
        self.tls = tls
        self.bad_frames = 0
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self.connections = 0

    def start(self) -> SyslogTcpReceiver:
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(16)
        self._server = srv
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()
        return self

    def stop(self) -> None:
        """An outage: close the listener and every connection (the port refuses)."""
        srv, self._server = self._server, None
        if srv is not None:
            with contextlib.suppress(OSError):  # shutdown wakes the thread in accept()
                srv.shutdown(socket.SHUT_RDWR)
            srv.close()
        for c in self._conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()
        self._conns = []

    def _accept(self, srv: socket.socket) -> None:
        context = None
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            if context is not None:
                try:
                    conn = context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    conn.close()
                    continue
            self.connections += 1
            self._conns.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while True:
                sp = buf.find(b" ")
                if sp < 0:
                    break
                if not buf[:sp].isdigit():
                    self.bad_frames += 1
                    return
                size = int(buf[:sp])
                if len(buf) < sp + 1 + size:
                    break
                frame, buf = buf[sp + 1 : sp + 1 + size], buf[sp + 1 + size :]
                self.got(parse_syslog(frame))


class SyslogUdpReceiver(Receiver):
    """One RFC 5424 message per datagram."""

    def __init__(self) -> None:
        super().__init__()
        self.port = free_port(socket.SOCK_DGRAM)
        self._sock: socket.socket | None = None

    def start(self) -> SyslogUdpReceiver:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 * 1024 * 1024)
        sock.bind(("127.0.0.1", self.port))
        self._sock = sock
        threading.Thread(target=self._read, args=(sock,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _read(self, sock: socket.socket) -> None:
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            self.got(parse_syslog(data))


class HttpCollector(Receiver):
    """POST bodies: NDJSON events (http sink) or concatenated HEC envelopes. `status`
    answers every POST (503 = an outage while listening); `token` is checked if set."""

    def __init__(self, token: str | None = None, scheme: str = "Bearer") -> None:
        super().__init__()
        self.port = free_port()
        self.status = 200
        self.token, self.scheme = token, scheme
        self.paths: list[str] = []
        self.rejected = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> HttpCollector:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                auth = self.headers.get("authorization")
                if collector.token and auth != f"{collector.scheme} {collector.token}":
                    collector.rejected += 1
                    return self._answer(401, {"text": "Invalid authorization", "code": 3})
                if collector.status != 200:
                    collector.rejected += 1
                    return self._answer(collector.status, {"text": "busy", "code": 9})
                collector.paths.append(self.path)
                if self.headers.get("content-type") == "application/x-ndjson":
                    for line in body.decode().splitlines():
                        try:
                            collector.got((line, json.loads(line)))
                        except ValueError:
                            collector.got((line, None))  # CEF lines are not JSON
                    return self._answer(200, {"text": "Success", "code": 0})
                decoder = json.JSONDecoder()
                text, pos = body.decode(), 0
                while pos < len(text):
                    while pos < len(text) and text[pos] in " \r\n\t":
                        pos += 1
                    if pos >= len(text):
                        break
                    start = pos
                    obj, pos = decoder.raw_decode(text, pos)
                    collector.got((text[start:pos], obj))
                self._answer(200, {"text": "Success", "code": 0})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
