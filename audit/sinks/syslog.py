"""Syslog sink: RFC 5424 messages over TCP or TLS with RFC 5425 octet-counting framing
(`LEN SP MSG`), or one message per UDP datagram (RFC 5426).

    <PRI>1 TIMESTAMP HOSTNAME llmwall - audit - MSG

PRI is facility 13 (log audit) * 8 + a severity from the decision (block 4 warning,
error 3, unscanned 4, others 6 informational); TIMESTAMP is the record's time (RFC 3339,
UTC, microseconds); HOSTNAME the node id; MSG the record in the sink's format (CEF by
default), one line, UTF-8.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import ssl
from typing import Any

from llmwall.audit import export, nodes
from llmwall.audit.export import Row
from llmwall.audit.siem_config import SinkConfig
from llmwall.errors import SiemError

FACILITY = 13  # log audit
SEVERITY = {"block": 4, "error": 3, "unscanned": 4}
INFO = 6
CONFIRM_AFTER_S = 0.5  # TCP has no acknowledgment: a batch counts once the link outlived it
UDP_MAX = 65_507


class SyslogSink:
    def __init__(self, config: SinkConfig, node: str | None) -> None:
        self.config = config
        self.hostname = node or nodes.default_node()
        self.convert = export.FORMATS[config.format]
        self.udp = config.scheme == "udp"
        self.confirm_after = 0.0 if self.udp else CONFIRM_AFTER_S
        self._sock: Any = None

    def message(self, row: Row) -> bytes:
        decision = json.loads(row[2]).get("decision", "")
        pri = FACILITY * 8 + SEVERITY.get(decision, INFO)
        text = self.convert(row).replace("\n", " ")
        return f"<{pri}>1 {row[1]} {self.hostname} llmwall - audit - {text}".encode()

    def send(self, rows: list[Row]) -> None:
        messages = [self.message(row) for row in rows]
        try:
            sock = self._connect()
            if self.udp:
                for m in messages:
                    if len(m) > UDP_MAX:
                        raise SiemError(
                            f"{self.config.name}: a message of {len(m)} bytes is over UDP's limit"
                        )
                    sock.send(m)
            else:
                sock.sendall(b"".join(b"%d %s" % (len(m), m) for m in messages))
        except OSError as exc:
            self.close()
            raise SiemError(f"{self.config.name}: send failed: {_reason(exc)}") from None

    def alive(self) -> bool:
        """False once the receiver closed or reset the connection (a syslog receiver never
        sends application data: readable means EOF, a reset or TLS housekeeping)."""
        sock = self._sock
        if sock is None:
            return False
        if self.udp:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return True
            sock.setblocking(False)
            try:
                data = sock.recv(4096)
            finally:
                sock.setblocking(True)
                sock.settimeout(self.config.timeout)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return True  # e.g. a TLS 1.3 session ticket: no application data, still open
        except (OSError, ValueError):
            self.close()
            return False
        if data == b"":
            self.close()
            return False
        return True

    def close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def _connect(self) -> Any:
        if self._sock is not None:
            return self._sock
        cfg = self.config
        if self.udp:
            sock = socket.socket(
                socket.AF_INET6 if ":" in cfg.host else socket.AF_INET, socket.SOCK_DGRAM
            )
            sock.connect((cfg.host, cfg.port))
        else:
            sock = socket.create_connection((cfg.host, cfg.port), timeout=cfg.timeout)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            if cfg.scheme == "tcp+tls":
                context = ssl.create_default_context(cafile=str(cfg.ca) if cfg.ca else None)
                try:
                    sock = context.wrap_socket(sock, server_hostname=cfg.host)
                except (ssl.SSLError, OSError):
                    sock.close()
                    raise
        self._sock = sock
        return sock


def _reason(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message}); set ca: to the receiver's CA"
    return f"{type(exc).__name__}" + (f" ({exc.strerror})" if exc.strerror else "")
