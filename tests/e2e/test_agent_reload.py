"""The agent state outlives a policy reload: placeholders issued before a SIGHUP are
still restored after it."""

from __future__ import annotations

import signal
import ssl
from pathlib import Path

import httpx2

from tests.e2e.conftest import base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.test_reload import URL, wait_for


def test_pseudonyms_survive_a_reload(tmp_path: Path, fake: FakeProvider, fake_tls: tuple) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("actions: {EMAIL_ADDRESS: pseudonymize}\n")
    proxy = start_proxy(tmp_path / "home", base_config(fake, fake_tls[0], policy=str(policy)))
    try:
        ctx = ssl.create_default_context(cafile=str(proxy.bundle))
        with httpx2.Client(proxy=proxy.url, verify=ctx) as client:
            first = {"model": "m", "messages": [{"role": "user", "content": "mail jo@example.org"}]}
            assert client.post(URL, json=first).status_code == 200
            assert "<EMAIL_ADDRESS_1>" in fake.received[-1].body.decode()
            policy.write_text("actions: {EMAIL_ADDRESS: pseudonymize}\nmin_score: 0.45\n")
            proxy.proc.send_signal(signal.SIGHUP)
            assert wait_for(lambda: "reload (SIGHUP)" in proxy.log.read_text())
            fake.next(reply="Sent to <EMAIL_ADDRESS_1>.")
            later = {"model": "m", "messages": [{"role": "user", "content": "did it go out?"}]}
            r = client.post(URL, json=later)
            assert r.json()["choices"][0]["message"]["content"] == "Sent to jo@example.org."
    finally:
        proxy.stop()
