"""OpenAI Chat Completions -> Ollama native `/api/chat`, and Ollama's answers back.

Ollama streams unless told otherwise, so `stream` is always written explicitly. Tool
calls carry no ids and tool results name the tool instead of a call id: ids are minted
from position and content, names looked up from the preceding assistant turn.
"""

from __future__ import annotations

import time
from typing import Any

from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.translate import ids
from llmwall.routing.translate.common import (
    CHAT_REQUEST_KEYS,
    OLLAMA_TO_OPENAI_STOP,
    TranslationError,
    data_url,
    done,
    dump_arguments,
    parse_arguments,
    sampling_options,
    text_of,
)

_OLLAMA_NAMES = {
    "max_tokens": "num_predict",
    "temperature": "temperature",
    "top_p": "top_p",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "stop": "stop",
}


def chat_to_ollama_request(body: dict[str, Any], model: str | None) -> dict[str, Any]:
    for key in body:
        if key not in CHAT_REQUEST_KEYS:
            raise TranslationError(f"{key}: no Ollama equivalent")
    if body.get("n", 1) != 1:
        raise TranslationError("n: not translated to Ollama")
    if body.get("tool_choice") not in (None, "auto"):
        raise TranslationError("tool_choice: Ollama cannot force or forbid tool calls")
    names: dict[str, str] = {}
    messages = []
    for i, msg in enumerate(body.get("messages") or ()):
        where = f"messages[{i}]"
        role = msg.get("role") if isinstance(msg, dict) else None
        if role in ("system", "developer"):
            messages.append(
                {"role": "system", "content": text_of(msg.get("content"), field=f"{where}.content")}
            )
        elif role == "user":
            messages.append(_user(msg.get("content"), where))
        elif role == "assistant":
            out: dict[str, Any] = {
                "role": "assistant",
                "content": text_of(msg.get("content"), field=f"{where}.content"),
            }
            calls = []
            for call in msg.get("tool_calls") or ():
                fn = call.get("function") or {}
                names[str(call.get("id"))] = fn.get("name") or ""
                calls.append(
                    {
                        "function": {
                            "name": fn.get("name"),
                            "arguments": parse_arguments(fn.get("arguments")),
                        }
                    }
                )
            if calls:
                out["tool_calls"] = calls
            messages.append(out)
        elif role == "tool":
            name = names.get(str(msg.get("tool_call_id")))
            if not name:
                raise TranslationError(f"{where}.tool_call_id: no matching assistant tool call")
            messages.append(
                {
                    "role": "tool",
                    "tool_name": name,
                    "content": text_of(msg.get("content"), field=f"{where}.content"),
                }
            )
        else:
            raise TranslationError(f"{where}.role: {role!s} has no Ollama equivalent")
    out_body: dict[str, Any] = {
        "model": model or body.get("model"),
        "messages": messages,
        "stream": body.get("stream") is True,
    }
    options = sampling_options(body, _OLLAMA_NAMES)
    if options:
        out_body["options"] = options
    rf = body.get("response_format")
    if isinstance(rf, dict) and rf.get("type") == "json_object":
        out_body["format"] = "json"
    elif isinstance(rf, dict) and rf.get("type") == "json_schema":
        out_body["format"] = (rf.get("json_schema") or {}).get("schema") or "json"
    if body.get("tools"):
        for i, tool in enumerate(body["tools"]):
            if not isinstance(tool, dict) or tool.get("type", "function") != "function":
                raise TranslationError(f"tools[{i}]: only function tools are translated")
        out_body["tools"] = body["tools"]
    return out_body


def _user(content: Any, where: str) -> dict[str, Any]:
    if isinstance(content, str) or content is None:
        return {"role": "user", "content": content or ""}
    texts, images = [], []
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            texts.append(part.get("text") or "")
        elif kind == "image_url":
            inner = part.get("image_url")
            url = inner.get("url") if isinstance(inner, dict) else inner
            parsed = data_url(url) if isinstance(url, str) else None
            if not parsed:
                raise TranslationError(
                    f"{where}.content[{j}]: only data: image URLs are translated to Ollama"
                )
            images.append(parsed[1])
        else:
            raise TranslationError(
                f"{where}.content[{j}]: a {kind!s} part has no Ollama equivalent"
            )
    msg: dict[str, Any] = {"role": "user", "content": "".join(texts)}
    if images:
        msg["images"] = images
    return msg


