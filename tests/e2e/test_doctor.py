"""`llmwall doctor`: the environment matches the running proxy, and a command's LLM calls
are seen going through llmwall — or reported as going around it."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmwall.addon.doctor import watch_command
from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import CLIENTS, PROMPT, SANDBOX, offline, run, user_env

SCRIPT = str(CLIENTS / "python_chat.py")


def doctor(proxy: Proxy, *cmd: str) -> list[str]:
    base = [sys.executable, "-m", "llmwall", "doctor", "--home", str(proxy.home)]
    return [*base, "--", *cmd] if cmd else base


def test_doctor_passes_against_the_running_proxy(proxy: Proxy) -> None:
    r = run(doctor(proxy), env=user_env())
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"running proxy: {proxy.url}" in r.stdout
    assert "signs with this home's CA" in r.stdout
    assert "wrap: NODE_EXTRA_CA_CERTS holds the CA" in r.stdout


def test_doctor_sees_a_command_go_through_llmwall(proxy: Proxy, fake: FakeProvider) -> None:
    cmd = doctor(proxy, sys.executable, SCRIPT, "httpx", PROMPT)
    r = run(offline(cmd) if SANDBOX else cmd, env=user_env())
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 LLM request(s) went through llmwall" in r.stdout
    assert "no direct connection seen" in r.stdout


@pytest.mark.skipif(SANDBOX is None, reason="needs the no-DNS sandbox")
def test_doctor_reports_a_client_that_ignores_the_proxy(proxy: Proxy, fake: FakeProvider) -> None:
    r = run(offline(doctor(proxy, sys.executable, SCRIPT, "aiohttp-no-trust-env", PROMPT)))
    assert r.returncode == 1
    assert "FAIL 0 LLM request(s) went through llmwall" in r.stdout
    assert "went around" in r.stdout and fake.received == []


@pytest.fixture
def listener() -> Iterator[int]:
    srv = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                conn.recv(1)
                conn.close()
            except OSError:
                continue

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    srv.close()


def test_connections_of_the_process_tree_are_seen(listener: int, tmp_path: Path) -> None:
    """The /proc watcher sees a grandchild's connection that did not go to the proxy
    (here every address counts as remote, so a loopback server stands in for one)."""
    code = (
        f"import socket,time; s=socket.create_connection(('127.0.0.1',{listener})); time.sleep(0.3)"
    )
    cmd = ["sh", "-c", f'"{sys.executable}" -c "{code}"']
    watch = watch_command(cmd, {}, tmp_path / "none.db", ("127.0.0.1", 1), is_local=lambda h: False)
    assert watch.code == 0
    assert watch.direct == {f"127.0.0.1:{listener}": 1}
    assert watch.llm_requests == 0
