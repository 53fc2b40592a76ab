"""The front door: apps change only their SDK's base URL; virtual keys keep the real
credentials inside llmwall."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator

import anthropic
import openai
import pytest

from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

KEY = "sk-proj-" + "Zq8Wm3Rt6Yp1Ks4Dv7Gh0Jn2Lc5Xb9Fe" * 2
VIRTUAL = "vk-team-a-0123456789"
REAL_OPENAI = "sk-real-openai-credential-never-shown"
REAL_ANTHROPIC = "sk-ant-real-credential-never-shown"


@pytest.fixture(scope="module")
def door(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    os.environ["LLMWALL_TEST_OPENAI"] = REAL_OPENAI
    os.environ["LLMWALL_TEST_ANTHROPIC"] = REAL_ANTHROPIC
    config = base_config(
        fake,
        fake_tls[0],
        front_door={
            "listen": "127.0.0.1:0",
            "keys": {
                VIRTUAL: {
                    "user": "team-a",
                    "credentials": {
                        "openai": {"api_key_env": "LLMWALL_TEST_OPENAI"},
                        "anthropic": {"api_key_env": "LLMWALL_TEST_ANTHROPIC"},
                    },
                }
            },
        },
    )
    try:
        p = start_proxy(tmp_path_factory.mktemp("door"), config)
    finally:
        del os.environ["LLMWALL_TEST_OPENAI"], os.environ["LLMWALL_TEST_ANTHROPIC"]
    yield p
    p.stop()


def base(proxy: Proxy) -> str:
    match = re.search(r"front door 127\.0\.0\.1:(\d+)", proxy.log.read_text())
    assert match, "the ready line names the front door"
    return f"http://127.0.0.1:{match.group(1)}"


def openai_client(proxy: Proxy, key: str = VIRTUAL, path: str = "/openai/v1") -> openai.OpenAI:
    return openai.OpenAI(base_url=base(proxy) + path, api_key=key, max_retries=0)


def test_openai_sdk_by_base_url_only(door: Proxy, fake: FakeProvider) -> None:
    reply = openai_client(door).chat.completions.create(
        model="gpt-x", messages=[{"role": "user", "content": f"my key is {KEY}"}]
    )
    assert reply.choices[0].message.content == "Hello from the fake provider."
    sent = fake.received[-1]
    assert sent.path == "/v1/chat/completions"
    assert KEY not in sent.body.decode() and "<OPENAI_API_KEY>" in sent.body.decode()
    assert sent.headers["authorization"] == f"Bearer {REAL_OPENAI}"  # the real one, server-side
    assert VIRTUAL not in json.dumps(sent.headers)


def test_streams_through_the_front_door(door: Proxy, fake: FakeProvider) -> None:
    stream = openai_client(door).chat.completions.create(
        model="gpt-x", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "Hello from the fake provider."


def test_anthropic_sdk_by_base_url_only(door: Proxy, fake: FakeProvider) -> None:
    client = anthropic.Anthropic(base_url=base(door) + "/anthropic", api_key=VIRTUAL, max_retries=0)
    reply = client.messages.create(
        model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hello"}]
    )
    assert reply.content[0].text == "Hello from the fake provider."  # type: ignore[union-attr]
    assert fake.received[-1].headers["x-api-key"] == REAL_ANTHROPIC


def test_a_provider_prefixed_model_is_translated(door: Proxy, fake: FakeProvider) -> None:
    client = openai_client(door, path="/v1")
    reply = client.chat.completions.create(
        model="anthropic/claude-x", messages=[{"role": "user", "content": "hello"}]
    )
    assert reply.choices[0].message.content == "Hello from the fake provider."
    sent = fake.received[-1]
    assert sent.path == "/v1/messages" and sent.json()["model"] == "claude-x"
    assert sent.headers["x-api-key"] == REAL_ANTHROPIC


def test_a_wrong_key_gets_the_provider_s_401_and_nothing_leaves(
    door: Proxy, fake: FakeProvider
) -> None:
    with pytest.raises(openai.AuthenticationError) as err:
        openai_client(door, key="vk-nobody-000000").chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": "hi"}]
        )
    assert err.value.status_code == 401 and fake.received == []


def test_the_audit_names_the_key_s_identity(door: Proxy) -> None:
    openai_client(door).chat.completions.create(
        model="gpt-x", messages=[{"role": "user", "content": "hi"}]
    )
    with sqlite3.connect(door.audit_db) as db:
        records = [json.loads(r[0]) for r in db.execute("select record from records")]
    assert records and all(r["identity"] == "team-a" for r in records)
    raw = b"".join(p.read_bytes() for p in door.audit_db.parent.glob("audit.db*"))
    assert REAL_OPENAI.encode() not in raw and VIRTUAL.encode() not in raw
