"""OpenAI Chat Completions -> Gemini generateContent, and Gemini's answers back."""

from __future__ import annotations

import json
import time
from typing import Any

from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.translate import ids
from llmwall.routing.translate.common import (
    CHAT_REQUEST_KEYS,
    GEMINI_TO_OPENAI_STOP,
    TranslationError,
    data_url,
    done,
    dump_arguments,
    merge_same_role,
    parse_arguments,
    sampling_options,
    text_of,
)

_GEMINI_NAMES = {
    "max_tokens": "maxOutputTokens",
    "temperature": "temperature",
    "top_p": "topP",
    "seed": "seed",
    "presence_penalty": "presencePenalty",
    "frequency_penalty": "frequencyPenalty",
    "stop": "stopSequences",
}


def chat_to_gemini_request(body: dict[str, Any]) -> dict[str, Any]:
    """The body only: the model and the streaming choice go into the URL."""
    for key in body:
        if key not in CHAT_REQUEST_KEYS:
            raise TranslationError(f"{key}: no Gemini equivalent")
    if body.get("n", 1) != 1:
        raise TranslationError("n: not translated to Gemini")
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # tool_call_id -> function name (functionResponse needs it)
    for i, msg in enumerate(body.get("messages") or ()):
        where = f"messages[{i}]"
        role = msg.get("role") if isinstance(msg, dict) else None
        if role in ("system", "developer"):
            system.append(text_of(msg.get("content"), field=f"{where}.content"))
        elif role == "user":
            turns.append({"role": "user", "parts": _user_parts(msg.get("content"), where)})
        elif role == "assistant":
            parts: list[dict[str, Any]] = []
            text = (
                text_of(msg.get("content"), field=f"{where}.content") if msg.get("content") else ""
            )
            if text:
                parts.append({"text": text})
            for call in msg.get("tool_calls") or ():
                fn = call.get("function") or {}
                names[str(call.get("id"))] = fn.get("name") or ""
                parts.append(
                    {
                        "functionCall": {
                            "name": fn.get("name"),
                            "args": parse_arguments(fn.get("arguments")),
                        }
                    }
                )
            turns.append({"role": "model", "parts": parts})
        elif role == "tool":
            name = names.get(str(msg.get("tool_call_id")))
            if not name:
                raise TranslationError(f"{where}.tool_call_id: no matching assistant tool call")
            output = text_of(msg.get("content"), field=f"{where}.content")
            try:
                parsed = json.loads(output)
            except ValueError:
                parsed = None
            response = parsed if isinstance(parsed, dict) else {"output": output}
            turns.append(
                {
                    "role": "user",
                    "parts": [{"functionResponse": {"name": name, "response": response}}],
                }
            )
        else:
            raise TranslationError(f"{where}.role: {role!s} has no Gemini equivalent")
    contents = [t for t in merge_same_role(turns, "parts") if t["parts"]]
    if not contents or contents[-1]["role"] != "user":
        raise TranslationError("messages: Gemini needs the conversation to end with a user turn")
    out: dict[str, Any] = {"contents": contents}
    if any(system):
        out["systemInstruction"] = {"parts": [{"text": "\n\n".join(s for s in system if s)}]}
    config = sampling_options(body, _GEMINI_NAMES)
    rf = body.get("response_format")
    if isinstance(rf, dict) and rf.get("type") == "json_object":
        config["responseMimeType"] = "application/json"
    elif isinstance(rf, dict) and rf.get("type") == "json_schema":
        config["responseMimeType"] = "application/json"
        config["responseJsonSchema"] = (rf.get("json_schema") or {}).get("schema") or {}
    if config:
        out["generationConfig"] = config
    if body.get("tools"):
        decls = []
        for i, tool in enumerate(body["tools"]):
            fn = (
                tool.get("function")
                if isinstance(tool, dict) and tool.get("type", "function") == "function"
                else None
            )
            if not isinstance(fn, dict):
                raise TranslationError(f"tools[{i}]: only function tools are translated")
            decl = {
                "name": fn.get("name"),
                "parametersJsonSchema": fn.get("parameters") or {"type": "object"},
            }
            if fn.get("description"):
                decl["description"] = fn["description"]
            decls.append(decl)
        out["tools"] = [{"functionDeclarations": decls}]
    choice = body.get("tool_choice")
    if choice is not None:
        mode = (
            {"auto": "AUTO", "none": "NONE", "required": "ANY"}.get(choice)
            if isinstance(choice, str)
            else "ANY"
        )
        fcc: dict[str, Any] = {"mode": mode}
        if isinstance(choice, dict):
            fcc["allowedFunctionNames"] = [(choice.get("function") or {}).get("name")]
        out["toolConfig"] = {"functionCallingConfig": fcc}
    return out


