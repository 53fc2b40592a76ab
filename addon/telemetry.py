"""What an operator watches: Prometheus metrics and one log line per finished request.

Both are built from a flow's FlowState once the flow is over (`response` or `error`):
its audit records, its route attempts and the time llmwall itself spent on it. Nothing
here reads a body: labels and log fields are provider, model, decision, rule and entity
names, counts, sizes and times (`docs/OPERATIONS.md`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter as Tally
from collections.abc import Iterator, Mapping
from typing import Any

from mitmproxy import http
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from llmwall.addon.flow_state import KEY, FlowState
from llmwall.routing.breaker import Breaker, State

request_log = logging.getLogger("llmwall.requests")

# seconds llmwall adds to a request: mostly well under 10 ms, with a tail
LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class _BreakerCollector(Collector):
    """`llmwall_breaker_open{upstream}`: read from the breaker at scrape time."""

    def __init__(self, breaker: Breaker) -> None:
        self.breaker = breaker

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "llmwall_breaker_open",
            "1 while the circuit of an upstream is open (requests skip it), else 0",
            labels=["upstream"],
        )
        for upstream in self.breaker.upstreams():
            gauge.add_metric([upstream], 1.0 if self.breaker.state(upstream) is State.OPEN else 0.0)
        yield gauge


class Telemetry:
    def __init__(self, breaker: Breaker, log_format: str = "text") -> None:
        self.registry = CollectorRegistry()
        self.log_format = log_format
        r = self.registry
        self.requests = Counter(
            "llmwall_requests",
            "requests decided, by the request's decision",
            ["provider", "decision"],
            registry=r,
        )
        self.responses = Counter(
            "llmwall_responses",
            "answers decided, by the answer's decision",
            ["provider", "decision"],
            registry=r,
        )
        self.findings = Counter(
            "llmwall_findings",
            "findings that counted under the policy",
            ["entity_type"],
            registry=r,
        )
        self.added = Histogram(
            "llmwall_added_latency_seconds",
            "time llmwall itself spent on a request (inspection, policy, audit commit)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.upstream_errors = Counter(
            "llmwall_upstream_errors",
            "failed upstream attempts: connect errors, timeouts, 5xx/429 that triggered a fallback",
            ["provider", "kind"],
            registry=r,
        )
        self.audit_records = Counter("llmwall_audit_records", "audit records committed", registry=r)
        self._breaker = _BreakerCollector(breaker)
        r.register(self._breaker)
        # set by the process that pushes to the SIEM; "max" keeps its value when the
        # counters of several workers are summed
        self.siem_backlog = Gauge(
            "llmwall_siem_backlog",
            "audit records committed but not yet confirmed by a SIEM sink",
            ["sink"],
            registry=r,
            multiprocess_mode="max",
        )
        self.siem_connected = Gauge(
            "llmwall_siem_connected",
            "1 while the last send to a SIEM sink succeeded",
            ["sink"],
            registry=r,
            multiprocess_mode="max",
        )
        self.siem_dropped = Gauge(
            "llmwall_siem_dropped",
            "records a SIEM sink skipped (on_full: drop) since start",
            ["sink"],
            registry=r,
            multiprocess_mode="max",
        )
        if log_format and not request_log.handlers:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(logging.Formatter("%(message)s"))
            request_log.addHandler(handler)
            request_log.propagate = False
            request_log.setLevel(logging.INFO)

    def siem(self, stats: Mapping[str, Any]) -> None:
        """The SIEM pusher's figures (llmwall.audit.siem.SinkStats per sink)."""
        for sink, s in stats.items():
            self.siem_backlog.labels(sink).set(s.backlog)
            self.siem_connected.labels(sink).set(1 if s.connected else 0)
            self.siem_dropped.labels(sink).set(s.dropped_total)

    def exposition(self) -> bytes:
        """/metrics. With several workers (llmwall.addon.workers) the counters live in
        prometheus_client's shared directory and are summed over the workers; the
        breaker gauge is this worker's own."""
        shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not shared:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=shared)
        registry.register(self._breaker)
        return generate_latest(registry)

    # -- mitmproxy hooks (after the Firewall's) ----------------------------------------

    def response(self, flow: http.HTTPFlow) -> None:
        self._finished(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        self._finished(flow, error=True)

    def _finished(self, flow: http.HTTPFlow, error: bool = False) -> None:
        state: FlowState | None = flow.metadata.get(KEY)
        if state is None or state.reported:
            return
        state.reported = True
        try:
            summary = summarize(flow, state, error)
            self.observe(summary)
            if self.log_format:
                request_log.info(format_line(summary, self.log_format))
        except Exception:  # telemetry must never break a flow
            logging.getLogger("llmwall").exception("telemetry failed")

    def observe(self, s: dict[str, Any]) -> None:
        provider = s["provider"]
        if s["request"]:
            self.requests.labels(provider, s["request"]).inc()
        if s["response"]:
            self.responses.labels(provider, s["response"]).inc()
        for entity, count in s["findings"].items():
            self.findings.labels(entity).inc(count)
        self.added.observe(s["added_ms"] / 1000)
        for kind in s["upstream_errors"]:
            self.upstream_errors.labels(provider, kind).inc()
        self.audit_records.inc(s["records"])


def summarize(flow: http.HTTPFlow, state: FlowState, error: bool) -> dict[str, Any]:
    """The content-free summary of one finished flow."""
    request = next((r for r in state.records if r.kind == "request"), None)
    response = next((r for r in reversed(state.records) if r.kind == "response"), None)
    findings: Tally[str] = Tally()
    rules: list[str] = []
    for record in state.records:
        for f in record.findings:
            findings[f.entity] += f.count
        rules += [r for r in record.rules if r not in rules]
    upstream_errors = [
        a["outcome"] for a in (state.reroute or {}).get("attempts", ()) if a["outcome"] != "ok"
    ]
    if error:
        upstream_errors.append("network_error")
    stream = (response.extra.get("stream") or {}) if response else {}
    sent = flow.response.raw_content if flow.response is not None else None
    return {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "request_id": state.exchange.request_id,
        "user": state.exchange.user,
        "client": state.exchange.client,
        "provider": state.exchange.provider,
        "model": state.model,
        "path": state.exchange.path,
        "request": request.decision.value if request else None,
        "response": response.decision.value if response else None,
        "rules": rules,
        "findings": dict(findings),
        "bytes_in": len(flow.request.raw_content or b""),
        "bytes_out": stream.get("bytes_out", len(sent or b"")),
        "status": flow.response.status_code if flow.response is not None else None,
        "added_ms": round(state.spent * 1000, 3),
        "route": (state.reroute or {}).get("to"),
        "upstream_errors": upstream_errors,
        "records": len(state.records),
    }


def format_line(s: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {k: v for k, v in s.items() if k not in ("records", "time")}, sort_keys=True
        )
    findings = ",".join(f"{e}x{n}" for e, n in sorted(s["findings"].items())) or "-"
    return (
        f"{s['request_id']} {s['user'] or '-'} {s['provider']} {s['model'] or '-'} "
        f"request={s['request'] or '-'} response={s['response'] or '-'} "
        f"status={s['status'] or '-'} findings={findings} "
        f"rules={','.join(s['rules']) or '-'} added={s['added_ms']}ms"
    )
