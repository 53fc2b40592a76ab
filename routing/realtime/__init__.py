"""WebSocket frame protocols: one module per protocol; `get(name)` returns its instance.

An endpoint of the provider table names the protocol its path speaks after an upgrade
(`Endpoint.frames`); the registry is one explicit mapping, like the dialects'.
"""

from __future__ import annotations

from importlib import import_module

from llmwall.routing.realtime.base import FrameProtocol

_MODULES: dict[str, str] = {
    "openai_realtime": "llmwall.routing.realtime.openai_realtime",
    "responses_ws": "llmwall.routing.realtime.responses_ws",
    "gemini_live": "llmwall.routing.realtime.gemini_live",
}


def names() -> frozenset[str]:
    return frozenset(_MODULES)


def get(name: str) -> FrameProtocol | None:
    module = _MODULES.get(name)
    if module is None:
        return None
    protocol: FrameProtocol = import_module(module).PROTOCOL
    return protocol
