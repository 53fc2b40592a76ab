"""Proxy authentication for a company gateway: who sent each request, in the audit."""

from __future__ import annotations

import json
import sqlite3
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

BODY = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}
URL = "https://api.openai.com/v1/chat/completions"


@pytest.fixture(scope="module")
def gateway(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    config = base_config(fake, fake_tls[0], proxy_auth="alice:s3cret-pw")
    p = start_proxy(tmp_path_factory.mktemp("gateway"), config)
    yield p
    p.stop()


def _client(proxy: Proxy, user: str | None) -> httpx2.Client:
    url = proxy.url if user is None else proxy.url.replace("http://", f"http://{user}@")
    return httpx2.Client(proxy=url, verify=ssl.create_default_context(cafile=str(proxy.bundle)))


def test_without_credentials_the_proxy_answers_407(gateway: Proxy, fake: FakeProvider) -> None:
    with _client(gateway, None) as client, pytest.raises(httpx2.ProxyError):
        client.post(URL, json=BODY)
    assert fake.received == []


def test_the_audit_names_the_user_never_the_password(gateway: Proxy, fake: FakeProvider) -> None:
    with _client(gateway, "alice:s3cret-pw") as client:
        r = client.post(URL, json=BODY)
    assert r.status_code == 200
    with sqlite3.connect(gateway.audit_db) as db:
        records = [json.loads(row[0]) for row in db.execute("select record from records")]
    assert records and all(r["identity"] == "alice" for r in records)
    for f in Path(gateway.audit_db).parent.glob("audit.db*"):
        assert b"s3cret-pw" not in f.read_bytes()
