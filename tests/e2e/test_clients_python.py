"""Python clients under `llmwall wrap`, default code, public DNS failing: httpx, requests,
urllib, aiohttp (with trust_env=True; without it aiohttp ignores the proxy, which the
last test shows fails loudly here), and the openai and anthropic SDKs."""

from __future__ import annotations

import sys

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import (
    CLIENTS,
    PROMPT,
    REPLY,
    SANDBOX,
    SANDBOX_MISSING,
    assert_redacted_upstream,
    offline,
    run,
    user_env,
    wrap_cmd,
)

pytestmark = pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING)
SCRIPT = str(CLIENTS / "python_chat.py")


@pytest.mark.parametrize("kind", ["httpx", "requests", "urllib", "aiohttp", "openai", "anthropic"])
def test_python_clients_go_through_llmwall(proxy: Proxy, fake: FakeProvider, kind: str) -> None:
    r = run(offline(wrap_cmd(proxy, [sys.executable, SCRIPT, kind, PROMPT])), env=user_env())
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


def test_aiohttp_without_trust_env_ignores_the_proxy_and_fails(
    proxy: Proxy, fake: FakeProvider
) -> None:
    r = run(
        offline(wrap_cmd(proxy, [sys.executable, SCRIPT, "aiohttp-no-trust-env", PROMPT])),
        env=user_env(),
    )
    assert r.returncode != 0
    assert "api.openai.com" in r.stderr and fake.received == []
