"""No open relay: a listener beyond loopback needs proxy_auth (or an explicit
allow_unauthenticated, with a warning), and it never tunnels to its own, loopback or
link-local addresses, authenticated users included, unless allow_internal_targets says
so. The proxy binds 0.0.0.0 here, but the tests reach it, and everything else, at
127.0.0.1 only (the refused targets are refused before any connection is made)."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Proxy, base_config, start_proxy, subprocess_env
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import assert_provider_shaped, record_for
from tests.e2e.raw_client import (
    chat_body,
    connect,
    http1,
    read_response,
    request_bytes,
    send_connect,
    tunnel,
)


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


ALLOWED_PORT = _free_port()


def test_an_unauthenticated_listener_beyond_loopback_does_not_start(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "llmwall", "run", "--home", str(tmp_path), "--listen", "0.0.0.0:0"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert r.returncode == 2, r.stderr
    assert "proxy_auth" in r.stderr and "allow_unauthenticated" in r.stderr
    assert "open relay" in r.stderr


@pytest.fixture(scope="module")
def exposed(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    config = base_config(
        fake,
        fake_tls[0],
        allow_unauthenticated=True,
        allow_internal_targets=[f"127.0.0.1:{ALLOWED_PORT}"],
    )
    p = start_proxy(tmp_path_factory.mktemp("exposed"), config, listen="0.0.0.0:0")
    yield p
    p.stop()


@pytest.fixture(scope="module")
def authed(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    config = base_config(fake, fake_tls[0], proxy_auth="alice:wonderland")
    p = start_proxy(tmp_path_factory.mktemp("authed"), config, listen="0.0.0.0:0")
    yield p
    p.stop()


def test_allow_unauthenticated_starts_with_a_warning(exposed: Proxy) -> None:
    assert "without proxy_auth (allow_unauthenticated: true)" in exposed.log.read_text()


def _own_hostname_targets() -> list[str]:
    """The machine's own name, when /etc/hosts answers for it (no DNS is asked)."""
    name = socket.gethostname()
    try:
        hosts = Path("/etc/hosts").read_text()
    except OSError:
        return []
    return (
        [name]
        if any(
            name in line.split()[1:]
            for line in hosts.splitlines()
            if line.strip() and not line.startswith("#")
        )
        else []
    )


def _targets(fake: FakeProvider) -> list[str]:
    port = fake.url.rsplit(":", 1)[1]
    return [
        f"127.0.0.1:{port}",
        f"127.0.0.2:{port}",
        f"localhost:{port}",
        f"[::1]:{port}",
        f"[::ffff:127.0.0.1]:{port}",
        "0.0.0.0:22",
        "169.254.169.254:80",
        "[fe80::1]:80",
        *(f"{h}:{port}" for h in _own_hostname_targets()),
    ]


def test_tunnels_to_internal_targets_are_refused(exposed: Proxy, fake: FakeProvider) -> None:
    for target in _targets(fake):
        with connect(exposed.url) as sock:
            answer = send_connect(sock, target)
        body = assert_provider_shaped(answer, status=403)
        assert body["error"]["code"] == "llmwall_internal_target", target
        recs = record_for(exposed.audit_db, answer.headers["x-llmwall-request-id"])
        assert recs[-1]["decision"] == "block", target


def test_plain_http_to_an_internal_target_is_refused(exposed: Proxy, fake: FakeProvider) -> None:
    port = fake.url.rsplit(":", 1)[1]
    with connect(exposed.url) as sock:
        answer = http1(sock, request_bytes("GET", f"http://127.0.0.1:{port}/", f"127.0.0.1:{port}"))
    assert_provider_shaped(answer, status=403)
    assert fake.received == []


def test_a_listed_internal_target_is_allowed(exposed: Proxy) -> None:
    with connect(exposed.url) as sock:
        target = f"127.0.0.1:{ALLOWED_PORT}"
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        assert read_response(sock, head_only=True).status == 200


def test_llm_traffic_to_the_configured_upstream_still_flows(
    exposed: Proxy, fake: FakeProvider
) -> None:
    with tunnel(exposed.url, "api.openai.com:443", "api.openai.com", str(exposed.bundle)) as sock:
        answer = http1(
            sock, request_bytes("POST", "/v1/chat/completions", "api.openai.com", chat_body("hi"))
        )
    assert answer.status == 200 and len(fake.received) == 1


def test_authenticated_users_cannot_reach_internal_targets_either(
    authed: Proxy, fake: FakeProvider
) -> None:
    assert "allow_unauthenticated" not in authed.log.read_text()
    port = fake.url.rsplit(":", 1)[1]
    target = f"127.0.0.1:{port}"
    with connect(authed.url) as sock:
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        assert read_response(sock, head_only=True).status == 407
    creds = base64.b64encode(b"alice:wonderland").decode()
    with connect(authed.url) as sock:
        sock.sendall(
            f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n"
            f"Proxy-Authorization: Basic {creds}\r\n\r\n".encode()
        )
        answer = read_response(sock)
    assert_provider_shaped(answer, status=403)
