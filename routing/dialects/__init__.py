"""One module per wire dialect; `get(name)` returns its instance.

The registry is one explicit mapping (no discovery): adding a dialect is a new module
and a line here.
"""

from __future__ import annotations

from importlib import import_module

from llmwall.routing.dialects.base import Dialect

_MODULES: dict[str, str] = {
    "openai_chat": "llmwall.routing.dialects.openai_chat",
    "openai_responses": "llmwall.routing.dialects.openai_responses",
    "openai_completions": "llmwall.routing.dialects.openai_completions",
    "openai_embeddings": "llmwall.routing.dialects.openai_embeddings",
    "anthropic": "llmwall.routing.dialects.anthropic",
    "gemini": "llmwall.routing.dialects.gemini",
    "gemini_embed": "llmwall.routing.dialects.gemini_embed",
    "cohere": "llmwall.routing.dialects.cohere",
    "ollama": "llmwall.routing.dialects.ollama",
    "bedrock_converse": "llmwall.routing.dialects.bedrock_converse",
    "bedrock_invoke": "llmwall.routing.dialects.bedrock_invoke",
    "generic": "llmwall.routing.dialects.generic",
    "openai_moderations": "llmwall.routing.dialects.openai_moderations",
    "openai_files": "llmwall.routing.dialects.openai_files",
    "openai_uploads": "llmwall.routing.dialects.openai_uploads",
    "openai_batches": "llmwall.routing.dialects.openai_batches",
    "openai_assistants": "llmwall.routing.dialects.openai_assistants",
    "openai_vector_stores": "llmwall.routing.dialects.openai_vector_stores",
    "openai_audio": "llmwall.routing.dialects.openai_audio",
    "openai_images": "llmwall.routing.dialects.openai_images",
    "openai_conversations": "llmwall.routing.dialects.openai_conversations",
    "anthropic_batches": "llmwall.routing.dialects.anthropic_batches",
    "anthropic_files": "llmwall.routing.dialects.anthropic_files",
    "anthropic_complete": "llmwall.routing.dialects.anthropic_complete",
    "gemini_caches": "llmwall.routing.dialects.gemini_caches",
    "gemini_batches": "llmwall.routing.dialects.gemini_batches",
    "gemini_files": "llmwall.routing.dialects.gemini_files",
    "gemini_tuning": "llmwall.routing.dialects.gemini_tuning",
}


def names() -> frozenset[str]:
    return frozenset(_MODULES)


def get(name: str) -> Dialect | None:
    module = _MODULES.get(name)
    if module is None:
        return None
    dialect: Dialect = import_module(module).DIALECT
    return dialect
