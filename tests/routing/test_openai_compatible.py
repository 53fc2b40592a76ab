"""Azure OpenAI and the OpenAI-compatible providers: routing by host and path, and the
stream quirks their Chat Completions streams add (comments, keep-alives, Azure filter
chunks, reasoning deltas, error chunks)."""

from __future__ import annotations

import json
import re

import pytest

from llmwall.core.policy import load_policy
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.finding import Finding
from llmwall.routing.dialects import get
from llmwall.routing.dialects.openai_chat import DIALECT as CHAT
from llmwall.routing.providers import ProviderTable
from tests.matrix.sdk import openai_chat_stream

SECRET = re.compile(r"SECRET-[A-Z0-9]{12}")

ROUTES = [
    # host, path (with query), provider, dialect
    ("api.openai.com", "/v1/responses", "openai", "openai_responses"),
    ("api.openai.com", "/v1/completions", "openai", "openai_completions"),
    ("api.openai.com", "/v1/embeddings", "openai", "openai_embeddings"),
    (
        "res.openai.azure.com",
        "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        "azure",
        "openai_chat",
    ),
    (
        "res.openai.azure.com",
        "/openai/deployments/inst/completions?api-version=2024-10-21",
        "azure",
        "openai_completions",
    ),
    (
        "res.openai.azure.com",
        "/openai/deployments/emb/embeddings?api-version=2024-10-21",
        "azure",
        "openai_embeddings",
    ),
    (
        "res.openai.azure.com",
        "/openai/responses?api-version=2025-04-01-preview",
        "azure",
        "openai_responses",
    ),
    ("res.openai.azure.com", "/openai/v1/chat/completions", "azure", "openai_chat"),
    ("res.openai.azure.com", "/openai/v1/responses", "azure", "openai_responses"),
    ("res.openai.azure.com", "/openai/v1/embeddings", "azure", "openai_embeddings"),
    (
        "res.cognitiveservices.azure.com",
        "/openai/deployments/d/chat/completions?api-version=2024-10-21",
        "azure",
        "openai_chat",
    ),
    ("api.mistral.ai", "/v1/chat/completions", "mistral", "openai_chat"),
    ("api.mistral.ai", "/v1/embeddings", "mistral", "openai_embeddings"),
    ("api.groq.com", "/openai/v1/chat/completions", "groq", "openai_chat"),
    ("api.groq.com", "/openai/v1/responses", "groq", "openai_responses"),
    ("api.together.xyz", "/v1/completions", "together", "openai_completions"),
    ("api.fireworks.ai", "/inference/v1/chat/completions", "fireworks", "openai_chat"),
    ("api.deepseek.com", "/chat/completions", "deepseek", "openai_chat"),
    ("api.deepseek.com", "/v1/chat/completions", "deepseek", "openai_chat"),
    ("openrouter.ai", "/api/v1/chat/completions", "openrouter", "openai_chat"),
    ("openrouter.ai", "/api/v1/responses", "openrouter", "openai_responses"),
    ("api.x.ai", "/v1/responses", "xai", "openai_responses"),
]


@pytest.mark.parametrize(("host", "path", "provider", "dialect"), ROUTES)
def test_routes(host: str, path: str, provider: str, dialect: str) -> None:
    match = ProviderTable().identify(host, path)
    assert match is not None and match.provider.name == provider
    assert match.endpoint is not None and match.endpoint.dialect == dialect
    assert get(dialect) is not None


def test_azure_takes_the_api_key_header() -> None:
    azure = ProviderTable().provider("azure")
    assert azure is not None and "api-key" in azure.auth_headers


def _scan(text: str, indirect: bool) -> tuple[Finding, ...]:
    return tuple(
        Finding("OPENAI_API_KEY", m.start(), m.end(), 1.0, "Fake", "secret.openai_key")
        for m in SECRET.finditer(text)
    )


def _chunk(delta: dict | None = None, finish: str | None = None, **extra: object) -> bytes:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": choices,
        **extra,
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def _words(key: str = "content", secret: str = "SECRET-ABCDEF123456") -> list[bytes]:
    text = f"the key {secret} was in the config file, and more words follow it here."
    return [_chunk({key: text[i : i + 4]}) for i in range(0, len(text), 4)]


_FILTERS = {"hate": {"filtered": False, "severity": "safe"}}
QUIRKS = [
    (
        "sse comments (openrouter, deepseek)",
        [
            b": OPENROUTER PROCESSING\n\n",
            _chunk({"role": "assistant", "content": ""}),
            b": keep-alive\n\n",
            *_words(),
            _chunk({}, "stop"),
            b"data: [DONE]\n\n",
        ],
    ),
    (
        "azure prompt filter chunk with empty choices",
        [
            _chunk(
                None,
                prompt_filter_results=[{"prompt_index": 0, "content_filter_results": _FILTERS}],
            ),
            *_words(),
            _chunk({}, "stop"),
            b"data: [DONE]\n\n",
        ],
    ),
    (
        "azure content_filter_results on choices",
        [
            *(
                c.replace(
                    b'"finish_reason": null', b'"finish_reason": null, "content_filter_results": {}'
                )
                for c in _words()
            ),
            _chunk({}, "content_filter"),
            b"data: [DONE]\n\n",
        ],
    ),
    (
        "reasoning_content deltas (deepseek)",
        [*_words("reasoning_content"), *_words(), _chunk({}, "stop"), b"data: [DONE]\n\n"],
    ),
    (
        "usage chunk",
        [
            *_words(),
            _chunk({}, "stop"),
            _chunk(None, usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}),
            b"data: [DONE]\n\n",
        ],
    ),
]


def _run(chunks: list[bytes], step: int) -> tuple[bytes, StreamInspector]:
    inspector = StreamInspector(CHAT.stream, _scan, load_policy(None), holdback=16)
    raw = b"".join(chunks)
    return b"".join(inspector(raw[i : i + step]) for i in range(0, len(raw), step)) + inspector(
        b""
    ), inspector


@pytest.mark.parametrize("step", [3, 50])
@pytest.mark.parametrize("chunks", [q[1] for q in QUIRKS], ids=[q[0] for q in QUIRKS])
def test_compatible_stream_quirks(chunks: list[bytes], step: int) -> None:
    out, inspector = _run(chunks, step)
    assert b"SECRET-ABCDEF123456" not in out
    assert inspector.stats.completed and not inspector.stats.truncated
    text = openai_chat_stream(out)  # the SDK still accepts it
    assert "SECRET" not in text and "<OPENAI_API_KEY>" in text
    if b": keep-alive" in b"".join(chunks):
        assert b": keep-alive" in out and b": OPENROUTER PROCESSING" in out


def test_openrouter_mid_stream_error_chunk_ends_the_stream() -> None:
    error = {"code": 502, "message": "upstream down"}
    chunks = [
        *_words(secret="nothing"),
        _chunk({"content": ""}, "error", error=error),
        b"data: [DONE]\n\n",
    ]
    out, inspector = _run(chunks, 7)
    assert inspector.stats.upstream_error and inspector.stats.completed
    assert b"upstream down" in out