def _user_parts(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"text": content}] if content else []
    parts = []
    for j, part in enumerate(content or ()):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append({"text": part.get("text") or ""})
        elif kind == "image_url":
            inner = part.get("image_url")
            url = inner.get("url") if isinstance(inner, dict) else inner
            parsed = data_url(url) if isinstance(url, str) else None
            if not parsed:
                raise TranslationError(
                    f"{where}.content[{j}]: only data: image URLs are translated to Gemini"
                )
            parts.append({"inlineData": {"mimeType": parsed[0], "data": parsed[1]}})
        else:
            raise TranslationError(
                f"{where}.content[{j}]: a {kind!s} part has no Gemini equivalent"
            )
    return parts


def gemini_usage_to_openai(meta: Any) -> dict[str, Any]:
    m = meta if isinstance(meta, dict) else {}
    prompt = int(m.get("promptTokenCount") or 0)
    completion = int(m.get("candidatesTokenCount") or 0) + int(m.get("thoughtsTokenCount") or 0)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": int(m.get("totalTokenCount") or prompt + completion),
        "prompt_tokens_details": {"cached_tokens": int(m.get("cachedContentTokenCount") or 0)},
    }


def _candidate(body: dict[str, Any]) -> tuple[str, list[dict[str, Any]], str | None]:
    """(text, tool calls, finish_reason) of the first candidate of one (partial) response."""
    cands = body.get("candidates") or []
    if not cands:
        blocked = (body.get("promptFeedback") or {}).get("blockReason")
        return "", [], "content_filter" if blocked else None
    cand = cands[0]
    texts, calls = [], []
    for k, part in enumerate((cand.get("content") or {}).get("parts") or ()):
        if "text" in part and not part.get("thought"):
            texts.append(part["text"])
        elif "functionCall" in part:
            fc = part["functionCall"]
            call_id = fc.get("id") or ids.mint_id(
                ids.OPENAI, body.get("responseId"), k, fc.get("name"), fc.get("args")
            )
            calls.append(
                {
                    "id": ids.map_id(call_id, ids.OPENAI) if fc.get("id") else call_id,
                    "type": "function",
                    "function": {
                        "name": fc.get("name"),
                        "arguments": dump_arguments(fc.get("args")),
                    },
                }
            )
    reason = cand.get("finishReason")
    finish = None
    if reason:
        finish = (
            "tool_calls"
            if calls and reason == "STOP"
            else GEMINI_TO_OPENAI_STOP.get(reason, "stop")
        )
    return "".join(texts), calls, finish


def gemini_to_chat_response(body: dict[str, Any], model: str | None) -> dict[str, Any]:
    text, calls, finish = _candidate(body)
    message: dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "chatcmpl-" + ids.map_id(str(body.get("responseId", "")), "")[:24],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("modelVersion") or model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish or "stop", "logprobs": None}
        ],
        "usage": gemini_usage_to_openai(body.get("usageMetadata")),
    }


class GeminiToChatStream:
    """Gemini SSE partial responses -> OpenAI chunks. Function calls arrive whole."""

    def __init__(self, model: str | None, include_usage: bool = False) -> None:
        self.include_usage = include_usage
        self.envelope: dict[str, Any] = {
            "id": "chatcmpl-llmwall",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }
        self.started = False
        self.calls = 0
        self.reason: str | None = None
        self.usage: dict[str, Any] | None = None

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
        if not isinstance(data, dict):
            return []
        if "error" in data:
            err = (
                data["error"]
                if isinstance(data["error"], dict)
                else {"message": str(data["error"])}
            )
            return [
                StreamEvent(
                    raw=b"",
                    data={
                        "error": {
                            "message": str(err.get("message") or "upstream error"),
                            "type": str(err.get("status") or "api_error"),
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
            self.envelope["id"] = "chatcmpl-" + ids.map_id(str(data.get("responseId", "")), "")[:24]
            self.envelope["model"] = data.get("modelVersion") or self.envelope["model"]
            out.append(self._chunk({"role": "assistant", "content": ""}))
        text, calls, finish = _candidate(data)
        if text:
            out.append(self._chunk({"content": text}))
        if calls:
            delta = [{**c, "index": self.calls + k} for k, c in enumerate(calls)]
            self.calls += len(calls)
            out.append(self._chunk({"tool_calls": delta}))
        if data.get("usageMetadata"):
            self.usage = gemini_usage_to_openai(data["usageMetadata"])
        if finish:
            self.reason = "tool_calls" if self.calls and finish == "stop" else finish
            out.append(self._chunk({}, self.reason))
        return out

    def finish(self) -> list[StreamEvent]:
        if self.reason is None:  # no finishReason: cut short upstream
            return []
        out = []
        if self.include_usage and self.usage:
            out.append(
                StreamEvent(raw=b"", data={**self.envelope, "choices": [], "usage": self.usage})
            )
        return [*out, done()]
