"""Requests as the providers' real SDKs put them on the wire, captured with a mock
transport (no network), and the SDKs' parse of what llmwall sends back.

    openai_request(lambda client: client.files.create(...)) -> (path, Wire)
    openai_parse(lambda client: client.files.create(...), body) -> the SDK's object

The capture answers every call with `reply` (a minimal valid answer), so the SDK call
returns; the parse answers with the rewritten body, so a body the SDK rejects fails
the case.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import httpx2

from tests.matrix.wire import Wire

Call = Callable[[Any], Any]


def _wire(request: Any) -> tuple[str, Wire]:
    headers = tuple(
        (k, v) for k, v in request.headers.items() if k.lower() not in ("content-type",)
    )
    return request.url.path, Wire(
        request.content if hasattr(request, "content") else request.read(),
        request.headers.get("content-type", ""),
        request.url.query.decode() if isinstance(request.url.query, bytes) else request.url.query,
        headers,
    )


def openai_request(call: Call, reply: Any = None) -> tuple[str, Wire]:
    import openai

    seen: list[Any] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        seen.append(request)
        return httpx2.Response(200, json=reply if reply is not None else {"id": "x", "object": "x"})

    client = openai.OpenAI(
        api_key="sk-test",
        base_url="https://api.openai.com/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        max_retries=0,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Assistants
            call(client)
    except Exception:
        if not seen:
            raise
    return _wire(seen[0])


def openai_parse(call: Call, body: bytes, ctype: str = "application/json") -> Any:
    import openai

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": ctype})

    client = openai.OpenAI(
        api_key="sk-test",
        base_url="https://api.openai.com/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        max_retries=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(client)


def anthropic_request(call: Call, reply: Any = None) -> tuple[str, Wire]:
    import anthropic

    seen: list[Any] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        seen.append(request)
        return httpx2.Response(200, json=reply if reply is not None else {"id": "x", "type": "x"})

    client = anthropic.Anthropic(
        api_key="sk-ant-test",
        base_url="https://api.anthropic.com",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        max_retries=0,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Assistants
            call(client)
    except Exception:
        if not seen:
            raise
    return _wire(seen[0])


def anthropic_parse(call: Call, body: bytes, ctype: str = "application/json") -> Any:
    import anthropic

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": ctype})

    client = anthropic.Anthropic(
        api_key="sk-ant-test",
        base_url="https://api.anthropic.com",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        max_retries=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(client)


def genai_requests(
    call: Call, replies: list[tuple[dict[str, str], Any]] | None = None
) -> list[tuple[str, Wire]]:
    """Every request of a google-genai call (a file upload is two: start, then bytes)."""
    from google import genai
    from google.genai import types

    seen: list[httpx.Request] = []
    answers = list(replies or [])

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        headers, body = answers.pop(0) if answers else ({}, {"name": "x"})
        return httpx.Response(200, json=body, headers=headers)

    client = genai.Client(
        api_key="AIza-test",
        http_options=types.HttpOptions(
            base_url="https://generativelanguage.googleapis.com",
            httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
        ),
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Assistants
            call(client)
    except Exception:
        if not seen:
            raise
    return [_wire(r) for r in seen]


def genai_parse(call: Call, body: bytes) -> Any:
    from google import genai
    from google.genai import types

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    client = genai.Client(
        api_key="AIza-test",
        http_options=types.HttpOptions(
            base_url="https://generativelanguage.googleapis.com",
            httpx_client=httpx.Client(transport=httpx.MockTransport(handler)),
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(client)


def dumps(obj: Any) -> bytes:
    return json.dumps(obj).encode()
