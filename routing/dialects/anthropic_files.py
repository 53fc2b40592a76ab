"""Anthropic Files (`/v1/files`, beta): the same multipart upload as OpenAI's (read by
`openai_files`: the file by its own type, its name), answered in Anthropic's error
shape; file metadata and downloaded content come back as documents."""

from __future__ import annotations

from llmwall.routing.dialects.anthropic import DIALECT as MESSAGES
from llmwall.routing.dialects.base import ErrorShape
from llmwall.routing.dialects.openai_files import OpenAIFiles


class AnthropicFiles(OpenAIFiles):
    name = "anthropic_files"

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return MESSAGES.error(status, message, code)


DIALECT = AnthropicFiles()
