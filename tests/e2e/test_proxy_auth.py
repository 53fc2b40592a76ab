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


@pytest.fixture(scope="module")
def teams(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    import bcrypt

    home = tmp_path_factory.mktemp("teams")
    (home / "users.htpasswd").write_text(
        "".join(
            f"{name}:{bcrypt.hashpw(f'{name}-pw'.encode(), bcrypt.gensalt(4)).decode()}\n"
            for name in ("alice", "bob", "svc-batch")
        )
    )
    config = base_config(
        fake,
        fake_tls[0],
        proxy_auth=f"@{home / 'users.htpasswd'}",
        identities={"groups": {"finance": ["alice"]}},
        policies=[
            {"match": {"group": "finance"}, "policy": {"actions": {"EMAIL_ADDRESS": "block"}}},
            {"match": {"user": "svc-*"}, "policy": {"preset": ["pci-dss"]}},
        ],
    )
    p = start_proxy(home, config)
    yield p
    p.stop()


def test_each_identity_gets_its_own_policy(teams: Proxy, fake: FakeProvider) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "mail jane.doe@gmail.com"}]}
    with _client(teams, "alice:alice-pw") as client:
        assert client.post(URL, json=body).status_code == 403  # finance blocks e-mail
    with _client(teams, "bob:bob-pw") as client:
        assert client.post(URL, json=body).status_code == 200  # the base policy redacts it
    assert "jane.doe@gmail.com" not in json.dumps(fake.received[-1].json())
    card = {"model": "m", "messages": [{"role": "user", "content": "card CVV 123"}]}
    with _client(teams, "svc-batch:svc-batch-pw") as client:
        assert client.post(URL, json=card).status_code == 403  # pci-dss blocks a CVV
    with sqlite3.connect(teams.audit_db) as db:
        records = [json.loads(row[0]) for row in db.execute("select record from records")]
    digests = {r["identity"]: r["policy_digest"] for r in records if r["kind"] == "request"}
    assert len(set(digests.values())) == 3, "every record names the policy that decided it"
