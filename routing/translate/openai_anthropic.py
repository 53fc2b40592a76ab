"""OpenAI Chat Completions <-> Anthropic Messages (WIRE_REFERENCE B.1-B.5).

Pure functions over decoded JSON. Requests translate from the client's dialect to the
target's; responses and stream events translate back.
"""

from __future__ import annotations

import time
from typing import Any

from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.translate import ids
from llmwall.routing.translate.common import (
    ANTHROPIC_TO_OPENAI_STOP,
    OPENAI_TO_ANTHROPIC_STOP,
    TranslationError,
    data_url,
    done,
    dump_arguments,
    is_done,
    merge_same_role,
    parse_arguments,
    text_of,
)

DEFAULT_MAX_TOKENS = 4096
# sampling fields with no Anthropic equivalent, dropped (they do not change meaning)
_DROPPED = {
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "service_tier",
    "store",
    "metadata",
    "prompt_cache_key",
    "safety_identifier",
    "reasoning_effort",
    "verbosity",
    "stream_options",
    "parallel_tool_calls",
    "user",
    "top_logprobs",
}
_OPENAI_KNOWN = {
    "model",
    "messages",
    "max_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "stop",
    "tools",
    "tool_choice",
    "stream",
    "n",
    "response_format",
    "logprobs",
} | _DROPPED


# --- OpenAI Chat request -> Anthropic Messages request ----------------------------------


def chat_to_anthropic_request(
    body: dict[str, Any], model: str | None, max_tokens: int = DEFAULT_MAX_TOKENS
) -> dict[str, Any]:
    for key in body:
        if key not in _OPENAI_KNOWN:
            raise TranslationError(f"{key}: no Anthropic equivalent")
    if body.get("n", 1) != 1:
        raise TranslationError("n: Anthropic returns one choice")
    if body.get("logprobs"):
        raise TranslationError("logprobs: not available from Anthropic")
    rf = body.get("response_format")
    if isinstance(rf, dict) and rf.get("type") not in (None, "text"):
        raise TranslationError("response_format: structured output is not translated")
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for i, msg in enumerate(body.get("messages") or ()):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            raise TranslationError(f"{where}: not an object")
        role = msg.get("role")
        if role in ("system", "developer"):
            text = text_of(msg.get("content"), field=f"{where}.content")
            if text:
                system.append(text)
        elif role == "user":
            turns.append({"role": "user", "content": _user_blocks(msg.get("content"), where)})
        elif role == "assistant":
            turns.append({"role": "assistant", "content": _assistant_blocks(msg, where)})
        elif role == "tool":
            result = {
                "type": "tool_result",
                "tool_use_id": ids.map_id(str(msg.get("tool_call_id", "")), ids.ANTHROPIC),
                "content": text_of(msg.get("content"), field=f"{where}.content"),
            }
            turns.append({"role": "user", "content": [result]})
        else:
            raise TranslationError(f"{where}.role: {role!s} has no Anthropic equivalent")
    turns = [t for t in merge_same_role(turns) if t["content"]]
    if not turns or turns[0]["role"] != "user":
        raise TranslationError(
            "messages: Anthropic needs the conversation to start with a user turn"
        )
    out: dict[str, Any] = {
        "model": model or body.get("model"),
        "max_tokens": body.get("max_completion_tokens") or body.get("max_tokens") or max_tokens,
        "messages": turns,
    }
    if system:
        out["system"] = "\n\n".join(system)
    if isinstance(body.get("temperature"), int | float):
        out["temperature"] = min(1.0, max(0.0, float(body["temperature"])))
    if isinstance(body.get("top_p"), int | float):
        out["top_p"] = body["top_p"]
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else list(stop or ())
    stops = [s for s in stops if isinstance(s, str) and s.strip()]
    if stops:
        out["stop_sequences"] = stops
    if body.get("tools"):
        out["tools"] = [_anthropic_tool(t, i) for i, t in enumerate(body["tools"])]
    choice = _anthropic_tool_choice(body.get("tool_choice"), body.get("parallel_tool_calls"))
    if choice is not None and (body.get("tools") or choice["type"] == "none"):
        out["tool_choice"] = choice
    user = body.get("user") or body.get("safety_identifier")
    if isinstance(user, str) and user:
        out["metadata"] = {"user_id": user}
    if body.get("stream") is True:
        out["stream"] = True
    return out


