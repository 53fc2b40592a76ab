"""Coverage cases for OpenAI legacy Completions (also Azure deployments, Together, ...)."""

from __future__ import annotations

import json
from typing import Any

from tests.matrix.harness import Case

D = "openai_completions"


def _req(**fields: object) -> dict:
    return {"model": "gpt-test-instruct", "max_tokens": 16, **fields}


def accept_request(body: Any) -> None:
    import pydantic
    from openai.types.completion_create_params import CompletionCreateParamsNonStreaming

    pydantic.TypeAdapter(CompletionCreateParamsNonStreaming).validate_python(body)


def _resp(*texts: str) -> dict:
    choices = [
        {"index": i, "text": t, "logprobs": None, "finish_reason": "stop"}
        for i, t in enumerate(texts)
    ]
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "gpt-test-instruct",
        "choices": choices,
    }


def accept_body(body: Any) -> None:
    from openai.types import Completion

    Completion.model_validate(body)


def _stream(secret: str) -> list[bytes]:
    words = f"Here is the key you asked for: {secret} keep it safe, it was in the config."
    env = {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "gpt-test-instruct"}
    chunks = [
        {
            **env,
            "choices": [
                {"index": 0, "text": words[i : i + 5], "logprobs": None, "finish_reason": None}
            ],
        }
        for i in range(0, len(words), 5)
    ]
    chunks.append(
        {**env, "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"}]}
    )
    return [*(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks), b"data: [DONE]\n\n"]


def accept_stream(raw: bytes) -> str:
    import httpx2 as httpx
    import openai
    from openai.types import Completion

    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    http = httpx.Response(
        200,
        content=raw,
        headers={"content-type": "text/event-stream"},
        request=httpx.Request("POST", "https://api.openai.com/v1/completions"),
    )
    texts: dict[int, str] = {}
    for chunk in openai.Stream(cast_to=Completion, response=http, client=client):
        for choice in chunk.choices:
            texts[choice.index] = texts.get(choice.index, "") + choice.text
    return "".join(texts.values())


CASES = [
    Case(D, "prompt (string)", "request", False, lambda s: _req(prompt=f"key {s}"), accept_request),
    Case(
        D,
        "prompt[] (strings)",
        "request",
        False,
        lambda s: _req(prompt=["hello", f"key {s}"]),
        accept_request,
    ),
    Case(
        D,
        "suffix",
        "request",
        False,
        lambda s: _req(prompt="def f():", suffix=f"# key {s}"),
        accept_request,
    ),
    Case(D, "choices[].text", "response", False, lambda s: _resp("ok", f"key {s}"), accept_body),
    Case(D, "choices[].text (stream)", "response", True, _stream, accept_stream),
]
