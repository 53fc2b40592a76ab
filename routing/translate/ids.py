"""Deterministic tool-call ids across dialects.

A client resends its whole history every turn, so an id must map to the same target id
on every turn without any state in the proxy: the target id is a digest of the source
id. Both the assistant's tool call and the tool result that answers it go through the
same function, so they still match in the target dialect. No reverse map is needed: ids
minted by the fallback are mapped into the client's format the same way, and the client
sends those back.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

OPENAI = "call_"
ANTHROPIC = "toolu_"


def map_id(source: str, prefix: str) -> str:
    """`prefix` + 24 hex digits of SHA-256 over the source id (safe for every dialect:
    Anthropic requires `[a-zA-Z0-9_-]+`)."""
    return prefix + hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def mint_id(prefix: str, *parts: Any) -> str:
    """An id for a call that has none on the wire (Gemini, Ollama), derived from what
    identifies it in the response (position, name, arguments)."""
    raw = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return map_id(raw, prefix)
