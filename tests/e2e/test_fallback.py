"""Fallback and policy routing end to end: the real proxy, the real openai and anthropic
SDKs, a failing primary (the shared fake) and local fake fallbacks. The app always gets
an answer in its own format."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import openai
import pytest

from llmwall.routing.translate.ids import map_id
from tests.e2e.clients import anthropic_client, openai_client, trust
from tests.e2e.conftest import Proxy, start_proxy
from tests.e2e.fake_provider import FakeProvider

FB_KEY = "sk-fallback-key-from-env"
APP_KEYS = ("sk-test-key", "sk-ant-test-key")
NHS = "943 476 5919"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fb(fake_tls: tuple[Path, Path, Path]) -> Iterator[FakeProvider]:
    p = FakeProvider(fake_tls[1], fake_tls[2])
    yield p
    p.close()


@pytest.fixture(scope="module")
def local(fake_tls: tuple[Path, Path, Path]) -> Iterator[FakeProvider]:
    p = FakeProvider(fake_tls[1], fake_tls[2])
    p.default.reply = "Local model here."
    yield p
    p.close()


@pytest.fixture(autouse=True)
def _clean(fb: FakeProvider, local: FakeProvider) -> None:
    fb.reset()
    local.reset()


def _config(
    fake: FakeProvider, fb: FakeProvider, local: FakeProvider, ca: Path, tmp: Path, **extra: object
) -> dict:
    key_file = tmp / "fallback.key"
    key_file.write_text(FB_KEY + "\n")
    return {
        "upstream_ca": str(ca),
        "providers": {
            "openai": {"upstream": fake.url},
            "anthropic": {"upstream": fake.url},
            "groq": {"upstream": f"https://127.0.0.1:{_closed_port()}"},
        },
        "detectors": {"custom": ["tests.e2e.health_recognizer:NHSNumberRecognizer"]},
        "policy": {
            "reroute": {"UK_NHS": "local"},
            "actions": {"pii": "redact", "secret": "redact", "PROMPT_INJECTION": "block"},
        },
        "routes": [
            {
                "name": "openai",
                "match": {"provider": "openai"},
                "read_timeout": 1.5,
                "fallbacks": [
                    {
                        "provider": "anthropic",
                        "model": "claude-fb",
                        "upstream": fb.url,
                        "api_key_file": str(key_file),
                    }
                ],
            },
            {
                "name": "anthropic",
                "match": {"provider": "anthropic"},
                "read_timeout": 1.5,
                "fallbacks": [
                    {
                        "provider": "openai",
                        "model": "gpt-fb",
                        "upstream": fb.url,
                        "api_key_file": str(key_file),
                    }
                ],
            },
            {
                "name": "groq",
                "match": {"provider": "groq"},
                "connect_timeout": 2,
                "fallbacks": [
                    {
                        "provider": "anthropic",
                        "model": "claude-fb",
                        "upstream": fb.url,
                        "api_key_file": str(key_file),
                    }
                ],
            },
            {
                "name": "local",
                "fallbacks": [
                    {"provider": "ollama", "model": "llama-local", "upstream": local.url}
                ],
            },
        ],
        **extra,
    }


@pytest.fixture(scope="module")
def routed(
    tmp_path_factory: pytest.TempPathFactory,
    fake: FakeProvider,
    fb: FakeProvider,
    local: FakeProvider,
    fake_tls: tuple,
) -> Iterator[Proxy]:
    home = tmp_path_factory.mktemp("routed")
    # A breaker that never opens on its own here; its own test below uses a second proxy.
    p = start_proxy(home, _config(fake, fb, local, fake_tls[0], home, breaker={"failures": 1000}))
    yield p
    p.stop()


def _records(proxy: Proxy) -> list[dict]:
    with sqlite3.connect(proxy.audit_db) as db:
        return [json.loads(r[0]) for r in db.execute("select record from records order by seq")]


def _last_response_record(proxy: Proxy) -> dict:
    return [r for r in _records(proxy) if r["kind"] == "response"][-1]


def _no_app_credential(fb: FakeProvider) -> None:
    for received in fb.received:
        blob = json.dumps(received.headers) + received.body.decode()
        assert not any(k in blob for k in APP_KEYS), (
            "the app's credential must never reach another provider"
        )


# --- OpenAI app, Anthropic fallback ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "trigger"), [(429, "status_429"), (503, "status_503"), (500, "status_500")]
)
def test_openai_app_gets_an_openai_answer_from_the_anthropic_fallback(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider, status: int, trigger: str
) -> None:
    fake.next(status=status, error_body={"error": {"message": "busy", "type": "server_error"}})
    fb.next(reply="Fallback says hi.")
    reply = openai_client(routed, max_retries=0).chat.completions.create(
        model="gpt-test",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
    )
    assert reply.choices[0].message.content == "Fallback says hi."
    assert reply.choices[0].finish_reason == "stop"
    sent = fb.received[-1]
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == FB_KEY and "authorization" not in sent.headers
    body = sent.json()
    assert (
        body["model"] == "claude-fb"
        and body["max_tokens"] == 4096
        and body["system"] == "Be brief."
    )
    _no_app_credential(fb)
    record = _last_response_record(routed)
    assert (
        record["extra"]["reroute"]["from"] == "openai"
        and record["extra"]["reroute"]["to"] == "anthropic"
    )
    assert record["extra"]["reroute"]["trigger"] == trigger
    assert [a["outcome"] for a in record["extra"]["reroute"]["attempts"]] == [trigger, "ok"]


def test_anthropic_529_falls_back_for_an_anthropic_app_to_an_openai_provider(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    fake.next(
        status=529,
        error_body={
            "type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"},
        },
    )
    fb.next(reply="From the OpenAI side.")
    msg = anthropic_client(routed, max_retries=0).messages.create(
        model="claude-test", max_tokens=64, system="S", messages=[{"role": "user", "content": "hi"}]
    )
    assert (
        msg.type == "message"
        and msg.content[0].text == "From the OpenAI side."
        and msg.stop_reason == "end_turn"
    )
    sent = fb.received[-1]
    assert (
        sent.path == "/v1/chat/completions" and sent.headers["authorization"] == f"Bearer {FB_KEY}"
    )
    assert sent.json()["messages"][0] == {"role": "system", "content": "S"}
    _no_app_credential(fb)


def test_a_hanging_primary_times_out_before_the_first_byte(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    fake.next(hang=3.0)
    fb.next(reply="Not hanging.")
    started = time.monotonic()
    reply = openai_client(routed, max_retries=0).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "Not hanging."
    assert time.monotonic() - started < 3.0
    assert _last_response_record(routed)["extra"]["reroute"]["trigger"] == "read_timeout"


def test_a_refused_connection_falls_back(routed: Proxy, fb: FakeProvider) -> None:
    fb.next(reply="Groq was down.")
    client = openai.OpenAI(
        api_key="sk-test-key",
        base_url="https://api.groq.com/openai/v1",
        max_retries=0,
        http_client=openai.DefaultHttpxClient(proxy=routed.url, verify=trust(routed)),
    )
    reply = client.chat.completions.create(
        model="llama-x", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "Groq was down."
    assert _last_response_record(routed)["extra"]["reroute"]["trigger"] == "connect_error"


@pytest.mark.parametrize("sdk", ["openai", "anthropic"])
def test_streams_are_translated_incrementally(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider, sdk: str
) -> None:
    words = " ".join(f"w{i}" for i in range(10))
    fake.next(status=503)
    fb.next(reply=words, delay=0.05)
    first_at = None
    if sdk == "openai":
        text = ""
        stream = openai_client(routed, max_retries=0).chat.completions.create(
            model="m",
            messages=[{"role": "user", "content": "go"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        usage = None
        for chunk in stream:
            first_at = first_at or time.monotonic()
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
            usage = chunk.usage or usage
        assert usage is not None and usage.completion_tokens == 7
        assert fb.received[-1].json()["stream"] is True and fb.received[-1].path == "/v1/messages"
    else:
        with anthropic_client(routed, max_retries=0).messages.stream(
            model="c", max_tokens=50, messages=[{"role": "user", "content": "go"}]
        ) as stream:
            for _ in stream:
                first_at = first_at or time.monotonic()
            final = stream.get_final_message()
        text = final.content[0].text
        assert final.stop_reason == "end_turn"
        assert fb.received[-1].path == "/v1/chat/completions"
    assert text == words
    assert first_at is not None and first_at < fb.last_event_sent_at, (
        "the fallback's stream must not be buffered"
    )


@pytest.mark.parametrize("stream", [False, True])
def test_tool_calls_round_trip_with_stable_ids(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider, stream: bool
) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
            },
        }
    ]
    client = openai_client(routed, max_retries=0)
    messages: list[dict] = [{"role": "user", "content": "balance?"}]
    fake.next(status=503)
    fb.next(tool_call=("lookup", {"q": "acct"}))
    if stream:
        calls: dict[int, dict] = {}
        finish = None
        for chunk in client.chat.completions.create(
            model="m", messages=messages, tools=tools, stream=True
        ):
            for tc in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
                slot = calls.setdefault(tc.index, {"id": None, "name": None, "arguments": ""})
                slot["id"] = tc.id or slot["id"]
                slot["name"] = (tc.function.name if tc.function else None) or slot["name"]
                slot["arguments"] += (tc.function.arguments or "") if tc.function else ""
            if chunk.choices and chunk.choices[0].finish_reason:
                finish = chunk.choices[0].finish_reason
        call = calls[0]
    else:
        reply = client.chat.completions.create(model="m", messages=messages, tools=tools)
        finish = reply.choices[0].finish_reason
        tc = reply.choices[0].message.tool_calls[0]
        call = {"id": tc.id, "name": tc.function.name, "arguments": tc.function.arguments}
    assert finish == "tool_calls"
    assert (
        call["id"] == map_id("toolu_fake1", "call_")
        and call["name"] == "lookup"
        and json.loads(call["arguments"]) == {"q": "acct"}
    )
    assert fb.received[-1].json()["tools"][0]["name"] == "lookup"
    # next turn: the tool result goes back; the primary fails again
    messages += [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call["id"],
                    "type": "function",
                    "function": {"name": "lookup", "arguments": call["arguments"]},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call["id"], "content": "10 EUR"},
    ]
    fake.next(status=503)
    fb.next(reply="You have 10 EUR.")
    final = client.chat.completions.create(model="m", messages=messages, tools=tools)
    assert final.choices[0].message.content == "You have 10 EUR."
    sent = fb.received[-1].json()["messages"]
    use = sent[1]["content"][0]
    result = sent[2]["content"][0]
    assert use["type"] == "tool_use" and result["type"] == "tool_result"
    assert use["id"] == result["tool_use_id"] == map_id(call["id"], "toolu_")


def test_a_fallback_stream_that_dies_midway_ends_with_an_error_event(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    fake.next(status=503)
    fb.next(reply="one two three four five six seven", cut_after=4)
    text = ""
    with pytest.raises(openai.APIError):
        for chunk in openai_client(routed, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "go"}], stream=True
        ):
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
    assert "seven" not in text


def test_non_retryable_statuses_are_not_rerouted(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    fake.next(status=400, error_body={"error": {"message": "bad", "type": "invalid_request_error"}})
    with pytest.raises(openai.BadRequestError):
        openai_client(routed, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
    fake.next(
        status=429,
        error_body={
            "error": {
                "message": "quota",
                "type": "insufficient_quota",
                "code": "insufficient_quota",
            }
        },
    )
    with pytest.raises(openai.RateLimitError):
        openai_client(routed, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
    assert fb.received == []


def test_non_movable_requests_are_not_rerouted(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    fake.next(
        status=503, error_body={"type": "error", "error": {"type": "api_error", "message": "down"}}
    )
    with pytest.raises(anthropic.InternalServerError) as err:
        anthropic_client(routed, max_retries=0).messages.create(
            model="c",
            max_tokens=20,
            messages=[
                {"role": "user", "content": "think"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": "hmm", "signature": "sig=="},
                        {"type": "text", "text": "ok"},
                    ],
                },
                {"role": "user", "content": "more"},
            ],
        )
    assert err.value.status_code == 503 and err.value.body["error"]["message"] == "down", (
        "the original error passes through"
    )
    assert fb.received == []
    record = _last_response_record(routed)
    assert record["extra"]["reroute"]["not_movable"] == "signed_reasoning"


@pytest.mark.parametrize("stream", [False, True])
def test_policy_routes_health_data_to_the_local_model(
    routed: Proxy, fake: FakeProvider, local: FakeProvider, stream: bool
) -> None:
    client = openai_client(routed, max_retries=0)
    content = f"Patient NHS number {NHS}, mail jane.doe@example.com: summarise the chart"
    if stream:
        text = "".join(
            c.choices[0].delta.content or ""
            for c in client.chat.completions.create(
                model="gpt-test", messages=[{"role": "user", "content": content}], stream=True
            )
            if c.choices
        )
    else:
        text = (
            client.chat.completions.create(
                model="gpt-test", messages=[{"role": "user", "content": content}]
            )
            .choices[0]
            .message.content
        )
    assert text == "Local model here."
    assert fake.received == [], "the primary never sees the request"
    sent = local.received[-1]
    assert sent.path == "/api/chat" and "authorization" not in sent.headers
    body = sent.json()
    assert body["model"] == "llama-local" and body["stream"] is stream
    assert NHS in body["messages"][0]["content"], (
        "the rerouted findings stay (that is the point of the local route)"
    )
    assert "jane.doe@example.com" not in body["messages"][0]["content"], (
        "other findings keep their action"
    )
    request_record = [r for r in _records(routed) if r["kind"] == "request"][-1]
    assert "reroute:UK_NHS:local" in request_record["rules"]
    assert _last_response_record(routed)["extra"]["reroute"]["to"] == "ollama"


def test_other_requests_still_go_to_the_primary(
    routed: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    reply = openai_client(routed).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "Hello from the fake provider."
    assert len(fake.received) == 1 and fb.received == []
    assert fake.received[0].headers["authorization"] == "Bearer sk-test-key"


# --- the breaker ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breaking(
    tmp_path_factory: pytest.TempPathFactory,
    fake: FakeProvider,
    fb: FakeProvider,
    local: FakeProvider,
    fake_tls: tuple,
) -> Iterator[Proxy]:
    home = tmp_path_factory.mktemp("breaking")
    p = start_proxy(
        home,
        _config(
            fake,
            fb,
            local,
            fake_tls[0],
            home,
            breaker={"failures": 2, "window": 30, "cooldown": 1.5},
        ),
    )
    yield p
    p.stop()


def test_the_breaker_opens_and_recovers(
    breaking: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    client = openai_client(breaking, max_retries=0)

    def ask() -> str:
        return (
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            .choices[0]
            .message.content
        )

    for _ in range(2):
        fake.next(status=503)
        assert (
            ask() == "Hello from the fake provider."
        )  # the fallback fake answers with its default
    assert len(fake.received) == 2
    assert ask() == "Hello from the fake provider."
    assert len(fake.received) == 2, "while open, the primary is skipped"
    assert (
        _last_response_record(breaking)["extra"]["reroute"]["attempts"][0]["outcome"]
        == "circuit_open"
    )
    assert len(fb.received) == 3
    time.sleep(1.6)
    assert ask() == "Hello from the fake provider."
    assert len(fake.received) == 3 and len(fb.received) == 3, (
        "the half-open probe went to the primary and closed it"
    )
    ask()
    assert len(fake.received) == 4
    log = breaking.log.read_text()
    assert "closed -> open" in log and "half_open -> closed" in log


def test_retry_after_opens_the_circuit_for_that_long(
    breaking: Proxy, fake: FakeProvider, fb: FakeProvider
) -> None:
    client = openai_client(breaking, max_retries=0)
    fake.next(status=429, headers={"retry-after": "1"})
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert len(fake.received) == 1 and len(fb.received) == 2
    time.sleep(1.1)
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert len(fake.received) == 2
