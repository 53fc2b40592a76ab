"""OpenAI legacy Completions (`/v1/completions`), also Azure deployments, Together,
Fireworks, DeepSeek, OpenRouter and Ollama's `/v1`.

`prompt` is a string, a list of strings, or token ids (a list of ints, or a list of such
lists). Token ids cannot be read without the model's tokenizer: they are reported as
unknown content (policy `unknown_content`, default block) and as opaque `token_ids`.
The stream is OpenAI Chat's SSE with text at `choices[].text`.
"""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, Dialect, ErrorShape, StreamEvent
from llmwall.routing.dialects.openai_chat import OpenAIChat, OpenAIChatStream
from llmwall.routing.segment import Path, Role, Trust


def collect_prompt(c: Collector, prompt: Any, path: Path, *, template: bool = False) -> None:
    """A string, strings, or token ids: the shapes shared with Embeddings' `input`.
    `template`: a raw completion prompt, formatted by the app with its chat template."""
    if isinstance(prompt, str):
        c.text(prompt, path, Role.USER, Trust.USER, template=template)
    elif isinstance(prompt, list) and prompt and all(isinstance(t, int) for t in prompt):
        _token_ids(c, path)
    elif isinstance(prompt, list):
        for i, item in enumerate(prompt):
            if isinstance(item, str):
                c.text(item, (*path, i), Role.USER, Trust.USER, template=template)
            elif isinstance(item, list) and all(isinstance(t, int) for t in item):
                _token_ids(c, (*path, i))
            else:
                c.unknown((*path, i))
    elif prompt is not None:
        c.unknown(path)


def _token_ids(c: Collector, path: Path) -> None:
    c.opaque("token_ids")
    c.unknown(path)


class OpenAICompletionsStream(OpenAIChatStream):
    """Chat's stream handling already reads `choices[].text`; only dropping differs."""

    def droppable(self, event: StreamEvent) -> bool:
        data = event.data
        if not isinstance(data, dict) or data.get("usage") or len(data.get("choices") or ()) != 1:
            return False
        choice = data["choices"][0]
        return (
            isinstance(choice, dict)
            and not choice.get("finish_reason")
            and not choice.get("logprobs")
        )


class OpenAICompletions(Dialect):
    name = "openai_completions"
    stream = OpenAICompletionsStream()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_prompt(c, body.get("prompt"), ("prompt",), template=True)
        c.text(body.get("suffix"), ("suffix",), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        for i, choice in enumerate(body.get("choices") or ()):
            if isinstance(choice, dict):
                c.text(choice.get("text"), ("choices", i, "text"), Role.ASSISTANT, Trust.MODEL)

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)


DIALECT = OpenAICompletions()
