"""curl under `llmwall wrap`: HTTPS_PROXY and CURL_CA_BUNDLE/SSL_CERT_FILE."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import (
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

CURL = shutil.which("curl")
pytestmark = [
    pytest.mark.skipif(CURL is None, reason="curl is not installed"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]
BODY = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]})


def curl_cmd() -> list[str]:
    assert CURL
    return [
        CURL, "-sS", "--fail-with-body", "https://api.openai.com/v1/chat/completions",
        "-H", "content-type: application/json", "-H", "authorization: Bearer sk-test-key",
        "-d", BODY,
    ]  # fmt: skip


def test_curl_goes_through_llmwall(proxy: Proxy, fake: FakeProvider) -> None:
    r = run(offline(wrap_cmd(proxy, curl_cmd())), env=user_env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["choices"][0]["message"]["content"] == REPLY
    assert_redacted_upstream(fake)


def test_without_wrap_curl_fails_to_resolve(fake: FakeProvider) -> None:
    r = run(offline(curl_cmd()), env=user_env())
    assert r.returncode == 6, r.stderr  # CURLE_COULDNT_RESOLVE_HOST
    assert fake.received == []
