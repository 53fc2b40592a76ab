"""What looks like an LLM API the table does not know (positives beside look-alikes)."""

from __future__ import annotations

import pytest

from llmwall.routing.shadow import host_reason, request_reason


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("api.claude.ai", "name:claude"),
        ("gemini.google.com", "name:gemini"),
        ("llm-gateway.corp.example", "name:llm"),
        ("inference.internal.example", "name:inference"),
        ("api.newvendor.ai", "name:api.*.ai"),
        ("qwen-proxy.example.cn", "name:qwen"),
        ("portkey.example.com", "name:portkey"),
        ("example.com", None),
        ("www.example.ai", None),  # .ai alone is not enough
        ("work-together.org", None),
        ("allmail.example", None),
        ("10.0.0.5", None),
        ("ai", None),
    ],
)
def test_host_reason(host: str, reason: str | None) -> None:
    assert host_reason(host) == reason


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/v1/chat/completions", None, "path:chat/completions"),
        ("/openai/deployments/x/chat/completions?api-version=1", None, "path:chat/completions"),
        ("/v1/messages", None, "path:messages"),
        ("/v1beta/models/m:streamGenerateContent", None, "path:generateContent"),
        ("/api/chat", None, "path:ollama"),
        ("/model/x/converse-stream", None, "path:bedrock"),
        ("/v2/chat", None, "path:chat"),
        ("/x", b'{"model":"m","prompt":"p"}', "body:model+prompt"),
        ("/x", b' {"model":"m","contents":[]}', "body:model+contents"),
        ("/api/messages", None, None),  # a chat app's own API
        ("/inbox/messages", b'{"to":"x"}', None),
        ("/x", b'{"model":3,"messages":[]}', None),
        ("/x", b"not json", None),
    ],
)
def test_request_reason(path: str, body: bytes | None, reason: str | None) -> None:
    assert request_reason(path, body) == reason
