"""Ruby Net::HTTP (defaults) under `llmwall wrap`: https_proxy + SSL_CERT_FILE."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.native_runtimes import fails_without_wrap, goes_through_llmwall
from tests.e2e.wrapped import CLIENTS, SANDBOX, SANDBOX_MISSING

RUBY = shutil.which("ruby")
pytestmark = [
    pytest.mark.skipif(RUBY is None, reason="ruby is not installed (Debian: ruby)"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]
CMD = [str(RUBY), str(CLIENTS / "ruby_chat.rb")]


def test_ruby_goes_through_llmwall(proxy: Proxy, fake: FakeProvider) -> None:
    goes_through_llmwall(proxy, fake, CMD)


def test_without_wrap_ruby_fails_to_resolve(fake: FakeProvider) -> None:
    assert "api.openai.com" in fails_without_wrap(fake, CMD)
