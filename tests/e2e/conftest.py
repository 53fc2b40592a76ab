"""Fixtures that start the real proxy (`llmwall run` in a subprocess) in front of the
local TLS fake provider. Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.certs import make_ca_and_server
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.fake_ws import FakeWebSocketProvider

REPO = Path(__file__).resolve().parents[2]
READY = re.compile(r"llmwall listening on [0-9.]+:(\d+)")


@dataclass
class Proxy:
    url: str
    home: Path
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def bundle(self) -> Path:
        return self.home / "ca" / "llmwall-ca-bundle.pem"

    @property
    def audit_db(self) -> Path:
        return self.home / "audit.db"

    def cli(self, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "llmwall", *args, "--home", str(self.home)],
            capture_output=True,
            text=True,
            env=subprocess_env(),
            timeout=120,
            **kw,
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def subprocess_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start_proxy(home: Path, config: dict[str, Any], listen: str = "127.0.0.1:0") -> Proxy:
    """`listen`: where it binds; clients always reach it at 127.0.0.1."""
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "config.yaml"
    cfg.write_text(yaml.safe_dump(config))
    log = home / "llmwall.log"
    out = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmwall",
            "run",
            "--config",
            str(cfg),
            "--home",
            str(home),
            "--listen",
            listen,
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=subprocess_env(),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        m = READY.search(text)
        if m:
            return Proxy(f"http://127.0.0.1:{m.group(1)}", home, log, proc)
        if proc.poll() is not None:
            raise RuntimeError(f"llmwall exited with {proc.returncode}:\n{text}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("llmwall did not become ready:\n" + log.read_text(errors="replace"))


@pytest.fixture(scope="session")
def fake_tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_ca_and_server(tmp_path_factory.mktemp("fake-ca"))


@pytest.fixture(scope="session")
def fake(fake_tls: tuple[Path, Path, Path]) -> Iterator[FakeProvider]:
    _, cert, key = fake_tls
    provider = FakeProvider(cert, key)
    yield provider
    provider.close()


def base_config(fake: FakeProvider, ca: Path, **extra: Any) -> dict[str, Any]:
    return {
        "upstream_ca": str(ca),
        "providers": {"openai": {"upstream": fake.url}, "anthropic": {"upstream": fake.url}},
        **extra,
    }


@pytest.fixture(scope="session")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple[Path, Path, Path]
) -> Iterator[Proxy]:
    p = start_proxy(tmp_path_factory.mktemp("llmwall-home"), base_config(fake, fake_tls[0]))
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def _clean_fake(request: pytest.FixtureRequest) -> None:
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").reset()


# WebSocket sessions: a local TLS WebSocket fake behind `llmwall run`, one per module
@pytest.fixture(scope="module")
def ws_fake(fake_tls: tuple[Path, Path, Path]) -> Iterator[FakeWebSocketProvider]:
    _, cert, key = fake_tls
    provider = FakeWebSocketProvider(cert, key)
    yield provider
    provider.close()


@pytest.fixture(scope="module")
def ws_proxy(
    tmp_path_factory: pytest.TempPathFactory,
    ws_fake: FakeWebSocketProvider,
    fake_tls: tuple[Path, Path, Path],
) -> Iterator[Proxy]:
    config = {
        "upstream_ca": str(fake_tls[0]),
        "providers": {"openai": {"upstream": ws_fake.url}, "gemini": {"upstream": ws_fake.url}},
    }
    proxy = start_proxy(tmp_path_factory.mktemp("llmwall-ws"), config)
    yield proxy
    proxy.stop()
