"""Turning the core's answers into mitmproxy objects (the only direction: core -> flow)."""

from __future__ import annotations

import json

from mitmproxy import http

from llmwall.routing.dialects.base import ErrorShape


def http_response(shape: ErrorShape) -> http.Response:
    """llmwall's own answer, built by `llmwall.core.refusal` (headers included)."""
    headers = http.Headers([(k.encode("latin-1"), v.encode("latin-1")) for k, v in shape.headers])
    return http.Response.make(shape.status, json.dumps(shape.body).encode(), headers)
