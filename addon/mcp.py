"""The mitmproxy addon for MCP servers (`mcp.hosts`): hands JSON-RPC bodies and SSE
streams to the core (`llmwall.core.mcp`) and applies what it decides.

    requestheaders   an MCP host? start this flow's state; its configured upstream
    request          client -> server messages: forwarded, rewritten, or answered by
                     llmwall with JSON-RPC errors (a blocked tool call)
    responseheaders  an SSE answer (Streamable HTTP or the legacy GET stream): each
                     event decided as it passes
    response         a JSON answer: rewritten or replaced by JSON-RPC errors

The connection is intercepted by the Firewall's `tls_clienthello` (MCP hosts like LLM
hosts). Records are committed before the flow moves on; a record that cannot be written
blocks the message (fail closed), as for LLM traffic.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from mitmproxy import http

from llmwall.addon.runtime import Runtime
from llmwall.audit.record import AuditRecord
from llmwall.core.exchange import Exchange
from llmwall.core.mcp import ERROR_CODE, McpInspector, McpOutcome, legacy_session
from llmwall.core.refusals import content_free_reason

log = logging.getLogger("llmwall")
KEY = "llmwall.mcp"


@dataclass
class McpFlow:
    exchange: Exchange
    pending: list[Future[int]] = field(default_factory=list)


class McpGuard:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.mcp = runtime.config.mcp
        self._core = McpInspector(runtime.inspector)

    @property
    def core(self) -> McpInspector:
        """The MCP decisions, by the running policy (a reload swaps the inspector)."""
        self._core.inspector = self.rt.inspector
        return self._core

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        host = flow.request.pretty_host
        if not self.mcp.intercepts(host):
            return
        peer = flow.client_conn.peername
        auth = flow.metadata.get("proxyauth")
        flow.metadata[KEY] = McpFlow(
            Exchange(
                request_id=uuid.uuid4().hex,
                provider="mcp",
                dialect=None,
                host=host.lower(),
                path=flow.request.path.split("?", 1)[0],
                client=f"{peer[0]}:{peer[1]}" if peer else "",
                user=auth[0] if isinstance(auth, tuple) and auth else None,
                started=time.perf_counter(),
            )
        )
        flow.request.headers["accept-encoding"] = "identity"
        upstream = self.mcp.upstream.get(host.lower())
        if upstream:
            parts = urlsplit(upstream)
            flow.request.scheme = parts.scheme
            flow.request.host = parts.hostname or host
            flow.request.port = parts.port or (443 if parts.scheme == "https" else 80)
            flow.request.headers["host"] = host  # the server still sees its own name

    async def request(self, flow: http.HTTPFlow) -> None:
        state: McpFlow | None = flow.metadata.get(KEY)
        if state is None or flow.response is not None or flow.request.method != "POST":
            return
        try:
            outcome = self.core.request(
                state.exchange,
                flow.request.get_content() or b"",
                legacy_session(flow.request.path),
            )
        except Exception as exc:
            self._failed(flow, state, exc)
            return
        self._submit(state, outcome)
        if not await self._commit(flow, state):
            return
        if outcome.answer is not None:
            flow.response = _json(outcome.answer, 200 if outcome.answer else 202)
        elif outcome.content is not None:
            flow.request.content = outcome.content

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        state: McpFlow | None = flow.metadata.get(KEY)
        if state is None or flow.response is None:
            return
        ctype = flow.response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "text/event-stream":
            return
        flow.response.headers.pop("content-length", None)
        stream = self.core.stream(state.exchange, lambda r: self._record(state, r))

        def guarded(chunk: bytes) -> list[bytes]:
            try:
                out = stream(chunk)
            except Exception as exc:
                log.error("MCP stream inspection failed: %s", content_free_reason(exc))
                return [] if not self.rt.config.fail_open else [chunk]
            return [out] if out else []

        flow.response.stream = guarded

    async def response(self, flow: http.HTTPFlow) -> None:
        state: McpFlow | None = flow.metadata.get(KEY)
        if state is None or flow.response is None or flow.response.stream:
            if state is not None:
                await self._commit(flow, state)
            return
        ctype = flow.response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return
        try:
            outcome = self.core.response(state.exchange, flow.response.get_content() or b"")
        except Exception as exc:
            self._failed(flow, state, exc)
            return
        self._submit(state, outcome)
        if await self._commit(flow, state) and outcome.content is not None:
            flow.response.content = outcome.content

    # -- audit ---------------------------------------------------------------------------

    def _record(self, state: McpFlow, record: AuditRecord) -> None:
        state.pending.append(self.rt.audit.submit(record))

    def _submit(self, state: McpFlow, outcome: McpOutcome) -> None:
        for record in outcome.records:
            self._record(state, record)

    async def _commit(self, flow: http.HTTPFlow, state: McpFlow) -> bool:
        pending, state.pending = state.pending, []
        try:
            for fut in pending:
                await asyncio.wrap_future(fut)
        except Exception as exc:
            log.error("audit append failed for MCP flow: %s", type(exc).__name__)
            if not self.rt.config.fail_open:
                flow.response = _error(flow, "llmwall could not record this decision; blocked")
                return False
        return True

    def _failed(self, flow: http.HTTPFlow, state: McpFlow, exc: Exception) -> None:
        log.error(
            "MCP inspection failed for %s: %s", state.exchange.request_id, content_free_reason(exc)
        )
        if not self.rt.config.fail_open:
            flow.response = _error(flow, "llmwall could not inspect this MCP message; blocked")


def _json(body: bytes, status: int) -> http.Response:
    return http.Response.make(status, body, {"content-type": "application/json"})


def _error(flow: http.HTTPFlow, text: str) -> http.Response:
    import json

    body = {"jsonrpc": "2.0", "id": None, "error": {"code": ERROR_CODE, "message": text}}
    return _json(json.dumps(body).encode(), 200)