def _user_blocks(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for j, part in enumerate(content or ()):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            if part.get("text"):
                blocks.append({"type": "text", "text": part["text"]})
        elif kind == "image_url":
            inner = part.get("image_url")
            url = inner.get("url") if isinstance(inner, dict) else inner
            parsed = data_url(url) if isinstance(url, str) else None
            if parsed:
                blocks.append(
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": parsed[0], "data": parsed[1]},
                    }
                )
            elif isinstance(url, str) and url.startswith("https://"):
                blocks.append({"type": "image", "source": {"type": "url", "url": url}})
            else:
                raise TranslationError(f"{where}.content[{j}]: unsupported image URL")
        else:
            raise TranslationError(
                f"{where}.content[{j}]: a {kind!s} part has no Anthropic equivalent"
            )
    return blocks


def _assistant_blocks(msg: dict[str, Any], where: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    text = (
        text_of(msg.get("content"), field=f"{where}.content")
        if msg.get("content") is not None
        else ""
    )
    if text.strip():
        blocks.append({"type": "text", "text": text})
    if msg.get("function_call"):
        raise TranslationError(f"{where}.function_call: legacy functions are not translated")
    for k, call in enumerate(msg.get("tool_calls") or ()):
        fn = call.get("function") if isinstance(call, dict) else None
        if not isinstance(fn, dict):
            raise TranslationError(
                f"{where}.tool_calls[{k}]: only function tool calls are translated"
            )
        blocks.append(
            {
                "type": "tool_use",
                "id": ids.map_id(str(call.get("id", "")), ids.ANTHROPIC),
                "name": fn.get("name"),
                "input": parse_arguments(fn.get("arguments")),
            }
        )
    return blocks


def _anthropic_tool(tool: Any, i: int) -> dict[str, Any]:
    fn = (
        tool.get("function")
        if isinstance(tool, dict) and tool.get("type", "function") == "function"
        else None
    )
    if not isinstance(fn, dict):
        raise TranslationError(f"tools[{i}]: only function tools are translated")
    out = {
        "name": fn.get("name"),
        "input_schema": fn.get("parameters") or {"type": "object", "properties": {}},
    }
    if fn.get("description"):
        out["description"] = fn["description"]
    return out


def _anthropic_tool_choice(choice: Any, parallel: Any) -> dict[str, Any] | None:
    out: dict[str, Any] | None
    if choice is None:
        out = None
    elif choice == "auto":
        out = {"type": "auto"}
    elif choice == "none":
        out = {"type": "none"}
    elif choice == "required":
        out = {"type": "any"}
    elif isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        out = {"type": "tool", "name": choice["function"].get("name")}
    else:
        raise TranslationError("tool_choice: not translated")
    if parallel is False:
        out = {**(out or {"type": "auto"}), "disable_parallel_tool_use": True}
    return out


# --- Anthropic Messages response -> OpenAI Chat completion ------------------------------


def anthropic_to_chat_response(msg: dict[str, Any]) -> dict[str, Any]:
    texts, calls = [], []
    for block in msg.get("content") or ():
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(block.get("text") or "")
        elif kind == "tool_use":
            calls.append(
                {
                    "id": ids.map_id(str(block.get("id", "")), ids.OPENAI),
                    "type": "function",
                    "function": {
                        "name": block.get("name"),
                        "arguments": dump_arguments(block.get("input")),
                    },
                }
            )
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(texts) if texts or not calls else None,
    }
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "chatcmpl-" + ids.map_id(str(msg.get("id", "")), "")[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": msg.get("model"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": ANTHROPIC_TO_OPENAI_STOP.get(msg.get("stop_reason") or "", "stop"),
                "logprobs": None,
            }
        ],
        "usage": anthropic_usage_to_openai(msg.get("usage")),
    }


