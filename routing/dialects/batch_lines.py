"""The lines of batch and fine-tuning files (JSONL), read with the dialect each line
speaks, so a whole prompt inside an upload is redacted exactly as it would be on the
chat endpoint.

    {"custom_id", "method", "url": "/v1/chat/completions", "body": {...}}   batch input
    {"id", "custom_id", "response": {"status_code", "body": {...}}}          batch output
    {"messages": [...], "tools": [...]}                                      fine-tuning (chat)
    {"input": {"messages": ...}, "preferred_output": [...], ...}             fine-tuning (DPO)
    {"prompt": "...", "completion": "..."}                                   fine-tuning (legacy)

Anything else on a line is read generically.
"""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import Collector
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.dialects.openai_chat import collect_message
from llmwall.routing.segment import Path, Role, Trust

# batch `url` -> dialect (OpenAI's batch endpoints; Groq and Mistral use the same lines)
BATCH_URLS = {
    "/v1/chat/completions": "openai_chat",
    "/v1/responses": "openai_responses",
    "/v1/completions": "openai_completions",
    "/v1/embeddings": "openai_embeddings",
    "/v1/moderations": "openai_moderations",
    "/v1/images/generations": "openai_images",
    "/v1/images/edits": "openai_images",
    "/v1/audio/transcriptions": "openai_audio",
    "/v1/audio/translations": "openai_audio",
}
_DPO_OUTPUTS = (
    "preferred_output",
    "non_preferred_output",
    "preferred_completion",
    "non_preferred_completion",
)


def collect_line(c: Collector, line: Any, path: Path, *, response: bool = False) -> None:
    if not isinstance(line, dict):
        collect_json(c, line, path, *_generic(response))
        return
    url = line.get("url")
    dialect = get_dialect(BATCH_URLS.get(_bare(url), "")) if isinstance(url, str) else None
    if dialect is not None and isinstance(line.get("body"), dict):
        dialect.collect_request(c.under((*path, "body")), line["body"])
        _rest(c, line, path, {"body"}, response)
        return
    answer = line.get("response")
    if isinstance(answer, dict) and isinstance(answer.get("body"), dict):
        # an output line: the answer of the endpoint its input line named (unknown
        # here), read generically as model output
        collect_json(c, answer["body"], (*path, "response", "body"), Role.ASSISTANT, Trust.MODEL)
        _rest(c, line, path, {"response"}, response)
        return
    chat = get_dialect("openai_chat")
    assert chat is not None
    if isinstance(line.get("messages"), list):
        chat.collect_request(c.under(path), line)
        return
    if isinstance(line.get("input"), dict) and any(k in line for k in _DPO_OUTPUTS):
        chat.collect_request(c.under((*path, "input")), line["input"])
        for key in _DPO_OUTPUTS:
            outputs = line.get(key)
            for i, msg in enumerate(outputs if isinstance(outputs, list) else ()):
                collect_message(c, msg, (*path, key, i), (Role.ASSISTANT, Trust.MODEL))
        _rest(c, line, path, {"input", *_DPO_OUTPUTS}, response)
        return
    collect_json(c, line, path, *_generic(response))


def _bare(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/")


def _rest(c: Collector, line: dict[str, Any], path: Path, done: set[str], response: bool) -> None:
    for key, value in line.items():
        if key not in done:
            collect_json(c, value, (*path, key), *_generic(response))


def _generic(response: bool) -> tuple[Role, Trust]:
    return (Role.ASSISTANT, Trust.MODEL) if response else (Role.USER, Trust.USER)
