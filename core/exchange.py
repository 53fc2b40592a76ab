"""What the core knows about one request/response pair: where it goes and who sent it.

Built by the proxy adapter from a flow (or by `llmwall scan` for a bare text); never
carries content. `started` is the perf_counter reading of the first hook, for the
latency in audit records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Exchange:
    request_id: str
    provider: str  # provider table name ("" for a text scanned outside the proxy)
    dialect: str | None  # None: an LLM host, but a path no dialect reads
    host: str = ""
    path: str = ""  # without the query string
    client: str = ""  # the client's address, "ip:port"
    user: str | None = None  # the authenticated proxy user, if any
    started: float = 0.0
