"""The keys of an answer whose string values never carry text (ids, enums, model names,
signatures): the strings a dialect leaves unread are scanned, except under these
(`routing.dialects.leftovers`). No imports: the dialect interface uses it as its
default."""

from __future__ import annotations

# Keys whose string values are identifiers, enums, timestamps or opaque tokens in every
# answer shape llmwall reads (OpenAI, Anthropic, Gemini, Ollama).
NON_TEXT_KEYS = frozenset(
    {
        # OpenAI
        "id",
        "object",
        "model",
        "role",
        "type",
        "finish_reason",
        "system_fingerprint",
        "service_tier",
        "obfuscation",
        "created",
        "status",
        "call_id",
        "tool_call_id",
        "encrypted_content",
        # Anthropic
        "stop_reason",
        "signature",
        "tool_use_id",
        "media_type",
        # Gemini
        "responseId",
        "modelVersion",
        "finishReason",
        "thoughtSignature",
        "thought_signature",
        "mimeType",
        "category",
        "probability",
        "severity",
        "blockReason",
        "modality",
        "createTime",
        "trafficType",
        # Ollama
        "created_at",
        "done_reason",
        # embeddings as base64 floats (`encoding_format: base64`)
        "embedding",
    }
)


def is_non_text(key: object) -> bool:
    """A key in NON_TEXT_KEYS, or an id by its name (`item_id`, `fileId`)."""
    return isinstance(key, str) and (
        key in NON_TEXT_KEYS or key.endswith("_id") or (key.endswith("Id") and key[:1].islower())
    )
