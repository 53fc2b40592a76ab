"""kill -9 of the proxy under load: the chain still verifies and every request that got
an answer has its record."""

from __future__ import annotations

import json
import signal
import sqlite3
import ssl
import threading
import time

import httpx2
import pytest

from tests.e2e.conftest import base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider


def test_sigkill_under_load_leaves_a_verifying_chain_with_every_answered_request(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> None:
    proxy = start_proxy(tmp_path_factory.mktemp("kill9"), base_config(fake, fake_tls[0]))
    answered: list[str] = []
    stop = threading.Event()
    ctx = ssl.create_default_context(cafile=str(proxy.bundle))

    def load() -> None:
        with httpx2.Client(proxy=proxy.url, verify=ctx, timeout=5) as client:
            n = 0
            while not stop.is_set() and n < 2000:
                n += 1
                body = {
                    "model": "m",
                    "messages": [{"role": "user", "content": f"request {n} from a@b.example"}],
                }
                try:
                    r = client.post("https://api.openai.com/v1/chat/completions", json=body)
                except httpx2.HTTPError:
                    return  # the proxy is gone
                if r.status_code == 200:
                    answered.append(r.headers["x-llmwall-request-id"])

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(answered) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    proxy.proc.send_signal(signal.SIGKILL)
    proxy.proc.wait(10)
    stop.set()
    for t in threads:
        t.join(10)
    assert len(answered) >= 60

    verified = proxy.cli("audit", "verify", "--db", str(proxy.audit_db))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with sqlite3.connect(proxy.audit_db) as db:
        records = [json.loads(r[0]) for r in db.execute("select record from records")]
    kinds = {(r["request_id"], r["kind"]) for r in records}
    missing = [
        rid for rid in answered if (rid, "request") not in kinds or (rid, "response") not in kinds
    ]
    assert missing == [], f"{len(missing)} answered requests have no record"
    assert all("a@b.example" not in json.dumps(r) for r in records)
