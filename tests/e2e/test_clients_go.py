"""Go net/http (default client) under `llmwall wrap`: HTTPS_PROXY + SSL_CERT_FILE."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.native_runtimes import fails_without_wrap, goes_through_llmwall
from tests.e2e.wrapped import CLIENTS, SANDBOX, SANDBOX_MISSING

GO = shutil.which("go")
pytestmark = [
    pytest.mark.skipif(GO is None, reason="go is not installed (Debian: golang-go)"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    assert GO
    d = tmp_path_factory.mktemp("go")
    env = {**os.environ, "HOME": str(d), "GOCACHE": str(d / "cache"), "GOPROXY": "off"}
    out = d / "go_chat"
    subprocess.run(
        [GO, "build", "-o", str(out), str(CLIENTS / "go_chat.go")], check=True, env=env, timeout=300
    )
    return [str(out)]


def test_go_goes_through_llmwall(proxy: Proxy, fake: FakeProvider, program: list[str]) -> None:
    goes_through_llmwall(proxy, fake, program)


def test_without_wrap_go_fails_to_resolve(fake: FakeProvider, program: list[str]) -> None:
    assert "api.openai.com" in fails_without_wrap(fake, program)
