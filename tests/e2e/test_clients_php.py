"""PHP's curl extension (defaults) under `llmwall wrap`: libcurl reads https_proxy; the
roots come from curl.cainfo, which wrap sets through PHP_INI_SCAN_DIR (PHP ignores
SSL_CERT_FILE: without the ini directory the call fails verification, shown below)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.native_runtimes import goes_through_llmwall
from tests.e2e.wrapped import (
    CLIENTS,
    PROMPT,
    SANDBOX,
    SANDBOX_MISSING,
    offline,
    run,
    user_env,
    wrap_cmd,
)

PHP = shutil.which("php")
HAS_CURL = (
    PHP is not None
    and "curl" in subprocess.run([PHP, "-m"], capture_output=True, text=True).stdout.split()
)
pytestmark = [
    pytest.mark.skipif(not HAS_CURL, reason="php with the curl extension is not installed "
                       "(Debian: php-cli php-curl)"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]  # fmt: skip
CMD = [str(PHP), str(CLIENTS / "php_chat.php")]


def test_php_curl_goes_through_llmwall(proxy: Proxy, fake: FakeProvider) -> None:
    goes_through_llmwall(proxy, fake, CMD)


def test_php_needs_the_ini_directory_for_the_ca(proxy: Proxy, fake: FakeProvider) -> None:
    cmd = wrap_cmd(proxy, ["env", "-u", "PHP_INI_SCAN_DIR", *CMD, PROMPT])
    r = run(offline(cmd), env=user_env())
    assert r.returncode == 1 and "SSL certificate problem" in r.stderr
    assert fake.received == []
