"""One event per audit record in a SIEM's own schema: jsonl, cef, ocsf, ecs, splunk-hec.

jsonl       the stored record plus seq, time, prev_hash, hash; re-verifiable offline
            (`parse_jsonl` gives back the exact canonical text the hash covers).
cef         ArcSight CEF:0, header fields escaped for `\\` and `|`, extension values
            for `\\`, `=` and line breaks; standard keys (rt, act, src, spt, suser,
            dhost, request, outcome, externalId) and labelled custom strings cs1..cs6.
ocsf        OCSF 1.5.0 class 6003 "API Activity" (category 6 Application Activity):
            an LLM API call is an API call by an actor from an endpoint; the verdict
            goes to disposition_id/action_id, findings to `unmapped`, the chain to
            metadata. activity_id 1 (Create): a completion request creates a response.
ecs         Elastic Common Schema 8.x: @timestamp, event.* (kind event, category web,
            type access + allowed/denied), source, user, url, http, rule, observer;
            llmwall-specific fields under `llmwall.*`.
splunk-hec  the HTTP Event Collector envelope: time (epoch seconds), host, source,
            sourcetype "llmwall:audit", event (the jsonl object), fields (indexed,
            strings only).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from llmwall import __version__
from llmwall.audit import canonical
from llmwall.decision import Decision

VENDOR = "llmwall"
PRODUCT = "llmwall"
VERSION = __version__
OCSF_VERSION = "1.5.0"
ECS_VERSION = "8.11.0"

Row = tuple[int, str, str, str, str]  # seq, time, record, prev_hash, hash

# Per decision of the one vocabulary (llmwall.decision): every member has an entry.
_BLOCKING = {Decision.BLOCK}
_SEVERITY = {
    Decision.ALLOW: 1,
    Decision.REDACT: 4,
    Decision.REROUTE: 3,
    Decision.BLOCK: 7,
    Decision.UNSCANNED: 8,
    Decision.ERROR: 5,
    Decision.SHADOW: 3,
    Decision.PSEUDONYMIZE: 4,
}


def iter_rows(db: Any, since: str | None = None) -> Iterator[Row]:
    sql = "SELECT seq, time, record, prev_hash, hash FROM records"
    params: tuple[Any, ...] = ()
    if since:
        sql, params = sql + " WHERE time >= ?", (since,)
    yield from db.execute(sql + " ORDER BY seq", params)


def event(row: Row) -> dict[str, Any]:
    """The jsonl object: the record's fields plus its place in the chain."""
    seq, time, record, prev, digest = row
    obj = json.loads(record)
    obj.update(seq=seq, time=time, prev_hash=prev, hash=digest)
    return obj


def to_jsonl(row: Row) -> str:
    return canonical.dumps(event(row))


def parse_jsonl(line: str) -> Row:
    """Inverse of `to_jsonl`: the row whose hash can be recomputed from the export alone."""
    obj = json.loads(line)
    envelope = [obj.pop(k) for k in ("seq", "time", "prev_hash", "hash")]
    seq, time, prev, digest = envelope
    return seq, time, canonical.dumps(obj), prev, digest


def _epoch(time: str) -> float:
    return canonical.parse_time(time).timestamp()


def _split_client(client: str) -> tuple[str, int | None]:
    host, sep, port = client.rpartition(":")
    if sep and port.isdigit() and host:
        return host.strip("[]"), int(port)
    return client, None


def _findings(obj: dict[str, Any]) -> str:
    return ",".join(f"{f['entity']}:{f['count']}:{f['max_score']}" for f in obj["findings"])


# --- CEF -----------------------------------------------------------------------------


