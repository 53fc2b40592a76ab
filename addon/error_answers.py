"""Every error mitmproxy itself would answer on an LLM host, in the provider's shape.

Installs `llmwall.addon.mitm_patches` with two answerers:

- a flow's error before its response started (body over the limit, unreachable or broken
  upstream, a timeout from `llmwall.addon.timeouts`, a request that fails validation):
  llmwall's provider-shaped error with `x-should-retry: false` and the flow's request id;
- an error inside a streamed response llmwall inspects: the dialect's own error event and a
  clean end of the stream, instead of a cut connection;
- a malformed HTTP/1 request head on an intercepted LLM host: the same JSON error, and an
  audit record when no flow was ever made.

Hosts that are not LLM hosts keep mitmproxy's own answers. The `error` hook records the
errors mitmproxy answers itself that are the client's doing (a body over `limits.max_body`,
a malformed request) as blocked requests; upstream failures are the firewall's
`upstream_error` records.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from mitmproxy import http
from mitmproxy.net.http import http1
from mitmproxy.proxy import commands
from mitmproxy.proxy.layers import http as http_layer
from mitmproxy.proxy.layers.http import ErrorCode

from llmwall.addon import mitm_patches
from llmwall.addon.answers import Answers, assign_request_id, shape_dialect
from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.runtime import Runtime
from llmwall.core.exchange import Exchange
from llmwall.core.refusal import refusal
from llmwall.decision import Decision

ERROR = Decision.ERROR

log = logging.getLogger("llmwall")

# flow.metadata keys other llmwall addons set to say why a flow failed
TIMEOUT = "llmwall.timeout"  # "connect" | "read" | "stream_idle"
REFUSED_TARGET = "llmwall.refused_target"  # the guard refused the upstream address

_CLIENT_ERRORS = (
    ErrorCode.GENERIC_CLIENT_ERROR,
    ErrorCode.REQUEST_VALIDATION_FAILED,
    ErrorCode.DESTINATION_UNKNOWN,
)


def _explain(code: ErrorCode, status: int) -> tuple[str, str]:
    """(message, error code) for one of mitmproxy's own failures: fixed phrases only."""
    if code is ErrorCode.REQUEST_TOO_LARGE:
        return (
            "llmwall: the request body is larger than limits.max_body",
            "llmwall_request_too_large",
        )
    if code is ErrorCode.RESPONSE_TOO_LARGE:
        return (
            "llmwall: the upstream's response body is larger than limits.max_body",
            "llmwall_response_too_large",
        )
    if code is ErrorCode.CONNECT_FAILED:
        return "llmwall could not connect to the upstream", "llmwall_upstream_unreachable"
    if code is ErrorCode.RESPONSE_VALIDATION_FAILED:
        return "llmwall refused a malformed response from the upstream", "llmwall_upstream_error"
    if code in _CLIENT_ERRORS or status == 400:
        return "llmwall could not read this request (malformed HTTP)", "llmwall_bad_request"
    return "the upstream closed the connection before answering", "llmwall_upstream_error"