def _calls(message: Any, created: Any, offset: int = 0) -> list[dict[str, Any]]:
    out = []
    for k, call in enumerate((message or {}).get("tool_calls") or ()):
        fn = call.get("function") or {}
        out.append(
            {
                "index": offset + k,
                "id": ids.mint_id(
                    ids.OPENAI, created, offset + k, fn.get("name"), fn.get("arguments")
                ),
                "type": "function",
                "function": {
                    "name": fn.get("name"),
                    "arguments": dump_arguments(fn.get("arguments")),
                },
            }
        )
    return out


def ollama_usage_to_openai(body: dict[str, Any]) -> dict[str, Any]:
    prompt, completion = int(body.get("prompt_eval_count") or 0), int(body.get("eval_count") or 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def ollama_to_chat_response(body: dict[str, Any]) -> dict[str, Any]:
    message = body.get("message") or {}
    calls = [
        {k: v for k, v in c.items() if k != "index"}
        for c in _calls(message, body.get("created_at"))
    ]
    out_msg: dict[str, Any] = {
        "role": "assistant",
        "content": message.get("content") or (None if calls else ""),
    }
    if calls:
        out_msg["tool_calls"] = calls
    finish = (
        "tool_calls"
        if calls
        else OLLAMA_TO_OPENAI_STOP.get(body.get("done_reason") or "stop", "stop")
    )
    return {
        "id": "chatcmpl-" + ids.mint_id("", body.get("model"), body.get("created_at"))[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": [{"index": 0, "message": out_msg, "finish_reason": finish, "logprobs": None}],
        "usage": ollama_usage_to_openai(body),
    }


class OllamaToChatStream:
    """Ollama NDJSON lines -> OpenAI chunks; the `done: true` line ends the stream."""

    def __init__(self, include_usage: bool = False) -> None:
        self.include_usage = include_usage
        self.envelope: dict[str, Any] = {
            "id": "chatcmpl-llmwall",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": None,
        }
        self.started = False
        self.calls = 0
        self.ended = False

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> StreamEvent:
        return StreamEvent(
            raw=b"",
            data={
                **self.envelope,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            },
        )

    def feed(self, event: StreamEvent) -> list[StreamEvent]:
        data = event.data
        if not isinstance(data, dict) or self.ended:
            return []
        if "error" in data:
            self.ended = True
            return [
                StreamEvent(
                    raw=b"",
                    data={
                        "error": {
                            "message": str(data["error"]),
                            "type": "api_error",
                            "param": None,
                            "code": None,
                        }
                    },
                ),
                done(),
            ]
        out = []
        if not self.started:
            self.started = True
            self.envelope["model"] = data.get("model")
            self.envelope["id"] = (
                "chatcmpl-" + ids.mint_id("", data.get("model"), data.get("created_at"))[:24]
            )
            out.append(self._chunk({"role": "assistant", "content": ""}))
        message = data.get("message") or {}
        if message.get("content"):
            out.append(self._chunk({"content": message["content"]}))
        calls = _calls(message, data.get("created_at"), self.calls)
        if calls:
            self.calls += len(calls)
            out.append(self._chunk({"tool_calls": calls}))
        if data.get("done") is True:
            self.ended = True
            finish = (
                "tool_calls"
                if self.calls
                else OLLAMA_TO_OPENAI_STOP.get(data.get("done_reason") or "stop", "stop")
            )
            out.append(self._chunk({}, finish))
            if self.include_usage:
                out.append(
                    StreamEvent(
                        raw=b"",
                        data={
                            **self.envelope,
                            "choices": [],
                            "usage": ollama_usage_to_openai(data),
                        },
                    )
                )
            out.append(done())
        return out

    def finish(self) -> list[StreamEvent]:
        return []
