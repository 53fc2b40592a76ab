"""Parse Bedrock bodies and eventstreams the way boto3 does (no network).

botocore's own rest-json parser, fed the bedrock-runtime service model's output shapes,
reads non-stream bodies and wraps stream bodies in its `EventStream` (its binary
decoder checks both CRCs of every message and raises on exception messages). Claude
streams from InvokeModelWithResponseStream are also read through the anthropic SDK's
Bedrock stream decoder, the way `AnthropicBedrock` clients assemble them.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from functools import cache
from typing import Any

from botocore.model import OperationModel
from botocore.parsers import create_parser


@cache
def _client() -> Any:
    import botocore.session

    return botocore.session.get_session().create_client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )


def _op(name: str) -> OperationModel:
    return _client().meta.service_model.operation_model(name)


class _RawStream:
    """What botocore's `EventStream` reads from: `.stream()` yields network chunks."""

    def __init__(self, raw: bytes, seed: int = 7) -> None:
        self._raw, self._rng = raw, random.Random(seed)

    def stream(self) -> Iterator[bytes]:
        pos = 0
        while pos < len(self._raw):
            step = self._rng.randint(1, 64)
            yield self._raw[pos : pos + step]
            pos += step

    def close(self) -> None:
        pass


def _parse(operation: str, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    op = _op(operation)
    response = {
        "status_code": 200,
        "headers": headers or {"content-type": "application/json"},
        "body": body,
        "context": {"operation_name": operation},
    }
    parsed: dict[str, Any] = create_parser("rest-json").parse(response, op.output_shape)
    return parsed


# --- Converse --------------------------------------------------------------------------------


def converse_body(body: Any) -> str:
    parsed = _parse("Converse", json.dumps(body).encode())
    assert "ResponseMetadata" in parsed and "output" in parsed, (
        "botocore did not read a Converse response"
    )
    return _blocks_text(parsed["output"]["message"]["content"])


def _blocks_text(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"])
        if "toolUse" in block:
            out.append(json.dumps(block["toolUse"]["input"]))
        if "reasoningContent" in block:
            out.append(block["reasoningContent"].get("reasoningText", {}).get("text", ""))
        if "citationsContent" in block:
            out.extend(
                part.get("text", "") for part in block["citationsContent"].get("content", ())
            )
    return "".join(out)


def converse_stream(raw: bytes) -> str:
    """Assemble text and tool input per content block, as a ConverseStream client does."""
    events = _parse(
        "ConverseStream", _RawStream(raw), {"content-type": "application/vnd.amazon.eventstream"}
    )["stream"]
    text: dict[int, str] = {}
    tools: dict[int, str] = {}
    stopped = False
    for event in events:  # raises botocore EventStreamError on an exception message
        if "contentBlockDelta" in event:
            ev = event["contentBlockDelta"]
            delta, index = ev["delta"], ev["contentBlockIndex"]
            text[index] = text.get(index, "") + delta.get("text", "")
            if "toolUse" in delta:
                tools[index] = tools.get(index, "") + delta["toolUse"]["input"]
            if "reasoningContent" in delta:
                text[index] += delta["reasoningContent"].get("text", "")
        stopped = stopped or "messageStop" in event
    assert stopped, "the stream ended without messageStop"
    for value in tools.values():
        json.loads(value)  # a client parses the assembled tool input
    return "".join(text.values()) + "".join(tools.values())


# --- InvokeModel ----------------------------------------------------------------------------------


def invoke_body(body: Any) -> str:
    """InvokeModel's output `body` is a blob: read it as the SDK returns it, then parse
    the model-native JSON (Claude bodies through the anthropic SDK's `Message`)."""
    import io

    from botocore.response import StreamingBody

    raw = json.dumps(body).encode()
    parsed = _parse("InvokeModel", StreamingBody(io.BytesIO(raw), len(raw)))
    native = json.loads(parsed["body"].read())
    if native.get("type") == "message":
        from anthropic.types import Message

        message = Message.model_validate(native)
        return "".join(
            b.text if b.type == "text" else json.dumps(getattr(b, "input", ""))
            for b in message.content
        )
    return json.dumps(native, ensure_ascii=False)


def invoke_stream(raw: bytes) -> str:
    """Every chunk decoded as boto3 hands it over (`chunk.bytes`, base64 already undone),
    assembled per family."""
    events = _parse(
        "InvokeModelWithResponseStream",
        _RawStream(raw),
        {"content-type": "application/vnd.amazon.eventstream"},
    )["body"]
    out: list[str] = []
    tools: dict[int, str] = {}
    for event in events:
        chunk = json.loads(event["chunk"]["bytes"])
        if chunk.get("type") == "content_block_delta":
            delta = chunk["delta"]
            out.append(delta.get("text", ""))
            if delta.get("type") == "input_json_delta":
                tools[chunk["index"]] = tools.get(chunk["index"], "") + delta["partial_json"]
        elif "contentBlockDelta" in chunk:
            delta = chunk["contentBlockDelta"]["delta"]
            out.append(delta.get("text", ""))
            if "toolUse" in delta:
                index = chunk["contentBlockDelta"]["contentBlockIndex"]
                tools[index] = tools.get(index, "") + delta["toolUse"]["input"]
        else:
            for key in ("generation", "outputText", "text"):
                if isinstance(chunk.get(key), str):
                    out.append(chunk[key])
            for part in chunk.get("outputs") or ():
                out.append(part.get("text", ""))
            for choice in chunk.get("choices") or ():
                out.append((choice.get("delta") or {}).get("content") or "")
    for value in tools.values():
        json.loads(value)
    return "".join(out) + "".join(tools.values())


def invoke_claude_stream(raw: bytes) -> str:
    """Claude on InvokeModelWithResponseStream through the anthropic SDK's Bedrock
    stream (botocore eventstream decoder + `MessageStream` accumulation)."""
    import anthropic
    import httpx2 as httpx
    from anthropic.lib.bedrock._stream import BedrockStream
    from anthropic.lib.streaming import MessageStream

    invoke_stream(raw)  # boto3 reads it too
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-test/invoke-with-response-stream"
    response = httpx.Response(
        200,
        content=raw,
        headers={"content-type": "application/vnd.amazon.eventstream"},
        request=httpx.Request("POST", url),
    )
    client = anthropic.Anthropic(
        api_key="sk-ant-test", base_url="https://bedrock-runtime.us-east-1.amazonaws.com"
    )
    stream = BedrockStream(
        cast_to=anthropic.types.RawMessageStreamEvent, response=response, client=client
    )
    message = MessageStream(stream, anthropic.NOT_GIVEN).get_final_message()
    return "".join(
        b.text if b.type == "text" else json.dumps(b.input)
        for b in message.content
        if b.type in ("text", "tool_use")
    )


def wrap_chunk(event: Any) -> dict[str, str]:
    """The `chunk` payload Bedrock sends for one model-native stream event."""
    return {"bytes": base64.b64encode(json.dumps(event).encode()).decode()}