class ErrorAnswers:
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        self.rt = runtime
        self.answers = answers

    def load(self, loader: Any) -> None:
        mitm_patches.install(self._stream_answer, self._head_answer)

    # -- the answerers (called inside mitmproxy's layers: synchronous, must not raise) ----

    def _stream_answer(self, stream: Any, event: Any) -> list[commands.Command] | None:
        try:
            return self._answer(stream, event)
        except Exception:
            log.exception("building llmwall's answer to a mitmproxy error failed")
            return None

    def _answer(self, stream: Any, event: Any) -> list[commands.Command] | None:
        flow: http.HTTPFlow | None = getattr(stream, "flow", None)
        status = event.code.http_status_code()
        if flow is None or flow.request is None or status is None:
            return None
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None and not self.rt.table.is_llm_host(flow.request.pretty_host):
            return None
        message, code = _explain(event.code, status)
        timeout = flow.metadata.get(TIMEOUT)
        if timeout:
            seconds = getattr(self.rt.config.timeouts, timeout)
            status, code = 504, "llmwall_upstream_timeout"
            message = (
                f"llmwall: the upstream did not answer within timeouts.{timeout} ({seconds:g} s)"
            )
        elif flow.metadata.get(REFUSED_TARGET):
            status, code = 403, "llmwall_internal_target"
            message = "llmwall refuses to connect to this address (allow_internal_targets)"
        client = stream.context.client
        sid = stream.stream_id
        if mitm_patches.response_started(stream):
            inspector = state.inspector if state is not None else None
            if inspector is None or inspector.done:
                return None
            inspector.done = True
            if not timeout:
                message = "the upstream ended the response stream early"
            data = inspector.dialect.error_event(message, code)
            return [
                http_layer.SendHttp(http_layer.ResponseData(sid, data), client),
                http_layer.SendHttp(http_layer.ResponseEndOfMessage(sid), client),
            ]
        _, shape = self.answers.shape(flow, status, message, code)
        response = _response(shape.status, shape.body, shape.headers)
        out: list[commands.Command] = [
            http_layer.SendHttp(http_layer.ResponseHeaders(sid, response, False), client),
            http_layer.SendHttp(http_layer.ResponseData(sid, response.raw_content or b""), client),
            http_layer.SendHttp(http_layer.ResponseEndOfMessage(sid), client),
        ]
        if not (flow.request.is_http2 or flow.request.is_http3) and (
            stream.client_state != stream.state_done
        ):
            out.append(commands.CloseConnection(client))  # the rest of the body is not read
        return out

    def _head_answer(self, conn: Any, status: int, message: str = "") -> bytes | None:
        try:
            request: http.Request | None = getattr(conn, "request", None)
            host = (
                (request.pretty_host if request is not None else None)
                or conn.context.client.sni
                or _quoted_target_host(message)
            )
            if not host or not self.rt.table.is_llm_host(host):
                return None
            path = request.path.split("?", 1)[0] if request is not None else ""
            provider, dialect, answer = shape_dialect(self.rt.table, host, path)
            rid = assign_request_id(request) if request is not None else None
            message, code = _explain(ErrorCode.GENERIC_CLIENT_ERROR, status)
            if rid is None:  # no flow will ever exist: record it here
                peer = conn.context.client.peername
                exchange = Exchange(
                    request_id=uuid.uuid4().hex,
                    provider=provider,
                    dialect=dialect,
                    host=host,
                    path="",
                    client=f"{peer[0]}:{peer[1]}" if peer else "",
                    started=time.perf_counter(),
                )
                rid = exchange.request_id
                self.answers.record_later(exchange, "request", ("bad_request",), status, ERROR)
            shape = refusal(answer, status, message, code, rid)
            response = _response(
                shape.status, shape.body, (*shape.headers, ("connection", "close"))
            )
            return bytes(http1.assemble_response(response))
        except Exception:
            log.exception("building llmwall's answer to a malformed request failed")
            return None

    # -- the error hook: records for what mitmproxy answered -------------------------------

    async def error(self, flow: http.HTTPFlow) -> None:
        """mitmproxy ended the flow before the request was whole (a body over the limit, a
        malformed or abandoned request): record that request, as blocked or as a client
        error, instead of the firewall's upstream error."""
        try:
            state: FlowState | None = flow.metadata.get(KEY)
            if state is None or state.answered or flow.response is not None:
                return
            if flow.request.timestamp_end is not None:
                return  # the request went upstream: an upstream error, the firewall's record
            msg = flow.error.msg if flow.error else ""
            if "Request body exceeds" in msg:
                rule, status, decision = "request_too_large", 413, Decision.BLOCK
            else:
                rule, status, decision = "client_error", 400, ERROR
            state.answered = True
            await self.answers.record(state.exchange, "request", (rule,), status, decision)
        except Exception:
            log.exception("recording a refused request failed")


# the authority of an absolute-form target quoted in mitmproxy's "Bad HTTP request line"
# reason (a plain-HTTP proxy request such as `POST http://user:pw@api.openai.com/...`)
_QUOTED_TARGET = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://(?:[^/@\s'\"]*@)?([^/:@\s'\"?#]+)")


def _quoted_target_host(message: str) -> str:
    m = _QUOTED_TARGET.search(message)
    return m.group(1).lower() if m else ""


def _response(status: int, body: Any, headers: Any) -> http.Response:
    raw = json.dumps(body).encode()
    pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    response = http.Response.make(status, raw, http.Headers(pairs))
    response.headers["content-length"] = str(len(raw))
    return response
