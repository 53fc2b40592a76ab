"""Coverage cases for Bedrock InvokeModel / InvokeModelWithResponseStream, per model family.

Stream cases carry their text base64-encoded inside `chunk` events: the matrix checks
the text boto3 / the anthropic SDK assemble from them (their `accept` returns it).
"""

from __future__ import annotations

import json
from typing import Any

from llmwall.routing.framing.eventstream import event_message
from tests.matrix import sdk_bedrock
from tests.matrix.harness import Case

D = "bedrock_invoke"
_METRICS = {
    "amazon-bedrock-invocationMetrics": {
        "inputTokenCount": 5,
        "outputTokenCount": 9,
        "invocationLatency": 100,
        "firstByteLatency": 20,
    }
}


def _claude(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 100,
        "messages": messages,
        **extra,
    }


def _cuser(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def _nova(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "schemaVersion": "messages-v1",
        "messages": [{"role": "user", "content": list(blocks)}],
        "inferenceConfig": {"maxTokens": 100},
        **extra,
    }


def _claude_resp(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "msg_bdrk_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": list(blocks),
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def chunks(events: list[dict[str, Any]]) -> list[bytes]:
    """Model-native events, each base64-wrapped in a `chunk` message; metrics on the last."""
    events = [dict(e) for e in events]
    events[-1].update(_METRICS)
    return [event_message("chunk", sdk_bedrock.wrap_chunk(e)) for e in events]


def claude_stream(blocks: list[tuple[str, str]]) -> list[bytes]:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_bdrk_1",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": "claude-test",
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 1},
        },
    }
    events = [start]
    for i, (kind, text) in enumerate(blocks):
        if kind == "text":
            events.append(
                {
                    "type": "content_block_start",
                    "index": i,
                    "content_block": {"type": "text", "text": ""},
                }
            )
            events += [
                {
                    "type": "content_block_delta",
                    "index": i,
                    "delta": {"type": "text_delta", "text": p},
                }
                for p in _split(text)
            ]
        else:
            events.append(
                {
                    "type": "content_block_start",
                    "index": i,
                    "content_block": {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "lookup",
                        "input": {},
                    },
                }
            )
            events += [
                {
                    "type": "content_block_delta",
                    "index": i,
                    "delta": {"type": "input_json_delta", "partial_json": p},
                }
                for p in _split(text, 3)
            ]
        events.append({"type": "content_block_stop", "index": i})
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 20},
        }
    )
    events.append({"type": "message_stop"})
    return chunks(events)


def nova_stream(blocks: list[tuple[str, str]]) -> list[bytes]:
    events: list[dict[str, Any]] = [{"messageStart": {"role": "assistant"}}]
    for i, (kind, text) in enumerate(blocks):
        if kind == "text":
            events += [
                {"contentBlockDelta": {"delta": {"text": p}, "contentBlockIndex": i}}
                for p in _split(text)
            ]
        else:
            events.append(
                {
                    "contentBlockStart": {
                        "start": {"toolUse": {"toolUseId": "t1", "name": "lookup"}},
                        "contentBlockIndex": i,
                    }
                }
            )
            events += [
                {"contentBlockDelta": {"delta": {"toolUse": {"input": p}}, "contentBlockIndex": i}}
                for p in _split(text, 3)
            ]
        events.append({"contentBlockStop": {"contentBlockIndex": i}})
    events.append({"messageStop": {"stopReason": "end_turn"}})
    events.append({"metadata": {"usage": {"inputTokens": 5, "outputTokens": 9}}})
    return chunks(events)


def llama_stream(text: str) -> list[bytes]:
    parts = _split(text)
    events = [
        {
            "generation": p,
            "prompt_token_count": None,
            "generation_token_count": i + 1,
            "stop_reason": None,
        }
        for i, p in enumerate(parts)
    ]
    events.append(
        {
            "generation": "",
            "prompt_token_count": 5,
            "generation_token_count": len(parts),
            "stop_reason": "stop",
        }
    )
    return chunks(events)


def titan_stream(text: str) -> list[bytes]:
    events = [
        {
            "outputText": p,
            "index": 0,
            "totalOutputTextTokenCount": None,
            "completionReason": None,
            "inputTextTokenCount": 5,
        }
        for p in _split(text)
    ]
    events.append(
        {
            "outputText": "",
            "index": 0,
            "totalOutputTextTokenCount": 9,
            "completionReason": "FINISH",
            "inputTextTokenCount": 5,
        }
    )
    return chunks(events)


def mistral_stream(text: str) -> list[bytes]:
    events = [{"outputs": [{"text": p, "stop_reason": None}]} for p in _split(text)]
    events.append({"outputs": [{"text": "", "stop_reason": "stop"}]})
    return chunks(events)


