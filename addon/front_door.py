"""The front door: an OpenAI-compatible reverse endpoint apps reach by their base URL.

Served by mitmproxy's own reverse mode on `front_door.listen`; this addon turns each
request into an ordinary flow to the provider it names, and the Firewall then inspects
it like any other (policy, audit, fallback, streams):

    /openai/v1/chat/completions    -> https://api.openai.com/v1/chat/completions
    /anthropic/v1/messages         -> https://api.anthropic.com/v1/messages
    /<provider>/<its own path>     -> that provider (its `providers.<name>.upstream`, if set)
    /v1/... with model "anthropic/claude-x" -> translated to Anthropic, like a fallback

With `front_door.keys`, the app presents a virtual key (in `Authorization: Bearer`,
`x-api-key`, `x-goog-api-key` or `api-key`); the flow takes that key's identity and the
real credential replaces the virtual one. A request without a valid key gets the
provider's 401 shape and is never forwarded.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from mitmproxy import http

from llmwall.addon.flow_state import KEY, FlowState
from llmwall.addon.verdicts import http_response
from llmwall.core.front_door import FrontDoor, VirtualKey
from llmwall.core.refusal import refusal
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.providers import PROVIDERS, ProviderTable
from llmwall.routing.routes import Route, default_dialect

log = logging.getLogger("llmwall.front_door")

METADATA = "llmwall.front_door"
_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-goog-api-key", "api-key")
_BY_NAME = {p.name: p for p in PROVIDERS}


def front_door_mode(host: str, port: int) -> str:
    """The mitmproxy mode spec of the front door's listener (plain HTTP towards apps;
    the reverse target is replaced per request)."""
    return f"reverse:http://api.openai.com:443@{host}:{port}"


@dataclass
class DoorRequest:
    """What the front door learnt about a request before the Firewall sees it."""

    provider: str
    key: VirtualKey | None
    route: Route | None = None


class FrontDoorAddon:
    def __init__(self, door: FrontDoor, spec: str, table: ProviderTable) -> None:
        self.door = door
        self.spec = spec
        self.table = table

    def _ours(self, flow: http.HTTPFlow) -> bool:
        return flow.client_conn.proxy_mode.full_spec == self.spec

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        if not self._ours(flow):
            return
        request = flow.request
        path = request.path
        first, _, rest = path.lstrip("/").partition("/")
        if first in _BY_NAME:
            provider, path = first, "/" + rest
        else:
            provider = "openai"  # /v1/... is OpenAI's own path
        target = _BY_NAME[provider]
        host = next((h for h in target.hosts if "*" not in h), None)
        if host is None:
            message = f"llmwall: {provider} has no fixed host; the front door cannot reach it"
            return self._refuse(flow, provider, 404, message, "llmwall_no_upstream")
        key = None
        if self.door.keys:
            presented = _presented_key(request.headers)
            key = self.door.key(presented)
            if key is None:
                message = "llmwall: a valid virtual key is required"
                return self._refuse(flow, provider, 401, message, "llmwall_invalid_key")
            for name in _CREDENTIAL_HEADERS:
                request.headers.pop(name, None)
            target_here = key.targets.get(provider)
            if target_here is not None:  # the real credential, in the header it goes in
                speaker = get_dialect(target_here.dialect)
                assert speaker is not None
                for name, value in speaker.upstream_headers(target_here.api_key).items():
                    request.headers[name] = value
            if key.user:
                flow.metadata["proxyauth"] = (key.user, "")
        request.scheme, request.host, request.port = "https", host, 443
        request.path = path
        request.headers["host"] = host
        flow.metadata[METADATA] = DoorRequest(provider, key)

    def request(self, flow: http.HTTPFlow) -> None:
        """A model named `<provider>/<model>`: the request is translated there."""
        door: DoorRequest | None = flow.metadata.get(METADATA)
        state: FlowState | None = flow.metadata.get(KEY)
        if door is None or state is None or flow.response is not None:
            return
        try:
            body = json.loads(flow.request.get_content(strict=True) or b"")
        except ValueError:
            return  # the Firewall answers a body it cannot read
        model = body.get("model") if isinstance(body, dict) else None
        if not isinstance(model, str) or "/" not in model:
            return
        provider, _, name = model.partition("/")
        if provider not in _BY_NAME:
            return  # a model id with a slash of its own (OpenRouter style): leave it
        if provider == door.provider:
            body["model"] = name
            flow.request.content = json.dumps(body, ensure_ascii=False).encode()
            return
        route = self.door.route_to(door.key, provider, name) if door.key else None
        if route is None:
            return self._refuse(
                flow,
                door.provider,
                400,
                f"llmwall: no credential for {provider}: add it to this virtual key's "
                "front_door credentials",
                "llmwall_no_credential",
            )
        state.asked_route = route

    @staticmethod
    def _refuse(flow: http.HTTPFlow, provider: str, status: int, message: str, code: str) -> None:
        dialect = default_dialect(_BY_NAME[provider])
        flow.response = http_response(refusal(dialect, status, message, code, uuid.uuid4().hex))


def _presented_key(headers: http.Headers) -> str | None:
    for name in _CREDENTIAL_HEADERS:
        value = headers.get(name)
        if value:
            return value.removeprefix("Bearer ").strip()
    return None
