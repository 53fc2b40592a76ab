"""Fallback and policy routing carried out by the addon, with httpx's mock transport in
place of the network (no live proxy, no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from mitmproxy.test import taddons

from llmwall.addon.fallback import Fallback
from llmwall.addon.firewall import Firewall
from llmwall.addon.flow_state import KEY
from llmwall.addon.runtime import Runtime, build_runtime
from llmwall.core.config import load_config
from tests.addon.test_firewall import KEY as OPENAI_KEY
from tests.addon.test_firewall import aio, chat_flow, send

ANTHROPIC_OK = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-x",
    "content": [{"type": "text", "text": "fallback answer"}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 3, "output_tokens": 2},
}
OLLAMA_OK = {
    "model": "llama-local",
    "message": {"role": "assistant", "content": "local answer"},
    "done": True,
    "done_reason": "stop",
}
CONFIG = """
routes:
  - name: chat
    match: {provider: openai}
    fallbacks:
      - {provider: anthropic, model: claude-x, api_key_env: LLMWALL_TEST_KEY}
  - name: local
    fallbacks:
      - {provider: ollama, model: llama-local, upstream: "http://ollama.internal:11434"}
policy:
  reroute: {IP_ADDRESS: local}
"""

Handler = Callable[[httpx.Request], httpx.Response]


class Upstreams:
    """Answers by host; records every request it was sent."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []
        self.answers: dict[str, Handler] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.answers[request.url.host](request)

    def hosts(self) -> list[str]:
        return [r.url.host for r in self.seen]


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("LLMWALL_TEST_KEY", "sk-ant-test-credential")
    (tmp_path / "config.yaml").write_text(CONFIG)
    rt = build_runtime(load_config(tmp_path / "config.yaml", home=tmp_path / "home"))
    yield rt
    rt.close()


@pytest.fixture
def upstreams() -> Upstreams:
    return Upstreams()


@pytest.fixture
def fw(runtime: Runtime, upstreams: Upstreams) -> Firewall:
    fw = Firewall(runtime)
    fw.fallback = Fallback(
        runtime.inspector, runtime.breaker, None, transport=httpx.MockTransport(upstreams)
    )
    return fw


def status(code: int, body: object | None = None) -> Handler:
    return lambda request: httpx.Response(code, json=body or {"error": {"message": "x"}})


