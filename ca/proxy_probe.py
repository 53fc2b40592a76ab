"""Ask the proxy at an address, over the wire, whether it is an llmwall proxy that signs
with a given CA — the check that works for any home, a remote gateway included.

The probe sends `CONNECT api.openai.com:443`, completes a TLS handshake inside the tunnel
and closes. llmwall intercepts LLM hosts and connects upstream only once a request
arrives (`connection_strategy=lazy`), so the probe sends nothing upstream and leaves no
audit record; it only sees which CA signed the certificate the proxy made.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

PROBE_HOST = "api.openai.com"


@dataclass(frozen=True)
class Probe:
    status: str  # ok | nothing_listening | auth_required | not_intercepting | other_ca
    detail: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def probe_proxy(
    host: str, port: int, ca_cert: Path, *, auth: str | None = None, timeout: float = 3.0
) -> Probe:
    where = f"{host}:{port}"
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        return Probe("nothing_listening", f"nothing answers at {where} ({exc.strerror or exc})")
    with sock:
        head = f"CONNECT {PROBE_HOST}:443 HTTP/1.1\r\nHost: {PROBE_HOST}:443\r\n"
        if auth:
            head += f"Proxy-Authorization: Basic {auth}\r\n"
        try:
            sock.sendall((head + "\r\n").encode())
            reply = _read_head(sock)
        except OSError as exc:
            return Probe("not_intercepting", f"{where} did not answer CONNECT ({exc})")
        status = reply.split(b"\r\n", 1)[0].decode("latin-1")
        if " 407" in status:
            return Probe("auth_required", f"{where} asks for proxy credentials ({status})")
        if not status.startswith(("HTTP/1.1 200", "HTTP/1.0 200")):
            return Probe("not_intercepting", f"{where} answered CONNECT with {status!r}")
        ctx = ssl.create_default_context(cafile=str(ca_cert))
        ctx.check_hostname = True
        try:
            with ctx.wrap_socket(sock, server_hostname=PROBE_HOST):
                return Probe("ok", f"{where} intercepts {PROBE_HOST} with this CA")
        except ssl.SSLCertVerificationError:
            issuer = _issuer(host, port, timeout, auth)
            return Probe(
                "other_ca",
                f"{where} signs {PROBE_HOST} with another CA ({issuer}), not {ca_cert}",
            )
        except (OSError, ssl.SSLError) as exc:
            return Probe("not_intercepting", f"{where}: TLS through the tunnel failed ({exc})")


def _issuer(host: str, port: int, timeout: float, auth: str | None) -> str:
    """The issuer of the certificate the proxy presents, read without verifying it."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            head = f"CONNECT {PROBE_HOST}:443 HTTP/1.1\r\nHost: {PROBE_HOST}:443\r\n"
            if auth:
                head += f"Proxy-Authorization: Basic {auth}\r\n"
            sock.sendall((head + "\r\n").encode())
            _read_head(sock)
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            with ctx.wrap_socket(sock, server_hostname=PROBE_HOST) as tls:
                der = tls.getpeercert(binary_form=True)
        if not der:
            return "no certificate"
        return "issuer " + x509.load_der_x509_certificate(der).issuer.rfc4514_string()
    except (OSError, ssl.SSLError, ValueError) as exc:
        return f"issuer unknown: {exc}"


def _read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 65536:
            break
    return data