def anthropic_usage_to_openai(usage: Any) -> dict[str, Any]:
    u = usage if isinstance(usage, dict) else {}
    cached = int(u.get("cache_read_input_tokens") or 0)
    prompt = (
        int(u.get("input_tokens") or 0) + int(u.get("cache_creation_input_tokens") or 0) + cached
    )
    completion = int(u.get("output_tokens") or 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


# --- Anthropic Messages request -> OpenAI Chat request ----------------------------------

_ANTHROPIC_KNOWN = {
    "model",
    "max_tokens",
    "messages",
    "system",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "tools",
    "tool_choice",
    "stream",
    "metadata",
    "thinking",
    "service_tier",
}


def anthropic_to_chat_request(body: dict[str, Any], model: str | None) -> dict[str, Any]:
    for key in body:
        if key not in _ANTHROPIC_KNOWN:
            raise TranslationError(f"{key}: no OpenAI Chat equivalent")
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system:
        messages.append({"role": "system", "content": text_of(system, field="system")})
    for i, msg in enumerate(body.get("messages") or ()):
        where = f"messages[{i}]"
        role = msg.get("role") if isinstance(msg, dict) else None
        content = msg.get("content") if isinstance(msg, dict) else None
        blocks = (
            [{"type": "text", "text": content}] if isinstance(content, str) else list(content or ())
        )
        if role == "user":
            messages.extend(_openai_user_turn(blocks, where))
        elif role == "assistant":
            messages.append(_openai_assistant_turn(blocks, where))
        else:
            raise TranslationError(f"{where}.role: {role!s} is not translated")
    out: dict[str, Any] = {"model": model or body.get("model"), "messages": messages}
    if body.get("max_tokens"):
        out["max_tokens"] = body["max_tokens"]
    for key in ("temperature", "top_p"):
        if isinstance(body.get(key), int | float):
            out[key] = body[key]
    if body.get("stop_sequences"):
        out["stop"] = list(body["stop_sequences"])
    if body.get("tools"):
        out["tools"] = [_openai_tool(t, i) for i, t in enumerate(body["tools"])]
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        mapped = {"auto": "auto", "none": "none", "any": "required"}.get(choice.get("type", ""))
        if choice.get("type") == "tool":
            out["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
        elif mapped:
            out["tool_choice"] = mapped
        if choice.get("disable_parallel_tool_use") and body.get("tools"):
            out["parallel_tool_calls"] = False
    user = (body.get("metadata") or {}).get("user_id")
    if isinstance(user, str) and user:
        out["user"] = user
    if body.get("stream") is True:
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return out


def _openai_user_turn(blocks: list[Any], where: str) -> list[dict[str, Any]]:
    tool_messages, parts = [], []
    for j, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "tool_result":
            tool_messages.append(
                {
                    "role": "tool",
                    "tool_call_id": ids.map_id(str(block.get("tool_use_id", "")), ids.OPENAI),
                    "content": text_of(block.get("content"), field=f"{where}.content[{j}].content"),
                }
            )
        elif kind == "text":
            parts.append({"type": "text", "text": block.get("text") or ""})
        elif kind == "image":
            src = block.get("source") or {}
            if src.get("type") == "base64":
                url: Any = f"data:{src.get('media_type')};base64,{src.get('data')}"
            elif src.get("type") == "url":
                url = src.get("url")
            else:
                raise TranslationError(f"{where}.content[{j}]: image source is not translated")
            parts.append({"type": "image_url", "image_url": {"url": url}})
        else:
            raise TranslationError(
                f"{where}.content[{j}]: a {kind!s} block has no OpenAI equivalent"
            )
    out = tool_messages
    if parts:
        simple = all(p["type"] == "text" for p in parts)
        content: Any = "".join(p["text"] for p in parts) if simple else parts
        out.append({"role": "user", "content": content})
    return out


def _openai_assistant_turn(blocks: list[Any], where: str) -> dict[str, Any]:
    texts, calls = [], []
    for j, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(block.get("text") or "")
        elif kind == "tool_use":
            calls.append(
                {
                    "id": ids.map_id(str(block.get("id", "")), ids.OPENAI),
                    "type": "function",
                    "function": {
                        "name": block.get("name"),
                        "arguments": dump_arguments(block.get("input")),
                    },
                }
            )
        else:
            raise TranslationError(
                f"{where}.content[{j}]: a {kind!s} block has no OpenAI equivalent"
            )
    msg: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
    if calls:
        msg["tool_calls"] = calls
    return msg


def _openai_tool(tool: Any, i: int) -> dict[str, Any]:
    if (
        not isinstance(tool, dict)
        or tool.get("type") not in (None, "custom")
        or "input_schema" not in tool
    ):
        raise TranslationError(f"tools[{i}]: server tools have no OpenAI equivalent")
    fn: dict[str, Any] = {"name": tool.get("name"), "parameters": tool["input_schema"]}
    if tool.get("description"):
        fn["description"] = tool["description"]
    return {"type": "function", "function": fn}


# --- OpenAI Chat completion -> Anthropic Messages response ------------------------------


def chat_to_anthropic_response(completion: dict[str, Any]) -> dict[str, Any]:
    choice = (completion.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    content: list[dict[str, Any]] = []
    text = message.get("content")
    if isinstance(text, list):
        text = text_of(text, field="choices[0].message.content")
    if text:
        content.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or ():
        fn = call.get("function") or {}
        content.append(
            {
                "type": "tool_use",
                "id": ids.map_id(str(call.get("id", "")), ids.ANTHROPIC),
                "name": fn.get("name"),
                "input": parse_arguments(fn.get("arguments")),
            }
        )
    return {
        "id": "msg_" + ids.map_id(str(completion.get("id", "")), "")[:24],
        "type": "message",
        "role": "assistant",
        "model": completion.get("model"),
        "content": content,
        "stop_reason": OPENAI_TO_ANTHROPIC_STOP.get(choice.get("finish_reason") or "", "end_turn"),
        "stop_sequence": None,
        "usage": openai_usage_to_anthropic(completion.get("usage")),
    }


def openai_usage_to_anthropic(usage: Any) -> dict[str, Any]:
    u = usage if isinstance(usage, dict) else {}
    cached = int(((u.get("prompt_tokens_details") or {}).get("cached_tokens")) or 0)
    return {
        "input_tokens": max(0, int(u.get("prompt_tokens") or 0) - cached),
        "output_tokens": int(u.get("completion_tokens") or 0),
        "cache_read_input_tokens": cached,
        "cache_creation_input_tokens": 0,
    }


# --- streams ------------------------------------------------------------------------------


class AnthropicToChatStream:
    """Anthropic SSE events -> OpenAI chat.completion.chunk events (B.5)."""

    def __init__(self, include_usage: bool = False) -> None:
        self.include_usage = include_usage
        self.envelope: dict[str, Any] = {
            "id": "chatcmpl-llmwall",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": None,
        }
        self.tools: dict[Any, int] = {}  # content block index -> tool_calls index
        self.usage: dict[str, Any] = {}

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> StreamEvent:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return StreamEvent(raw=b"", data={**self.envelope, "choices": [choice]})

    def feed(self, event: StreamEvent) -> list[StreamEvent]:
        data = event.data
        if not isinstance(data, dict):
            return []
        kind = data.get("type")
        if kind == "message_start":
            msg = data.get("message") or {}
            self.envelope["id"] = "chatcmpl-" + ids.map_id(str(msg.get("id", "")), "")[:24]
            self.envelope["model"] = msg.get("model")
            self.usage = dict(msg.get("usage") or {})
            return [self._chunk({"role": "assistant", "content": ""})]
        if kind == "content_block_start":
            block = data.get("content_block") or {}
            if block.get("type") == "tool_use":
                slot = self.tools.setdefault(data.get("index"), len(self.tools))
                call = {
                    "index": slot,
                    "id": ids.map_id(str(block.get("id", "")), ids.OPENAI),
                    "type": "function",
                    "function": {"name": block.get("name"), "arguments": ""},
                }
                return [self._chunk({"tool_calls": [call]})]
            if block.get("type") == "text" and block.get("text"):
                return [self._chunk({"content": block["text"]})]
            return []
        if kind == "content_block_delta":
            delta = data.get("delta") or {}
            if delta.get("type") == "text_delta" and delta.get("text"):
                return [self._chunk({"content": delta["text"]})]
            if delta.get("type") == "input_json_delta" and data.get("index") in self.tools:
                call = {
                    "index": self.tools[data["index"]],
                    "function": {"arguments": delta.get("partial_json", "")},
                }
                return [self._chunk({"tool_calls": [call]})]
            return []
        if kind == "message_delta":
            self.usage.update(data.get("usage") or {})
            stop = (data.get("delta") or {}).get("stop_reason")
            out = [self._chunk({}, ANTHROPIC_TO_OPENAI_STOP.get(stop or "", "stop"))]
            if self.include_usage:
                out.append(
                    StreamEvent(
                        raw=b"",
                        data={
                            **self.envelope,
                            "choices": [],
                            "usage": anthropic_usage_to_openai(self.usage),
                        },
                    )
                )
            return out
        if kind == "message_stop":
            return [done()]
        if kind == "error":
            err = data.get("error") or {}
            body = {
                "error": {
                    "message": err.get("message", "upstream error"),
                    "type": err.get("type", "api_error"),
                    "param": None,
                    "code": err.get("type"),
                }
            }
            return [StreamEvent(raw=b"", data=body), done()]
        return []

    def finish(self) -> list[StreamEvent]:
        return []


class ChatToAnthropicStream:
    """OpenAI chat.completion.chunk events -> Anthropic SSE events (B.5): message_start
    first, explicit block starts and stops, the stop reason held until usage arrives."""

    def __init__(self) -> None:
        self.started = False
        self.block: tuple[str, Any] | None = None  # ("text", None) | ("tool", slot)
        self.index = -1
        self.stop: str | None = None
        self.usage: dict[str, Any] = {}
        self.ended = False

    @staticmethod
    def _ev(data: dict[str, Any]) -> StreamEvent:
        return StreamEvent(raw=b"", data=data, name=data["type"])

    def _start(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        if self.started:
            return []
        self.started = True
        msg: dict[str, Any] = {
            "id": "msg_" + ids.map_id(str(chunk.get("id", "")), "")[:24],
            "type": "message",
            "role": "assistant",
            "model": chunk.get("model"),
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return [self._ev({"type": "message_start", "message": msg})]

    def _close(self) -> list[StreamEvent]:
        if self.block is None:
            return []
        self.block = None
        return [self._ev({"type": "content_block_stop", "index": self.index})]

    def _open(self, kind: tuple[str, Any], block: dict[str, Any]) -> list[StreamEvent]:
        out = self._close()
        self.index += 1
        self.block = kind
        return [
            *out,
            self._ev({"type": "content_block_start", "index": self.index, "content_block": block}),
        ]

    def feed(self, event: StreamEvent) -> list[StreamEvent]:
        if self.ended:
            return []
        if is_done(event):
            return self._end()
        data = event.data
        if not isinstance(data, dict):
            return []
        if "error" in data and not data.get("choices"):
            err = (
                data["error"]
                if isinstance(data["error"], dict)
                else {"message": str(data["error"])}
            )
            self.ended = True
            return [
                self._ev(
                    {
                        "type": "error",
                        "error": {
                            "type": "api_error",
                            "message": str(err.get("message") or "upstream error"),
                        },
                    }
                )
            ]
        out = self._start(data)
        if isinstance(data.get("usage"), dict):
            self.usage = data["usage"]
        for choice in data.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str) and delta["content"]:
                if self.block != ("text", None):
                    out += self._open(("text", None), {"type": "text", "text": ""})
                out.append(
                    self._ev(
                        {
                            "type": "content_block_delta",
                            "index": self.index,
                            "delta": {"type": "text_delta", "text": delta["content"]},
                        }
                    )
                )
            for call in delta.get("tool_calls") or ():
                slot = call.get("index", 0)
                fn = call.get("function") or {}
                if call.get("id") or (fn.get("name") and self.block != ("tool", slot)):
                    block: dict[str, Any] = {
                        "type": "tool_use",
                        "id": ids.map_id(str(call.get("id", "")), ids.ANTHROPIC),
                        "name": fn.get("name"),
                        "input": {},
                    }
                    out += self._open(("tool", slot), block)
                if fn.get("arguments") and self.block == ("tool", slot):
                    out.append(
                        self._ev(
                            {
                                "type": "content_block_delta",
                                "index": self.index,
                                "delta": {
                                    "type": "input_json_delta",
                                    "partial_json": fn["arguments"],
                                },
                            }
                        )
                    )
            if choice.get("finish_reason"):
                self.stop = OPENAI_TO_ANTHROPIC_STOP.get(choice["finish_reason"], "end_turn")
                out += self._close()
        return out

    def _end(self) -> list[StreamEvent]:
        if self.stop is None:  # no finish_reason: the stream was cut, never shown complete
            return []
        self.ended = True
        usage = openai_usage_to_anthropic(self.usage)
        return [
            *self._close(),
            self._ev(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": self.stop, "stop_sequence": None},
                    "usage": {
                        "output_tokens": usage["output_tokens"],
                        "input_tokens": usage["input_tokens"],
                    },
                }
            ),
            self._ev({"type": "message_stop"}),
        ]

    def finish(self) -> list[StreamEvent]:
        # Some OpenAI-compatible servers end after the finish chunk without [DONE].
        return [] if self.ended else self._end()
