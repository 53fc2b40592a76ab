"""Shared pieces of the translators: the error, stop-reason tables, small helpers."""

from __future__ import annotations

import json
from typing import Any

from llmwall.errors import TranslationError
from llmwall.routing.dialects.base import StreamEvent

# B.3: Anthropic stop_reason -> OpenAI finish_reason
ANTHROPIC_TO_OPENAI_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "pause_turn": "stop",
    "refusal": "content_filter",
}
OPENAI_TO_ANTHROPIC_STOP = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
GEMINI_TO_OPENAI_STOP = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "OTHER": "content_filter",
    "MALFORMED_FUNCTION_CALL": "stop",
}
OLLAMA_TO_OPENAI_STOP = {"stop": "stop", "length": "length", "load": "stop", "unload": "stop"}


# OpenAI Chat request fields that translate to Gemini and Ollama; any other field
# makes a request untranslatable for them (a fallback then moves on).
CHAT_REQUEST_KEYS = frozenset(
    {
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
        "stream_options",
        "n",
        "response_format",
        "seed",
        "user",
        "presence_penalty",
        "frequency_penalty",
        "parallel_tool_calls",
        "metadata",
        "store",
    }
)


def sampling_options(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The token limit, sampling knobs and stop sequences of an OpenAI Chat request,
    under the target's names: `names` maps max_tokens, temperature, top_p, seed,
    presence_penalty, frequency_penalty and stop to the target's keys."""
    out: dict[str, Any] = {}
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    if limit:
        out[names["max_tokens"]] = limit
    for src in ("temperature", "top_p", "seed", "presence_penalty", "frequency_penalty"):
        if isinstance(body.get(src), int | float):
            out[names[src]] = body[src]
    stop = body.get("stop")
    if stop:
        out[names["stop"]] = [stop] if isinstance(stop, str) else list(stop)
    return out


def text_of(content: Any, *, field: str) -> str:
    """The text of an OpenAI `content` (string or text parts) or of Anthropic text
    blocks. Anything else raises: it has no text equivalent."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict) and part.get("type") in (
                "text",
                "input_text",
                "output_text",
            ):
                out.append(str(part.get("text") or ""))
            else:
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise TranslationError(f"{field}: a {kind!s} part has no text equivalent")
        return "".join(out)
    raise TranslationError(f"{field}: unsupported content")


def parse_arguments(arguments: Any) -> dict[str, Any]:
    """OpenAI tool-call arguments are a JSON string; the others want an object.
    Unparsable (e.g. cut by a length limit) arguments are kept under `_raw`."""
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str) or not arguments.strip():
        return {}
    try:
        value = json.loads(arguments)
    except ValueError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_value": value}


def dump_arguments(value: Any) -> str:
    return json.dumps(value if value is not None else {}, ensure_ascii=False, separators=(",", ":"))


def data_url(url: str) -> tuple[str, str] | None:
    """(media_type, base64 data) of a `data:` URL, or None."""
    if not url.startswith("data:") or "," not in url:
        return None
    head, data = url[5:].split(",", 1)
    if not head.endswith(";base64"):
        return None
    return head[: -len(";base64")] or "application/octet-stream", data


def merge_same_role(messages: list[dict[str, Any]], key: str = "content") -> list[dict[str, Any]]:
    """Anthropic and Gemini want alternating roles: join consecutive same-role turns."""
    out: list[dict[str, Any]] = []
    for msg in messages:
        if out and out[-1]["role"] == msg["role"]:
            out[-1][key] = [*out[-1][key], *msg[key]]
        else:
            out.append({**msg, key: list(msg[key])})
    return out


def done() -> StreamEvent:
    return StreamEvent(raw=b"", meta={"sentinel": "[DONE]"})


def is_done(event: StreamEvent) -> bool:
    return event.data is None and event.meta.get("sentinel") == "[DONE]"


def error_message(body: Any) -> tuple[str, str]:
    """(message, type) from any provider's error body."""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            kind = err.get("type") or err.get("status") or err.get("code") or "error"
            return str(err.get("message") or kind), str(kind)
        if isinstance(err, str):
            return err, "error"
        if isinstance(body.get("message"), str):
            return body["message"], str(body.get("type") or "error")
    return "upstream error", "error"
