"""Policy hot reload: SIGHUP or a changed file; a bad policy is refused and the running
one stays; a keep-alive connection is not dropped."""

from __future__ import annotations

import signal
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

URL = "https://api.openai.com/v1/chat/completions"
BODY = {"model": "gpt-x", "messages": [{"role": "user", "content": "mail jane.doe@gmail.com"}]}


@pytest.fixture
def reloading(tmp_path: Path, fake: FakeProvider, fake_tls: tuple) -> Iterator[tuple[Proxy, Path]]:
    policy = tmp_path / "policy.yaml"
    policy.write_text("actions: {EMAIL_ADDRESS: allow}\n")
    p = start_proxy(tmp_path / "home", base_config(fake, fake_tls[0], policy=str(policy)))
    yield p, policy
    p.stop()


def wait_for(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_sighup_and_file_changes_reload_and_a_bad_policy_is_refused(
    reloading: tuple[Proxy, Path], fake: FakeProvider
) -> None:
    proxy, policy = reloading
    ctx = ssl.create_default_context(cafile=str(proxy.bundle))
    with httpx2.Client(proxy=proxy.url, verify=ctx) as client:  # one keep-alive connection
        assert client.post(URL, json=BODY).status_code == 200
        assert "jane.doe@gmail.com" in fake.received[-1].body.decode()  # allowed
        policy.write_text("actions: {EMAIL_ADDRESS: block}\n")
        proxy.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "reload (SIGHUP)" in proxy.log.read_text())
        assert client.post(URL, json=BODY).status_code == 403  # the new policy, same connection
        policy.write_text("actions: {EMAIL_ADDRESS: redcat}\n")
        proxy.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "rejected, the running policy stays" in proxy.log.read_text())
        assert "'redcat' is not one of" in proxy.log.read_text()
        assert client.post(URL, json=BODY).status_code == 403  # the old one stayed
        policy.write_text("actions: {EMAIL_ADDRESS: redact}\n")  # no signal: the file changed
        assert wait_for(lambda: "a config or policy file changed" in proxy.log.read_text())
        assert client.post(URL, json=BODY).status_code == 200
        assert "jane.doe@gmail.com" not in fake.received[-1].body.decode()