def cohere_stream(text: str) -> list[bytes]:
    events: list[dict[str, Any]] = [
        {"is_finished": False, "event_type": "stream-start", "generation_id": "g1"}
    ]
    events += [
        {"is_finished": False, "event_type": "text-generation", "text": p} for p in _split(text)
    ]
    events.append(
        {
            "is_finished": True,
            "event_type": "stream-end",
            "finish_reason": "COMPLETE",
            "response": {
                "response_id": "r1",
                "text": text,
                "generation_id": "g1",
                "finish_reason": "COMPLETE",
            },
        }
    )
    return chunks(events)


_SAY = "Here is the key: {s} and more words after it to flow."

CASES = [
    # Anthropic Claude (Messages body with anthropic_version)
    Case(
        D,
        "claude: system[].text",
        "request",
        False,
        lambda s: _claude(
            [_cuser({"type": "text", "text": "hi"})], system=[{"type": "text", "text": f"k {s}"}]
        ),
    ),
    Case(
        D,
        "claude: system (string)",
        "request",
        False,
        lambda s: _claude([_cuser({"type": "text", "text": "hi"})], system=f"k {s}"),
    ),
    Case(
        D,
        "claude: messages[].content[].text",
        "request",
        False,
        lambda s: _claude([_cuser({"type": "text", "text": f"key {s}"})]),
    ),
    Case(
        D,
        "claude: messages[].content (string)",
        "request",
        False,
        lambda s: _claude([{"role": "user", "content": f"key {s}"}]),
    ),
    Case(
        D,
        "claude: messages[].content[].input (tool_use)",
        "request",
        False,
        lambda s: _claude(
            [
                {
                    "role": "assistant",
                    "content": [
                        {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"q": [s]}}
                    ],
                }
            ]
        ),
    ),
    Case(
        D,
        "claude: messages[].content[].content[].text (tool_result)",
        "request",
        False,
        lambda s: _claude(
            [
                _cuser(
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [{"type": "text", "text": f"out {s}"}],
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "claude: messages[].content[].source.data (text document)",
        "request",
        False,
        lambda s: _claude(
            [
                _cuser(
                    {
                        "type": "document",
                        "source": {"type": "text", "media_type": "text/plain", "data": f"doc {s}"},
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "claude: tools[].description",
        "request",
        False,
        lambda s: _claude(
            [_cuser({"type": "text", "text": "hi"})],
            tools=[{"name": "f", "description": f"uses {s}", "input_schema": {"type": "object"}}],
        ),
    ),
    Case(
        D,
        "claude: content[].text",
        "response",
        False,
        lambda s: _claude_resp({"type": "text", "text": f"key {s}"}),
        sdk_bedrock.invoke_body,
    ),
    Case(
        D,
        "claude: content[].input (tool_use)",
        "response",
        False,
        lambda s: _claude_resp(
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"k": s}}
        ),
        sdk_bedrock.invoke_body,
    ),
    # Amazon Nova (Converse-shaped blocks)
    Case(
        D,
        "nova: system[].text",
        "request",
        False,
        lambda s: _nova({"text": "hi"}, system=[{"text": f"k {s}"}]),
    ),
    Case(
        D,
        "nova: messages[].content[].text",
        "request",
        False,
        lambda s: _nova({"text": f"key {s}"}),
    ),
    Case(
        D,
        "nova: messages[].content[].toolResult.content[].text",
        "request",
        False,
        lambda s: _nova({"toolResult": {"toolUseId": "t1", "content": [{"text": f"out {s}"}]}}),
    ),
    Case(
        D,
        "nova: toolConfig.tools[].toolSpec.description",
        "request",
        False,
        lambda s: _nova(
            {"text": "hi"},
            toolConfig={
                "tools": [
                    {
                        "toolSpec": {
                            "name": "f",
                            "description": f"uses {s}",
                            "inputSchema": {"json": {"type": "object"}},
                        }
                    }
                ]
            },
        ),
    ),
    Case(
        D,
        "nova: output.message.content[].text",
        "response",
        False,
        lambda s: {
            "output": {"message": {"role": "assistant", "content": [{"text": f"key {s}"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3},
        },
        sdk_bedrock.invoke_body,
    ),
    # OpenAI-shaped chat (Mistral Large, gpt-oss, Jamba)
    Case(
        D,
        "openai-shaped: messages[].content",
        "request",
        False,
        lambda s: {
            "messages": [
                {"role": "system", "content": "be terse"},
                {"role": "user", "content": f"key {s}"},
            ],
            "max_tokens": 50,
        },
    ),
    Case(
        D,
        "openai-shaped: choices[].message.content",
        "response",
        False,
        lambda s: {
            "id": "c1",
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"key {s}"},
                    "finish_reason": "stop",
                }
            ],
        },
        sdk_bedrock.invoke_body,
    ),
    # Text-completion families
    Case(
        D,
        "llama/mistral: prompt",
        "request",
        False,
        lambda s: {"prompt": f"Summarise: key {s}", "max_gen_len": 50},
    ),
    Case(
        D,
        "llama: generation",
        "response",
        False,
        lambda s: {
            "generation": f"key {s}",
            "prompt_token_count": 5,
            "generation_token_count": 9,
            "stop_reason": "stop",
        },
        sdk_bedrock.invoke_body,
    ),
    Case(
        D,
        "mistral: outputs[].text",
        "response",
        False,
        lambda s: {"outputs": [{"text": f"key {s}", "stop_reason": "stop"}]},
        sdk_bedrock.invoke_body,
    ),
    Case(
        D,
        "titan: inputText",
        "request",
        False,
        lambda s: {"inputText": f"key {s}", "textGenerationConfig": {"maxTokenCount": 50}},
    ),
    Case(
        D,
        "titan: results[].outputText",
        "response",
        False,
        lambda s: {
            "inputTextTokenCount": 5,
            "results": [{"tokenCount": 9, "outputText": f"key {s}", "completionReason": "FINISH"}],
        },
        sdk_bedrock.invoke_body,
    ),
    # Cohere Command R and embed
    Case(
        D, "cohere: message", "request", False, lambda s: {"message": f"key {s}", "max_tokens": 50}
    ),
    Case(
        D,
        "cohere: chat_history[].message",
        "request",
        False,
        lambda s: {
            "message": "hi",
            "chat_history": [
                {"role": "USER", "message": f"key {s}"},
                {"role": "CHATBOT", "message": "ok"},
            ],
        },
    ),
    Case(
        D, "cohere: preamble", "request", False, lambda s: {"message": "hi", "preamble": f"key {s}"}
    ),
    Case(
        D,
        "cohere: documents[] (leaves)",
        "request",
        False,
        lambda s: {"message": "hi", "documents": [{"title": "t", "snippet": f"doc {s}"}]},
    ),
    Case(
        D,
        "cohere: tool_results[].outputs (leaves)",
        "request",
        False,
        lambda s: {
            "message": "hi",
            "tool_results": [
                {"call": {"name": "f", "parameters": {"q": "x"}}, "outputs": [{"v": f"out {s}"}]}
            ],
        },
    ),
    Case(
        D,
        "cohere embed: texts[]",
        "request",
        False,
        lambda s: {"texts": ["a", f"key {s}"], "input_type": "search_document"},
    ),
    Case(
        D,
        "cohere: text",
        "response",
        False,
        lambda s: {
            "response_id": "r1",
            "text": f"key {s}",
            "generation_id": "g1",
            "finish_reason": "COMPLETE",
        },
        sdk_bedrock.invoke_body,
    ),
]

WRAPPED_STREAM_CASES = [
    Case(
        D,
        "claude: chunk.bytes -> delta.text (text_delta)",
        "response",
        True,
        lambda s: claude_stream([("text", _SAY.format(s=s))]),
        sdk_bedrock.invoke_claude_stream,
    ),
    Case(
        D,
        "claude: chunk.bytes -> delta.partial_json (input_json_delta)",
        "response",
        True,
        lambda s: claude_stream(
            [("text", "Calling the tool."), ("tool", json.dumps({"q": f"token {s}"}))]
        ),
        sdk_bedrock.invoke_claude_stream,
    ),
    Case(
        D,
        "nova: chunk.bytes -> contentBlockDelta.delta.text",
        "response",
        True,
        lambda s: nova_stream([("text", _SAY.format(s=s))]),
        sdk_bedrock.invoke_stream,
    ),
    Case(
        D,
        "nova: chunk.bytes -> contentBlockDelta.delta.toolUse.input",
        "response",
        True,
        lambda s: nova_stream([("text", "Calling."), ("tool", json.dumps({"q": f"token {s}"}))]),
        sdk_bedrock.invoke_stream,
    ),
    Case(
        D,
        "llama: chunk.bytes -> generation",
        "response",
        True,
        lambda s: llama_stream(_SAY.format(s=s)),
        sdk_bedrock.invoke_stream,
    ),
    Case(
        D,
        "titan: chunk.bytes -> outputText",
        "response",
        True,
        lambda s: titan_stream(_SAY.format(s=s)),
        sdk_bedrock.invoke_stream,
    ),
    Case(
        D,
        "mistral: chunk.bytes -> outputs[].text",
        "response",
        True,
        lambda s: mistral_stream(_SAY.format(s=s)),
        sdk_bedrock.invoke_stream,
    ),
    Case(
        D,
        "cohere: chunk.bytes -> text",
        "response",
        True,
        lambda s: cohere_stream(_SAY.format(s=s)),
        sdk_bedrock.invoke_stream,
    ),
]

CASES.extend(WRAPPED_STREAM_CASES)
