"""The admin endpoint (`admin.listen`): GET /metrics, /healthz, /readyz.

Served by mitmproxy itself, on a listener of its own (a reverse-proxy mode whose flows
this addon answers before anything is connected), so there is no second HTTP stack:

    /metrics  Prometheus text format (llmwall.addon.telemetry)
    /healthz  200 while the process's event loop answers
    /readyz   200 once the proxy listens and the audit log takes records, else 503

Anything else gets 404; nothing but GET/HEAD is accepted.
"""

from __future__ import annotations

import json

from mitmproxy import http
from prometheus_client import CONTENT_TYPE_LATEST

from llmwall.addon.telemetry import Telemetry


def admin_mode(host: str, port: int) -> str:
    """The mitmproxy mode spec of the admin listener (the reverse target is never used:
    every flow is answered here)."""
    return f"reverse:http://127.0.0.1:9@{host}:{port}"


class Admin:
    def __init__(self, telemetry: Telemetry, spec: str, ready: object) -> None:
        self.telemetry = telemetry
        self.spec = spec
        self.ready = ready  # anything with a bool `ready` attribute (llmwall.addon.server.Ready)

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        if flow.client_conn.proxy_mode.full_spec != self.spec:
            return
        flow.metadata["llmwall.admin"] = True
        request = flow.request
        path = request.path.split("?", 1)[0]
        if request.method not in ("GET", "HEAD"):
            flow.response = _json(405, {"error": "only GET is served here"})
        elif path == "/metrics":
            body = self.telemetry.exposition()
            flow.response = http.Response.make(200, body, {"content-type": CONTENT_TYPE_LATEST})
        elif path == "/healthz":
            flow.response = _json(200, {"status": "ok"})
        elif path == "/readyz":
            ready = bool(getattr(self.ready, "ready", False))
            flow.response = _json(200 if ready else 503, {"ready": ready})
        else:
            flow.response = _json(404, {"error": "unknown path; try /metrics, /healthz, /readyz"})


def _json(status: int, body: dict[str, object]) -> http.Response:
    return http.Response.make(
        status, json.dumps(body).encode(), {"content-type": "application/json"}
    )
