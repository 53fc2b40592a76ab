"""llmwall's own answers for flows that a guard or a limit stops, with their audit records.

Every such answer is built by `llmwall.core.refusal` in the shape of the provider the
client talks to (a host's first dialect when the path is not one llmwall reads; OpenAI's
shape for hosts that are not LLM hosts), carries `x-should-retry: false` and the request
id, and its audit record is committed before the client sees it. Messages are fixed,
content-free phrases.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
import weakref

from mitmproxy import http

from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.runtime import Runtime
from llmwall.addon.verdicts import http_response
from llmwall.core.exchange import Exchange
from llmwall.core.refusal import refusal
from llmwall.decision import Decision
from llmwall.routing.dialects.base import ErrorShape
from llmwall.routing.providers import ProviderTable

log = logging.getLogger("llmwall")

# Request ids handed out before mitmproxy made a flow (a malformed request head is
# answered first): the firewall's Exchange takes the same id, so answer and record match.
_EARLY_IDS: weakref.WeakKeyDictionary[http.Request, str] = weakref.WeakKeyDictionary()


def assign_request_id(request: http.Request) -> str:
    rid = _EARLY_IDS.get(request) or uuid.uuid4().hex
    _EARLY_IDS[request] = rid
    return rid


def request_id_for(request: http.Request) -> str:
    """The id an early answer gave this request, else a new one."""
    return _EARLY_IDS.pop(request, None) or uuid.uuid4().hex


def shape_dialect(table: ProviderTable, host: str, path: str) -> tuple[str, str | None, str | None]:
    """(provider, endpoint dialect, dialect to answer in) for a host and path."""
    match = table.identify(host, path) if host else None
    if match is None:
        return "", None, None
    dialect = match.endpoint.dialect if match.endpoint else None
    answer = dialect or (match.provider.endpoints[0].dialect if match.provider.endpoints else None)
    return match.provider.name, dialect, answer


class Answers:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    def exchange(self, flow: http.HTTPFlow, host: str | None = None) -> tuple[Exchange, str | None]:
        """This flow's Exchange (the firewall's, or one made here) and the answer dialect.
        `host`: the host the client really talks to, when its Host header lies."""
        state: FlowState | None = flow.metadata.get(KEY)
        req = flow.request
        host = host or req.pretty_host
        path = req.path.split("?", 1)[0]
        provider, dialect, answer = shape_dialect(self.rt.table, host, path)
        if state is not None:
            return state.exchange, state.exchange.dialect or answer
        peer = flow.client_conn.peername
        auth = flow.metadata.get("proxyauth")
        exchange = Exchange(
            request_id=request_id_for(req),
            provider=provider,
            dialect=dialect,
            host=host,
            path=path,
            client=f"{peer[0]}:{peer[1]}" if peer else "",
            user=auth[0] if isinstance(auth, tuple) and auth else None,
            started=time.perf_counter(),
        )
        return exchange, answer

    def shape(
        self, flow: http.HTTPFlow, status: int, message: str, code: str, host: str | None = None
    ) -> tuple[Exchange, ErrorShape]:
        exchange, dialect = self.exchange(flow, host)
        return exchange, refusal(dialect, status, message, code, exchange.request_id)

    async def refuse(
        self,
        flow: http.HTTPFlow,
        status: int,
        message: str,
        code: str,
        rule: str,
        *,
        kind: str = "request",
        host: str | None = None,
    ) -> None:
        """Answer `flow` with llmwall's error and commit its block record first."""
        exchange, shape = self.shape(flow, status, message, code, host)
        await self.record(exchange, kind, (rule,), status)
        state: FlowState | None = flow.metadata.get(KEY)
        if state is not None:
            state.answered = True
        flow.response = http_response(shape)

    async def record(
        self,
        exchange: Exchange,
        kind: str,
        rules: tuple[str, ...],
        status: int | None,
        decision: Decision = Decision.BLOCK,
    ) -> None:
        record = self.rt.inspector.recorder.record(
            exchange, kind, decision, rules=rules, status=status
        )
        try:
            await asyncio.wrap_future(self.rt.audit.submit(record))
        except Exception as exc:  # the answer is a block either way
            log.error("audit append failed for %s: %s", exchange.request_id, type(exc).__name__)

    def record_later(
        self,
        exchange: Exchange,
        kind: str,
        rules: tuple[str, ...],
        status: int | None,
        decision: Decision = Decision.BLOCK,
    ) -> None:
        """For answers mitmproxy sends from inside its protocol layers, where nothing can
        wait: the record is queued in order with the others."""
        record = self.rt.inspector.recorder.record(
            exchange, kind, decision, rules=rules, status=status
        )
        self.rt.audit.submit(record)
