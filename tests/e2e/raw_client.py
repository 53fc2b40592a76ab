"""A hand-made client for probes no SDK sends: chosen CONNECT targets, SNIs, Host and
`:authority` values, raw HTTP/1 bytes (trailers, malformed lines), HTTP/2 by hand.
Only 127.0.0.1 is ever contacted; other names and addresses are sent to the proxy as
words, which llmwall either refuses or routes to the local fake provider."""

from __future__ import annotations

import json
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import h2.config
import h2.connection
import h2.events


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    raw_head: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


def proxy_address(proxy_url: str) -> tuple[str, int]:
    parts = urlsplit(proxy_url)
    assert parts.hostname == "127.0.0.1"
    return "127.0.0.1", int(parts.port or 0)


def connect(proxy_url: str, timeout: float = 15.0) -> socket.socket:
    return socket.create_connection(proxy_address(proxy_url), timeout=timeout)


def send_connect(sock: socket.socket, target: str, extra: str = "") -> Answer:
    sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n{extra}\r\n".encode())
    return read_connect_answer(sock)


def read_connect_answer(sock: socket.socket) -> Answer:
    """A CONNECT's answer: no body when the tunnel is up, the error's body otherwise."""
    answer = read_response(sock, head_only=True)
    n = int(answer.headers.get("content-length", 0) or 0)
    while answer.status != 200 and len(answer.body) < n:
        data = sock.recv(65536)
        if not data:
            break
        answer.body += data
    answer.body = answer.body[:n] if answer.status != 200 else answer.body
    return answer


def tunnel(
    proxy_url: str,
    target: str,
    sni: str | None,
    cafile: str,
    *,
    alpn: tuple[str, ...] = ("http/1.1",),
    verify: bool = True,
    timeout: float = 15.0,
) -> ssl.SSLSocket:
    """CONNECT `target`, then TLS with `sni` (None: no SNI), trusting `cafile`."""
    sock = connect(proxy_url, timeout)
    answer = send_connect(sock, target)
    if answer.status != 200:
        sock.close()
        raise ConnectionRefusedError(f"CONNECT {target}: {answer.status}")
    ctx = ssl.create_default_context(cafile=cafile)
    if not verify or sni is None:
        ctx.check_hostname = False
    if not verify:
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(list(alpn))
    return ctx.wrap_socket(sock, server_hostname=sni)


def request_bytes(
    method: str,
    path: str,
    host: str | None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    all_headers = {"content-type": "application/json", "authorization": "Bearer sk-test-key"}
    all_headers.update(headers or {})
    if body and "transfer-encoding" not in {k.lower() for k in all_headers}:
        all_headers.setdefault("content-length", str(len(body)))
    lines += [f"{k}: {v}" for k, v in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_response(sock: socket.socket, head_only: bool = False) -> Answer:
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(f"connection closed after {len(buf)} bytes: {buf[:200]!r}")
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if head_only:
        return Answer(status, headers, rest, head)
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            data = sock.recv(65536)
            if not data:
                break
            rest += data
        return Answer(status, headers, rest[:n], head)
    if "chunked" in headers.get("transfer-encoding", ""):
        return Answer(status, headers, _dechunk(sock, rest), head)
    while True:
        try:
            data = sock.recv(65536)
        except (TimeoutError, OSError):
            break
        if not data:
            break
        rest += data
    return Answer(status, headers, rest, head)


def _dechunk(sock: socket.socket, buf: bytes) -> bytes:
    out = b""
    while True:
        while b"\r\n" not in buf:
            data = sock.recv(65536)
            if not data:
                return out
            buf += data
        size_line, _, buf = buf.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        while len(buf) < size + 2:
            data = sock.recv(65536)
            if not data:
                return out + buf
            buf += data
        if size == 0:
            return out
        out += buf[:size]
        buf = buf[size + 2 :]


def http1(sock: socket.socket, raw: bytes) -> Answer:
    sock.sendall(raw)
    return read_response(sock)


def http2(
    sock: ssl.SSLSocket,
    authority: str,
    path: str,
    body: bytes,
    extra: list[tuple[str, str]] = (),  # type: ignore[assignment]
    trailers: list[tuple[str, str]] | None = None,
) -> Answer:
    """One HTTP/2 POST with the given `:authority` (extra headers, optional trailers)."""
    assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()
    conn = h2.connection.H2Connection(
        h2.config.H2Configuration(client_side=True, validate_outbound_headers=False)
    )
    conn.initiate_connection()
    sid = conn.get_next_available_stream_id()
    headers = [
        (":method", "POST"),
        (":scheme", "https"),
        (":authority", authority),
        (":path", path),
        ("content-type", "application/json"),
        ("authorization", "Bearer sk-test-key"),
        *extra,
    ]
    conn.send_headers(sid, headers)
    conn.send_data(sid, body, end_stream=trailers is None)
    if trailers is not None:
        conn.send_headers(sid, trailers, end_stream=True)
    sock.sendall(conn.data_to_send())
    status, got, data, done = 0, {}, b"", False
    extra_info: dict[str, Any] = {}
    while not done:
        chunk = sock.recv(65536)
        if not chunk:
            break
        for event in conn.receive_data(chunk):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == sid:
                got = {k.decode(): v.decode() for k, v in event.headers}
                status = int(got.get(":status", "0"))
            elif isinstance(event, h2.events.DataReceived) and event.stream_id == sid:
                data += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, sid)
            elif isinstance(event, h2.events.TrailersReceived) and event.stream_id == sid:
                extra_info["trailers"] = {k.decode(): v.decode() for k, v in event.headers}
            elif isinstance(event, h2.events.StreamEnded | h2.events.StreamReset):
                done = event.stream_id == sid or done
            elif isinstance(event, h2.events.ConnectionTerminated):
                extra_info["goaway"] = event.error_code
                done = True
        out = conn.data_to_send()
        if out:
            sock.sendall(out)
    return Answer(status, got, data, extra=extra_info)


def chat_body(content: Any, stream: bool = False) -> bytes:
    return json.dumps(
        {"model": "gpt-test", "messages": [{"role": "user", "content": content}], "stream": stream}
    ).encode()