def cef_header(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r", " ").replace("\n", " ")


def cef_value(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace("=", "\\=")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r")


def to_cef(row: Row) -> str:
    obj = event(row)
    decision = obj["decision"]
    ip, port = _split_client(obj["client"])
    ext: list[tuple[str, Any]] = [
        ("rt", int(_epoch(obj["time"]) * 1000)),
        ("act", decision),
        ("outcome", "failure" if decision in _BLOCKING else "success"),
        ("externalId", obj["request_id"]),
        ("cat", obj["kind"]),
        ("src", ip),
        ("spt", port),
        ("suser", obj["identity"]),
        ("dhost", obj["host"]),
        ("request", obj["path"]),
        ("cs1Label", "provider"),
        ("cs1", obj["provider"]),
        ("cs2Label", "model"),
        ("cs2", obj["model"]),
        ("cs3Label", "rules"),
        ("cs3", ",".join(obj["rules"])),
        ("cs4Label", "findings"),
        ("cs4", _findings(obj)),
        ("cs5Label", "recordHash"),
        ("cs5", obj["hash"]),
        ("cs6Label", "bodyDigest"),
        ("cs6", obj["body_digest"]),
        ("cn1Label", "seq"),
        ("cn1", obj["seq"]),
        ("cn2Label", "httpStatus"),
        ("cn2", obj["status"]),
    ]
    body = " ".join(f"{k}={cef_value(v)}" for k, v in ext if v not in (None, ""))
    header = [
        "CEF:0",
        VENDOR,
        PRODUCT,
        VERSION,
        f"llmwall:{obj['kind']}:{decision}",
        f"LLM {obj['kind']} {decision}",
        _SEVERITY.get(decision, 5),
    ]
    return "|".join(cef_header(str(h)) if i else str(h) for i, h in enumerate(header)) + "|" + body


# --- OCSF ----------------------------------------------------------------------------

_OCSF_DISPOSITION = {  # decision -> (disposition_id, action_id)
    Decision.ALLOW: (1, 1),
    Decision.REDACT: (11, 4),
    Decision.REROUTE: (7, 4),
    Decision.BLOCK: (2, 2),
    Decision.UNSCANNED: (1, 1),
    Decision.ERROR: (0, 0),
    Decision.SHADOW: (1, 1),  # allowed; the would-be decision is in the rules
    Decision.PSEUDONYMIZE: (11, 4),  # modified, like redact
}


def to_ocsf(row: Row) -> str:
    obj = event(row)
    ip, port = _split_client(obj["client"])
    disposition_id, action_id = _OCSF_DISPOSITION.get(obj["decision"], (99, 99))
    failed = obj["decision"] in _BLOCKING or obj["decision"] == Decision.ERROR
    src: dict[str, Any] = {"ip": ip} if ip else {}
    if port is not None:
        src["port"] = port
    out: dict[str, Any] = {
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 6,
        "category_name": "Application Activity",
        "class_uid": 6003,
        "class_name": "API Activity",
        "type_uid": 600301,
        "type_name": "API Activity: Create",
        "time": int(_epoch(obj["time"]) * 1000),
        "severity_id": 4 if failed else 1,
        "severity": "High" if failed else "Informational",
        "status_id": 2 if failed else 1,
        "status": "Failure" if failed else "Success",
        "action_id": action_id,
        "disposition_id": disposition_id,
        "message": f"LLM {obj['kind']} {obj['decision']}",
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": PRODUCT, "vendor_name": VENDOR, "version": VERSION},
            "uid": obj["hash"],
            "sequence": obj["seq"],
            "correlation_uid": obj["request_id"],
            "original_time": obj["time"],
        },
        "actor": {"user": {"name": obj["identity"] or "unknown"}},
        "api": {
            "operation": f"POST {obj['path']}",
            "service": {"name": obj["provider"] or obj["host"]},
        },
        "src_endpoint": src or {"ip": "0.0.0.0"},
        "dst_endpoint": {"hostname": obj["host"]},
        "cloud": {"provider": obj["provider"] or "unknown"},
        "unmapped": {
            k: obj[k]
            for k in (
                "kind",
                "decision",
                "model",
                "rules",
                "findings",
                "detector_version",
                "policy_digest",
                "body_digest",
                "usage",
                "latency_ms",
                "fail_open",
                "prev_hash",
            )
        },
    }
    if obj["status"] is not None:
        out["http_response"] = {"code": obj["status"]}
    return canonical.dumps(out)


# --- ECS -----------------------------------------------------------------------------


def to_ecs(row: Row) -> str:
    obj = event(row)
    ip, port = _split_client(obj["client"])
    decision = obj["decision"]
    out: dict[str, Any] = {
        "@timestamp": obj["time"],
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "category": ["web"],
            "type": ["access", "denied" if decision in _BLOCKING else "allowed"],
            "action": decision,
            "outcome": "failure" if decision in (*_BLOCKING, Decision.ERROR) else "success",
            "id": obj["hash"],
            "sequence": obj["seq"],
            "dataset": "llmwall.audit",
            "module": "llmwall",
            "provider": obj["provider"],
            "severity": _SEVERITY.get(decision, 5),
            "risk_score": max((f["max_score"] for f in obj["findings"]), default=0.0) * 100,
        },
        "observer": {"vendor": VENDOR, "product": PRODUCT, "type": "proxy", "version": VERSION},
        "url": {"domain": obj["host"], "path": obj["path"]},
        "destination": {"domain": obj["host"]},
        "transaction": {"id": obj["request_id"]},
        "llmwall": {
            k: obj[k]
            for k in (
                "kind",
                "model",
                "findings",
                "detector_version",
                "policy_digest",
                "body_digest",
                "usage",
                "latency_ms",
                "fail_open",
                "prev_hash",
            )
        },
    }
    if obj["latency_ms"] is not None:
        out["event"]["duration"] = int(obj["latency_ms"] * 1_000_000)  # nanoseconds
    if ip:
        out["source"] = {"ip": ip} if _is_ip(ip) else {"address": ip}
        if port is not None:
            out["source"]["port"] = port
    if obj["identity"]:
        out["user"] = {"name": obj["identity"]}
    if obj["rules"]:
        out["rule"] = {"id": list(obj["rules"])}
    if obj["status"] is not None:
        out["http"] = {"response": {"status_code": obj["status"]}}
    return canonical.dumps(out)


def _is_ip(text: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return True
        except OSError:
            pass
    return False


# --- Splunk HEC ----------------------------------------------------------------------


def to_splunk_hec(row: Row, host: str | None = None) -> str:
    obj = event(row)
    fields = {
        "decision": obj["decision"],
        "provider": obj["provider"] or "",
        "kind": obj["kind"],
        "rules": list(obj["rules"]),
        "entities": [f["entity"] for f in obj["findings"]],
    }
    out = {
        "time": round(_epoch(obj["time"]), 6),
        "host": host or socket.gethostname(),
        "source": "llmwall",
        "sourcetype": "llmwall:audit",
        "event": obj,
        "fields": fields,
    }
    return canonical.dumps(out)


FORMATS: dict[str, Callable[[Row], str]] = {
    "jsonl": to_jsonl,
    "cef": to_cef,
    "ocsf": to_ocsf,
    "ecs": to_ecs,
    "splunk-hec": to_splunk_hec,
}


def parse_since(text: str, now: datetime | None = None) -> str:
    """`--since`: an ISO 8601 time (naive means UTC) or an age like 30s, 15m, 2h, 7d."""
    from datetime import UTC, timedelta

    text = text.strip()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    if text[:-1].isdigit() and text[-1:] in units:
        moment = (now or datetime.now(UTC)) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
        return canonical.format_time(moment)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--since: {text!r} is neither an ISO 8601 time (2025-01-31T12:00:00Z) "
            "nor an age (30m, 2h, 7d)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return canonical.format_time(moment)
