"""No steering around the inspection: tunnel, host and path checks.

Two addons, because mitmproxy calls addons in the order they were added:

`RequestGuard` (before the firewall), for every HTTP request:
  - a request whose Host header or HTTP/2 `:authority` names another host than the one
    intercepted (the TLS SNI, else the CONNECT or URL host), or whose SNI differs from the
    CONNECT host, is refused with a 421 when any of those names is an LLM host;
  - on an LLM host the path is canonicalized (`llmwall.routing.paths`) before the
    firewall identifies the endpoint, and the canonical form is what goes upstream; a
    signed (SigV4) request whose path is not canonical cannot be rewritten: refused;
  - on a listener beyond loopback, a plain-HTTP request to one of llmwall's own, a
    loopback or a link-local address is refused (`llmwall.addon.exposure`);
  - requests to LLM-looking hosts missing from the table are counted in the inventory
    (by name, path and body shape) and refused with `unknown_llm_hosts: deny`.

`TunnelGuard` (after the firewall, so that it has the last word on interception):
  - CONNECT: internal targets refused (listener beyond loopback); LLM-looking unknown
    hosts counted and, with `deny`, refused with a 403;
  - TLS ClientHello: a connection is intercepted when its SNI *or* its CONNECT host is
    an LLM host (so an LLM host's SNI on a CONNECT to an IP address, or a harmless SNI on
    a CONNECT to an LLM host, is inspected and its requests checked above); a CONNECT to
    an address without SNI stays a passthrough unless the address is a configured host;
  - upstream connects: a last check of the resolved target (listener beyond loopback).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from mitmproxy import http, tls
from mitmproxy.proxy import server_hooks
from mitmproxy.proxy.mode_specs import RegularMode, ReverseMode

from llmwall.addon.answers import Answers
from llmwall.addon.exposure import InternalTargets
from llmwall.addon.inventory import Inventory
from llmwall.addon.runtime import Runtime
from llmwall.core.refusal import refusal
from llmwall.routing import paths, shadow
from llmwall.routing.signing import is_signed

log = logging.getLogger("llmwall")

MISMATCH = "llmwall refuses a request whose Host or :authority is not the host it connected to"
SNI_MISMATCH = "llmwall refuses a TLS connection whose SNI is not the host of its CONNECT"
INTERNAL = "llmwall refuses to connect to its own, loopback or link-local addresses"
UNKNOWN_LLM = "llmwall blocks LLM API hosts missing from its provider table (unknown_llm_hosts)"
SIGNED_PATH = "llmwall cannot rewrite the non-canonical path of a signed request"
BAD_VERSION = "llmwall could not read this request (unknown HTTP version)"
HTTP_VERSIONS = frozenset({"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3"})


def norm(host: str | None) -> str | None:
    if not host:
        return None
    return host.strip().strip("[]").lower().rstrip(".") or None


def authority_host(value: str) -> str | None:
    """The host part of a Host header or :authority (no userinfo, no port)."""
    value = value.strip().rpartition("@")[2]
    if value.startswith("["):
        return norm(value[1:].partition("]")[0])
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return norm(value)


def is_ip(host: str | None) -> bool:
    return bool(host) and shadow._is_ip(host or "")


class RequestGuard:
    def __init__(
        self, runtime: Runtime, answers: Answers, targets: InternalTargets, inventory: Inventory
    ) -> None:
        self.rt = runtime
        self.table = runtime.table
        self.answers = answers
        self.targets = targets
        self.inventory = inventory
        self.deny = runtime.config.unknown_llm_hosts == "deny"

    async def requestheaders(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:
            return
        try:
            await self._check(flow)
        except Exception:
            log.exception("request guard failed; refusing the request")
            await self.answers.refuse(
                flow, 403, "llmwall could not check this request", "llmwall_guard_failed",
                "block:guard_failed",
            )  # fmt: skip

    async def _check(self, flow: http.HTTPFlow) -> None:
        req = flow.request
        if isinstance(flow.client_conn.proxy_mode, ReverseMode):
            # the front door and the admin listener: the app names no tunnel, the
            # front door chose the provider; only the path is put in canonical form
            if self.table.is_llm_host(req.pretty_host):
                self._canonical_path(flow, req.pretty_host)
            return
        sni = norm(flow.client_conn.sni) if flow.client_conn.tls else None
        target = norm(req.host)
        claimed = {authority_host(a) for a in (req.authority, *req.headers.get_all("host")) if a}
        claimed.discard(None)
        names = {n for n in (sni, target, *claimed) if n}
        if any(self.table.is_llm_host(n) for n in names):
            intercepted = sni or target
            if req.http_version not in HTTP_VERSIONS:
                await self._refuse(flow, 400, BAD_VERSION, "llmwall_bad_request", "http_version")
                return
            if sni and target and not is_ip(target) and sni != target:
                await self._refuse(
                    flow, 421, SNI_MISMATCH, "llmwall_sni_mismatch", "sni_mismatch", target
                )
                return
            if any(h != intercepted for h in claimed):
                await self._refuse(
                    flow, 421, MISMATCH, "llmwall_host_mismatch", "host_mismatch", intercepted
                )
                return
            self._canonical_path(flow, intercepted or req.pretty_host)
            if flow.response is None and flow.metadata.get("llmwall.noncanonical_signed"):
                await self._refuse(flow, 400, SIGNED_PATH, "llmwall_bad_path", "noncanonical_path")
            return
        regular = isinstance(flow.client_conn.proxy_mode, RegularMode)
        if regular and not flow.client_conn.tls and target:
            reason = await self.targets.refused(target, req.port)
            if reason:
                await self._refuse(flow, 403, INTERNAL, "llmwall_internal_target", reason)
                return
        host = sni or target
        if host:
            found = shadow.host_reason(host) or shadow.request_reason(req.path, None)
            if found:
                self.inventory.saw(host, req.port, found, "requests", denied=self.deny)
                flow.metadata["llmwall.shadow_counted"] = True
                if self.deny:
                    await self._refuse(flow, 403, UNKNOWN_LLM, "llmwall_unknown_llm_host", found)

    async def request(self, flow: http.HTTPFlow) -> None:
        """A plain request to an unknown host whose body has an LLM API's shape."""
        if flow.response is not None or flow.metadata.get("llmwall.shadow_counted"):
            return
        req = flow.request
        host = norm(flow.client_conn.sni) or norm(req.host)
        if not host or self.table.is_llm_host(host) or not req.raw_content:
            return
        try:
            content = req.get_content(strict=False) if len(req.raw_content) < 4 << 20 else None
            found = shadow.request_reason("", content)
        except Exception:
            return
        if found:
            self.inventory.saw(host, req.port, found, "requests", denied=self.deny)
            if self.deny:
                await self._refuse(flow, 403, UNKNOWN_LLM, "llmwall_unknown_llm_host", found)

    def _canonical_path(self, flow: http.HTTPFlow, host: str) -> None:
        """`host`: the one the request goes to (checked to be the Host header's)."""
        req = flow.request
        provider = self.table.provider_for(host)
        if provider is None:
            return

        def matches(path: str) -> bool:
            found = self.table.identify(host, path)
            return found is not None and found.endpoint is not None

        form = paths.forward_form(req.path, matches, only_if_matched=provider.shared)
        if form == req.path:
            return
        if is_signed(req.headers):
            flow.metadata["llmwall.noncanonical_signed"] = True
            return
        req.path = form

    async def _refuse(
        self,
        flow: http.HTTPFlow,
        status: int,
        msg: str,
        code: str,
        rule: str,
        host: str | None = None,
    ) -> None:
        await self.answers.refuse(flow, status, msg, code, f"block:{rule}", host=host)