def raises(exc: type[Exception]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("down", request=request)

    return handler


@aio
async def test_a_failing_primary_falls_back_translated(fw: Firewall, upstreams: Upstreams) -> None:
    upstreams.answers = {
        "api.openai.com": status(503),
        "api.anthropic.com": status(200, ANTHROPIC_OK),
    }
    with taddons.context(fw):
        flow = chat_flow(f"hello, my key is {OPENAI_KEY}")
        await send(fw, flow)
    assert upstreams.hosts() == ["api.openai.com", "api.anthropic.com"]
    sent = json.loads(upstreams.seen[1].content)
    assert sent["model"] == "claude-x" and OPENAI_KEY not in upstreams.seen[1].content.decode()
    assert "<OPENAI_API_KEY>" in json.dumps(sent)  # the redacted text is what moved
    headers = upstreams.seen[1].headers
    assert headers["x-api-key"] == "sk-ant-test-credential" and "authorization" not in headers
    assert flow.response is not None and flow.response.status_code == 200
    answer = json.loads(flow.response.content)
    assert answer["choices"][0]["message"]["content"] == "fallback answer"  # OpenAI shape
    summary = flow.metadata[KEY].reroute
    assert summary["trigger"] == "status_503" and summary["to"] == "anthropic"
    assert [a["outcome"] for a in summary["attempts"]] == ["status_503", "ok"]


@pytest.mark.parametrize(
    ("primary", "expected"),
    [
        (status(400), 400),  # the client's own mistake: never rerouted
        (status(429, {"error": {"code": "insufficient_quota"}}), 429),  # out of money
    ],
)
@aio
async def test_statuses_that_are_not_triggers_pass_through(
    fw: Firewall, upstreams: Upstreams, primary: Handler, expected: int
) -> None:
    upstreams.answers = {"api.openai.com": primary, "api.anthropic.com": status(200, ANTHROPIC_OK)}
    with taddons.context(fw):
        flow = chat_flow("hello")
        await send(fw, flow)
    assert upstreams.hosts() == ["api.openai.com"]
    assert flow.response is not None and flow.response.status_code == expected


@aio
async def test_no_upstream_answering_gets_a_provider_shaped_503(
    fw: Firewall, upstreams: Upstreams
) -> None:
    upstreams.answers = {
        "api.openai.com": raises(httpx.ConnectError),
        "api.anthropic.com": raises(httpx.ConnectTimeout),
    }
    with taddons.context(fw):
        flow = chat_flow("hello")
        await send(fw, flow)
    assert flow.response is not None and flow.response.status_code == 503
    assert json.loads(flow.response.content)["error"]["code"] == "llmwall_upstream_unavailable"
    assert flow.response.headers["x-should-retry"] == "false"
    assert flow.response.headers["x-llmwall-request-id"] == flow.metadata[KEY].exchange.request_id
    outcomes = [a["outcome"] for a in flow.metadata[KEY].reroute["attempts"]]
    assert outcomes == ["connect_error", "connect_timeout"]


@aio
async def test_an_open_circuit_is_skipped(fw: Firewall, upstreams: Upstreams) -> None:
    upstreams.answers = {
        "api.openai.com": status(503),
        "api.anthropic.com": status(200, ANTHROPIC_OK),
    }
    with taddons.context(fw):
        for _ in range(3):  # three failures open the primary's circuit
            await send(fw, chat_flow("hello"))
        upstreams.seen.clear()
        flow = chat_flow("hello")
        await send(fw, flow)
    assert upstreams.hosts() == ["api.anthropic.com"]
    assert flow.metadata[KEY].reroute["attempts"][0]["outcome"] == "circuit_open"


@aio
async def test_a_policy_route_never_contacts_the_primary(
    fw: Firewall, upstreams: Upstreams
) -> None:
    upstreams.answers = {"ollama.internal": status(200, OLLAMA_OK)}
    with taddons.context(fw):
        flow = chat_flow(f"server 10.20.30.40 is down, key {OPENAI_KEY}")
        await send(fw, flow)
    assert upstreams.hosts() == ["ollama.internal"]
    sent = upstreams.seen[0].content.decode()
    assert "10.20.30.40" in sent  # the finding that chose the local route goes there
    assert OPENAI_KEY not in sent and "<OPENAI_API_KEY>" in sent  # every other one is redacted
    assert json.loads(flow.response.content)["choices"][0]["message"]["content"] == "local answer"
    assert flow.metadata[KEY].reroute["trigger"] == "policy:IP_ADDRESS"


@aio
async def test_a_translated_request_the_policy_blocks_skips_that_target(
    fw: Firewall, upstreams: Upstreams, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmwall.core.judge import Judgement
    from llmwall.decision import Decision

    async def blocked(*args: object) -> Judgement:
        return Judgement(Decision.BLOCK, ("block:PROMPT_INJECTION:pi.x",))

    monkeypatch.setattr(fw.fallback.inspector, "inspect_translated", blocked)
    upstreams.answers = {"api.openai.com": status(503)}
    with taddons.context(fw):
        flow = chat_flow("hello")
        await send(fw, flow)
    assert upstreams.hosts() == ["api.openai.com"]  # the fallback was never sent
    outcomes = [a["outcome"] for a in flow.metadata[KEY].reroute["attempts"]]
    assert outcomes == ["status_503", "untranslatable"]
    assert flow.response is not None and flow.response.status_code == 503
