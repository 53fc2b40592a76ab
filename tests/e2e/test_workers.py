"""Two worker processes serving one address: the kernel spreads the connections, the
audit stays one valid chain, the metrics are summed over the workers."""

from __future__ import annotations

import json
import socket
import sqlite3
import ssl
import time
from collections import Counter
from collections.abc import Iterator

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

URL = "https://api.openai.com/v1/chat/completions"
BODY = {"model": "gpt-x", "messages": [{"role": "user", "content": "hello"}]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def admin_port() -> int:
    return _free_port()


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple, admin_port: int
) -> Iterator[Proxy]:
    config = base_config(fake, fake_tls[0], workers=2, admin={"listen": f"127.0.0.1:{admin_port}"})
    p = start_proxy(tmp_path_factory.mktemp("workers"), config)
    deadline = time.monotonic() + 60  # both workers up
    while p.log.read_text().count("llmwall listening on") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    yield p
    p.stop()


def test_two_workers_share_the_address_and_one_audit_chain(
    pair: Proxy, fake: FakeProvider, admin_port: int
) -> None:
    ctx = ssl.create_default_context(cafile=str(pair.bundle))
    for _ in range(40):  # a new connection each time: the kernel picks the worker
        with httpx2.Client(proxy=pair.url, verify=ctx) as client:
            assert client.post(URL, json=BODY).status_code == 200
    with sqlite3.connect(pair.audit_db) as db:
        records = [json.loads(r[0]) for r in db.execute("select record from records")]
    by_worker = Counter(r["extra"].get("worker") for r in records if r["kind"] == "request")
    assert sum(by_worker.values()) == 40 and set(by_worker) == {1, 2}, by_worker
    verify = pair.cli("audit", "verify")
    assert verify.returncode == 0 and "verified 80 records" in verify.stdout
    text = httpx2.get(f"http://127.0.0.1:{admin_port}/metrics").text
    total = sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "llmwall_requests_total"
    )
    assert total == 40  # whichever worker answered the scrape, it sums both
