"""Logprobs: an answer's text again, token by token (OpenAI chat `choices[].logprobs
.content`, Responses `logprobs` lists). Each token item is `{"token", "logprob",
"bytes", "top_logprobs"}`; the tokens of one list, joined, are the text they repeat.

Read apart, the tokens of a redacted value would still spell it out; so a list's
tokens are one text in parts (redacted in each token it covers), and what mirrors a
rewritten token is made to agree with it: its `bytes` (the UTF-8 bytes as numbers)
are re-encoded and its `top_logprobs` emptied (the first alternative is the token
itself, as the model chose it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmwall.routing.segment import Path


def token_items(node: Any) -> bool:
    """Is `node` a list of token items (at least one, every dict with a string token)?"""
    return (
        isinstance(node, list)
        and bool(node)
        and all(isinstance(i, dict) and isinstance(i.get("token"), str) for i in node)
    )


def mirrors(body: Any, rewrites: Mapping[Path, str]) -> dict[Path, Any]:
    """The `bytes` and `top_logprobs` of every rewritten token, made to match it."""
    out: dict[Path, Any] = {}
    for path, text in rewrites.items():
        if len(path) < 3 or path[-1] != "token" or "logprobs" not in path:
            continue
        holder = _get(body, path[:-1])
        if not isinstance(holder, dict):
            continue
        if isinstance(holder.get("bytes"), list):
            out[(*path[:-1], "bytes")] = list(text.encode())
        if isinstance(holder.get("top_logprobs"), list) and holder["top_logprobs"]:
            out[(*path[:-1], "top_logprobs")] = []
    return out


def _get(node: Any, path: Path) -> Any:
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node
