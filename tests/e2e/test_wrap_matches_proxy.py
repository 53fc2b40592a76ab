"""wrap/env read the same home as `run`, use the running proxy's real address, refuse a
proxy that signs with another CA, and hint when no proxy runs."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from tests.e2e.conftest import Proxy
from tests.e2e.wrapped import run

PRINT_PROXY = [sys.executable, "-c", "import os; print(os.environ['HTTPS_PROXY'])"]


def llmwall(*args: str) -> list[str]:
    return [sys.executable, "-m", "llmwall", *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_wrap_finds_the_running_proxy_of_its_home(proxy: Proxy) -> None:
    r = run(llmwall("wrap", "--home", str(proxy.home), "--", *PRINT_PROXY))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == proxy.url
    assert r.stderr == ""


def test_wrap_refuses_a_proxy_that_signs_with_another_ca(proxy: Proxy, tmp_path: Path) -> None:
    port = proxy.url.rsplit(":", 1)[1]
    other_home = tmp_path / "other-home"
    r = run(llmwall("wrap", "--home", str(other_home), "--listen", f"127.0.0.1:{port}",
                    "--", *PRINT_PROXY))  # fmt: skip
    assert r.returncode == 1
    assert r.stdout == ""  # the command never ran
    assert "another CA" in r.stderr and "CN=llmwall CA" in r.stderr
    assert "--home" in r.stderr


def test_env_refuses_a_listen_that_is_not_the_running_proxy(proxy: Proxy) -> None:
    r = run(llmwall("env", "--home", str(proxy.home), "--listen", f"127.0.0.1:{free_port()}"))
    assert r.returncode == 1
    assert proxy.url in r.stderr and "drop --listen" in r.stderr


def test_wrap_without_a_proxy_hints_and_still_runs(tmp_path: Path) -> None:
    port = free_port()
    r = run(llmwall("wrap", "--home", str(tmp_path), "--listen", f"127.0.0.1:{port}",
                    "--", *PRINT_PROXY))  # fmt: skip
    assert r.returncode == 0
    assert r.stdout.strip() == f"http://127.0.0.1:{port}"
    assert "no proxy is running" in r.stderr and "llmwall run" in r.stderr


def test_env_exports_merge_the_users_no_proxy(proxy: Proxy) -> None:
    r = run(llmwall("env", "--home", str(proxy.home)), env={"NO_PROXY": "git.corp,*"})
    assert r.returncode == 0, r.stderr
    assert "export NO_PROXY=localhost,127.0.0.1,::1,git.corp\n" in r.stdout
    assert "NO_PROXY entries * would send LLM hosts around llmwall" in r.stderr
