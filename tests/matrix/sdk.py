"""Parse bodies and streams with the providers' real Python SDKs (no network)."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx  # the openai and anthropic SDKs are built on httpx2


def _response(raw: bytes, url: str, ctype: str = "text/event-stream") -> httpx.Response:
    return httpx.Response(
        200, content=raw, headers={"content-type": ctype}, request=httpx.Request("POST", url)
    )


def openai_chat_body(body: Any) -> None:
    from openai.types.chat import ChatCompletion

    ChatCompletion.model_validate(body)


def openai_chat_stream(raw: bytes) -> str:
    """Assemble content, refusal and tool-call arguments the way a client does."""
    import openai
    from openai.types.chat import ChatCompletionChunk

    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    stream = openai.Stream(
        cast_to=ChatCompletionChunk,
        response=_response(raw, "https://api.openai.com/v1/chat/completions"),
        client=client,
    )
    parts: list[str] = []
    args: dict[tuple[int, int], str] = {}
    for chunk in stream:
        for choice in chunk.choices:
            d = choice.delta
            parts.append(d.content or "")
            parts.append(d.refusal or "")
            for call in d.tool_calls or ():
                key = (choice.index, call.index)
                args[key] = args.get(key, "") + (
                    (call.function.arguments or "") if call.function else ""
                )
    for value in args.values():
        json.loads(value)  # a client parses the assembled arguments
        parts.append(value)
    return "".join(parts)


def anthropic_body(body: Any) -> None:
    from anthropic.types import Message

    Message.model_validate(body)


def anthropic_stream(raw: bytes) -> str:
    import anthropic
    from anthropic.lib.streaming import MessageStream

    client = anthropic.Anthropic(api_key="sk-ant-test", base_url="https://api.anthropic.com")
    raw_stream = anthropic.Stream(
        cast_to=anthropic.types.RawMessageStreamEvent,
        response=_response(raw, "https://api.anthropic.com/v1/messages"),
        client=client,
    )
    message = MessageStream(raw_stream, anthropic.NOT_GIVEN).get_final_message()
    out = []
    for block in message.content:
        if block.type == "text":
            out.append(block.text)
        elif block.type == "tool_use":
            out.append(json.dumps(block.input))
    return "".join(out)
