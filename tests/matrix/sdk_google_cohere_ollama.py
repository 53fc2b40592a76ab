"""Acceptance by the google-genai, cohere and ollama SDKs (no network).

Each real client is handed the rewritten bytes through an `httpx.MockTransport`, so the
SDK's own stream parser, converters and models read them; every event is also checked
against the SDK's strict pydantic type. Stream helpers return the text a client
assembles, so a secret split across deltas cannot hide from the matrix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx


def _transport(raw: bytes, ctype: str) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=raw, headers={"content-type": ctype})
    )


# --- google-genai ------------------------------------------------------------------------


def _genai(raw: bytes, ctype: str) -> Any:
    from google import genai
    from google.genai import types

    client = httpx.Client(transport=_transport(raw, ctype))
    return genai.Client(api_key="test-key", http_options=types.HttpOptions(httpx_client=client))


def _gemini_text(responses: list[Any]) -> str:
    out = []
    for response in responses:
        for cand in response.candidates or ():
            for part in (cand.content.parts if cand.content else None) or ():
                out.append(part.text or "")
                if part.function_call is not None:
                    out.append(json.dumps(part.function_call.args))
                    out.extend(a.string_value or "" for a in part.function_call.partial_args or ())
                if part.executable_code is not None:
                    out.append(part.executable_code.code or "")
                if part.code_execution_result is not None:
                    out.append(part.code_execution_result.output or "")
    return "".join(out)


def gemini_body(body: Any) -> None:
    from google.genai import types

    types.GenerateContentResponse.model_validate(body)
    _genai(json.dumps(body).encode(), "application/json").models.generate_content(
        model="gemini-test", contents="hi"
    )


def _sse_payloads(raw: bytes) -> Iterator[Any]:
    for event in raw.replace(b"\r\n", b"\n").split(b"\n\n"):
        data = [line[5:].strip() for line in event.split(b"\n") if line.startswith(b"data:")]
        if data:
            yield json.loads(b"\n".join(data))


def gemini_sse(raw: bytes) -> str:
    """Validate every event, then read the stream with the real client."""
    from google.genai import types

    validated = [types.GenerateContentResponse.model_validate(p) for p in _sse_payloads(raw)]
    client = _genai(raw, "text/event-stream")
    chunks = list(client.models.generate_content_stream(model="gemini-test", contents="hi"))
    assert len(chunks) == len(validated)
    # The SDK's converters drop Vertex-only fields (partialArgs): assemble from both.
    return _gemini_text(chunks) + "".join(
        a.string_value or ""
        for r in validated
        for c in r.candidates or ()
        for p in (c.content.parts or ())
        if p.function_call
        for a in p.function_call.partial_args or ()
    )


def gemini_array(raw: bytes) -> str:
    """The whole stream must be one JSON array of valid responses."""
    from google.genai import types

    elements = json.loads(raw)
    assert isinstance(elements, list)
    return _gemini_text([types.GenerateContentResponse.model_validate(e) for e in elements])


# --- cohere ------------------------------------------------------------------------------


def _cohere(raw: bytes, ctype: str) -> Any:
    import cohere

    return cohere.ClientV2(
        api_key="test-key", httpx_client=httpx.Client(transport=_transport(raw, ctype))
    )


def cohere_body(body: Any) -> None:
    import cohere

    cohere.ChatResponse.model_validate(body)
    _cohere(json.dumps(body).encode(), "application/json").chat(
        model="command-test", messages=[{"role": "user", "content": "hi"}]
    )


def cohere_stream(raw: bytes) -> str:
    """Validate every event as the v2 stream union, read the stream with the real client,
    and assemble answer, plan, tool-call arguments and citation texts."""
    from cohere.v2.types.v2chat_stream_response import V2ChatStreamResponse
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(V2ChatStreamResponse)
    payloads = list(_sse_payloads(raw))
    for payload in payloads:
        adapter.validate_python(payload)
    client = _cohere(raw, "text/event-stream")
    events = list(
        client.chat_stream(model="command-test", messages=[{"role": "user", "content": "hi"}])
    )
    assert len(events) == len(payloads)
    out: list[str] = []
    args: dict[int, str] = {}
    for ev in events:
        message = getattr(getattr(ev, "delta", None), "message", None)
        if ev.type in ("content-start", "content-delta") and message and message.content:
            out.append(message.content.text or "")
            out.append(getattr(message.content, "thinking", None) or "")
        elif ev.type == "tool-plan-delta" and message:
            out.append(message.tool_plan or "")
        elif ev.type in ("tool-call-start", "tool-call-delta") and message and message.tool_calls:
            fn = message.tool_calls.function
            args[ev.index or 0] = args.get(ev.index or 0, "") + ((fn.arguments or "") if fn else "")
        elif ev.type == "citation-start" and message and message.citations:
            out.append(message.citations.text or "")
        elif ev.type == "message-end":
            assert ev.delta is None or not ev.delta.error, "stream ended with an error"
    for value in args.values():
        json.loads(value)  # a client parses the assembled arguments
        out.append(value)
    return "".join(out)


# --- ollama ------------------------------------------------------------------------------


def _ollama(raw: bytes, ctype: str) -> Any:
    import ollama

    return ollama.Client(host="http://localhost:11434", transport=_transport(raw, ctype))


def ollama_chat_body(body: Any) -> None:
    import ollama

    ollama.ChatResponse.model_validate(body)
    _ollama(json.dumps(body).encode(), "application/json").chat(
        model="llama-test", messages=[], stream=False
    )


def ollama_generate_body(body: Any) -> None:
    import ollama

    ollama.GenerateResponse.model_validate(body)
    _ollama(json.dumps(body).encode(), "application/json").generate(
        model="llama-test", prompt="hi", stream=False
    )


def _ndjson(raw: bytes) -> list[Any]:
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def ollama_chat_stream(raw: bytes) -> str:
    import ollama

    for payload in _ndjson(raw):
        ollama.ChatResponse.model_validate(payload)
    out = []
    for part in _ollama(raw, "application/x-ndjson").chat(
        model="llama-test", messages=[], stream=True
    ):
        out.append(part.message.content or "")
        out.append(part.message.thinking or "")
        out.extend(json.dumps(call.function.arguments) for call in part.message.tool_calls or ())
    return "".join(out)


def ollama_generate_stream(raw: bytes) -> str:
    import ollama

    for payload in _ndjson(raw):
        ollama.GenerateResponse.model_validate(payload)
    out = []
    for part in _ollama(raw, "application/x-ndjson").generate(
        model="llama-test", prompt="hi", stream=True
    ):
        out.append(part.response or "")
        out.append(part.thinking or "")
    return "".join(out)
