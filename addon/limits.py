"""Bounded bodies: decoded size, compression ratio, trailers (an addon before the firewall).

mitmproxy's own `body_size_limit` (set from `limits.max_body`) bounds a body as it travels;
here an encoded body on an LLM host is decoded once, within `limits.max_decompressed` and
`limits.max_ratio` (`llmwall.addon.decoding`), before the firewall reads it:

- a request that decodes beyond the limits is refused with a provider-shaped 413 (within
  a fraction of a second, whatever it claims to expand to); one within them is forwarded
  decoded (identity), so that what was scanned is what leaves;
- a non-streamed response likewise, answered with a provider-shaped 502 (the client did
  nothing wrong); streamed responses are bounded by the firewall's stream decoder
  (`decoding.stream_decoder`, `limits.max_stream`);
- a request with HTTP trailers (HTTP/1 chunked or HTTP/2) is refused with a 400: mitmproxy
  cannot forward them to an HTTP/1 upstream and they would carry unscanned data; response
  trailers are dropped for HTTP/1 clients, which mitmproxy cannot send them to, and for
  every client on an intercepted LLM flow (they are never read).
"""

from __future__ import annotations

import logging

from mitmproxy import http

from llmwall.addon.answers import Answers
from llmwall.addon.decoding import decode_body, encodings
from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.runtime import Runtime
from llmwall.addon.verdicts import http_response
from llmwall.errors import BodyTooLarge, InspectionError
from llmwall.routing.signing import is_signed

log = logging.getLogger("llmwall")

TRAILERS = "llmwall does not accept HTTP trailers on requests to LLM APIs"


class Limits:
    def __init__(self, runtime: Runtime, answers: Answers) -> None:
        self.rt = runtime
        self.limits = runtime.config.limits
        self.answers = answers

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:
            return
        req = flow.request
        if req.trailers:
            await self.answers.refuse(
                flow, 400, TRAILERS, "llmwall_request_trailers", "block:request_trailers"
            )
            return
        state: FlowState | None = flow.metadata.get(KEY)
        header = req.headers.get("content-encoding", "")
        if state is None or not req.raw_content or not encodings(header):
            return
        try:
            decoded = decode_body(
                req.raw_content,
                header,
                self.limits.max_decompressed,
                self.limits.max_ratio,
                "the request body",
            )
        except BodyTooLarge as exc:
            await self.answers.refuse(
                flow, 413, f"llmwall refused the request: {exc}", "llmwall_request_too_large",
                "block:request_too_large",
            )  # fmt: skip
            return
        except InspectionError:
            return  # the firewall refuses a body it cannot read, with its own record
        if is_signed(req.headers):
            return  # a signed body cannot change; the firewall reads it (now known bounded)
        del req.headers["content-encoding"]
        req.content = decoded

    async def response(self, flow: http.HTTPFlow) -> None:
        response = flow.response
        if response is None:
            return
        state: FlowState | None = flow.metadata.get(KEY)
        h1 = not (flow.request.is_http2 or flow.request.is_http3)
        if response.trailers and (h1 or state is not None):
            # an LLM answer's trailers are never read, so never forwarded (HTTP/2 and
            # HTTP/3 clients would get them: an upstream's x-debug after the body)
            response.trailers = None
        if state is None or state.answered or state.inspector is not None or state.stream_unscanned:
            return
        header = response.headers.get("content-encoding", "")
        if not response.raw_content or not encodings(header):
            return
        try:
            decoded = decode_body(
                response.raw_content,
                header,
                self.limits.max_decompressed,
                self.limits.max_ratio,
                "the upstream's response body",
            )
        except BodyTooLarge as exc:
            exchange, shape = self.answers.shape(
                flow, 502, f"llmwall refused the response: {exc}", "llmwall_response_too_large"
            )
            await self.answers.record(exchange, "response", ("block:response_too_large",), 502)
            state.answered = True
            flow.response = http_response(shape)
            return
        except InspectionError:
            return
        del response.headers["content-encoding"]
        response.content = decoded