class TunnelGuard:
    def __init__(
        self,
        runtime: Runtime,
        answers: Answers,
        targets: InternalTargets,
        inventory: Inventory,
        relay_port: Callable[[], int] = lambda: 0,
    ) -> None:
        self.relay_port = relay_port  # llmwall's own loopback relay (llmwall.addon.relay)
        self.rt = runtime
        self.table = runtime.table
        self.answers = answers
        self.targets = targets
        self.inventory = inventory
        self.deny = runtime.config.unknown_llm_hosts == "deny"

    async def http_connect(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:  # proxy auth answered
            return
        try:
            host, port = flow.request.host, flow.request.port
            reason = await self.targets.refused(host, port)
            if reason:
                await self._refuse_connect(flow, 403, INTERNAL, "llmwall_internal_target", reason)
                return
            if self.table.is_llm_host(host):
                return
            found = shadow.host_reason(host)
            if found:
                self.inventory.saw(host, port, found, "connects", denied=self.deny)
                if self.deny:
                    await self._refuse_connect(
                        flow, 403, UNKNOWN_LLM, "llmwall_unknown_llm_host", found
                    )
        except Exception:
            log.exception("CONNECT guard failed; refusing the tunnel")
            flow.response = http.Response.make(403, b"llmwall could not check this tunnel")

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        try:
            sni = norm(data.client_hello.sni)
            address = data.context.server.address
            target = norm(address[0]) if address else None
            if (sni and self.table.is_llm_host(sni)) or (target and self.table.is_llm_host(target)):
                data.ignore_connection = False
                return
            found = shadow.host_reason(sni) if sni else None
            if sni and found and sni != target:  # the CONNECT name was counted at the CONNECT
                port = address[1] if address else 443
                self.inventory.saw(sni, port, found, "snis", denied=False)  # refused per request
            if found and self.deny:
                data.ignore_connection = False  # intercepted to answer each request: refused
        except Exception:  # deciding nothing means intercepting: the safe side
            log.exception("tls_clienthello guard failed; intercepting the connection")
            data.ignore_connection = False

    async def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        if data.server.error or not data.server.address or not self.targets.active:
            return
        if not isinstance(data.client.proxy_mode, RegularMode):
            return  # local capture, the front door: their targets are not a client's tunnel
        host, port = data.server.address[0], data.server.address[1]
        if host == "127.0.0.1" and port == self.relay_port():
            return
        try:
            reason = await self.targets.refused(host, port, upstream=True)
        except Exception:
            reason = "check_failed"
        if reason:
            data.server.error = f"llmwall refused an internal target ({reason})"

    async def _refuse_connect(
        self, flow: http.HTTPFlow, status: int, message: str, code: str, rule: str
    ) -> None:
        exchange, _ = self.answers.exchange(flow)
        await self.answers.record(exchange, "request", (f"block:{rule}",), status)
        shape = refusal(None, status, message, code, exchange.request_id)
        pairs = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in shape.headers]
        flow.response = http.Response.make(status, json.dumps(shape.body).encode(), pairs)
