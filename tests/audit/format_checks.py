"""Each export format checked against its published rules: one check per format, used by
the `audit export` tests and by the SIEM push tests (what a receiver got)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from llmwall.audit import canonical, export

# CEF: header fields escape \ and |; extension values escape \ = and line breaks.
_CEF = re.compile(r"^CEF:0(\|(?:[^|\\]|\\[|\\])*){6}\|(?P<ext>.*)$")
_EXT_PAIR = re.compile(
    r"(?P<key>[A-Za-z0-9_]+)=(?P<value>(?:[^\\=]|\\[\\=nr])*?)(?= [A-Za-z0-9_]+=|$)"
)


def cef_unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m[1], m[1]), value)


def check_cef(line: str, row: export.Row) -> dict[str, str]:
    """Assert `line` is well-formed CEF for `row`; return its extension pairs."""
    assert "\n" not in line and "\r" not in line
    m = _CEF.match(line)
    assert m, line
    pairs = dict((p["key"], cef_unescape(p["value"])) for p in _EXT_PAIR.finditer(m["ext"]))
    assert " ".join(f"{k}={v}" for k, v in _EXT_PAIR.findall(m["ext"])) == m["ext"]
    obj = export.event(row)
    assert pairs["act"] == obj["decision"] and pairs["cn1"] == str(obj["seq"])
    assert pairs["dhost"] == obj["host"] and pairs["request"] == obj["path"]
    assert int(pairs["rt"]) == int(export._epoch(obj["time"]) * 1000)
    assert pairs["cs5"] == row[4]
    severity = int(line.split("|")[6])
    assert 0 <= severity <= 10
    return pairs


_OCSF_TYPES = {
    "activity_id": int,
    "category_uid": int,
    "class_uid": int,
    "type_uid": int,
    "time": int,
    "severity_id": int,
    "status_id": int,
    "disposition_id": int,
    "action_id": int,
    "metadata": dict,
    "actor": dict,
    "api": dict,
    "src_endpoint": dict,
    "cloud": dict,
    "message": str,
}


def check_ocsf(text: str, row: export.Row) -> dict[str, Any]:
    ev = json.loads(text)
    for name, typ in _OCSF_TYPES.items():
        assert isinstance(ev[name], typ) and not isinstance(ev[name], bool), name
    assert (ev["class_uid"], ev["category_uid"]) == (6003, 6)
    assert ev["type_uid"] == ev["class_uid"] * 100 + ev["activity_id"]
    assert ev["metadata"]["version"] == export.OCSF_VERSION
    assert {"name", "vendor_name"} <= set(ev["metadata"]["product"])
    assert isinstance(ev["api"]["operation"], str)
    assert ev["actor"]["user"]["name"]
    assert ev["src_endpoint"].get("ip")
    assert ev["severity_id"] in (0, 1, 2, 3, 4, 5, 6, 99)
    assert ev["status_id"] in (0, 1, 2, 99)
    assert ev["metadata"]["uid"] == row[4] and ev["metadata"]["sequence"] == row[0]
    return dict(ev)


_ECS_TYPES = {
    "@timestamp": str,
    "ecs.version": str,
    "event.kind": str,
    "event.category": list,
    "event.type": list,
    "event.action": str,
    "event.outcome": str,
    "event.sequence": int,
    "event.duration": int,
    "event.severity": int,
    "event.risk_score": float,
    "event.dataset": str,
    "url.domain": str,
    "url.path": str,
    "observer.type": str,
    "transaction.id": str,
    "http.response.status_code": int,
    "source.port": int,
}
_ECS_ALLOWED = {
    "event.kind": {"alert", "enrichment", "event", "metric", "state", "pipeline_error", "signal"},
    "event.outcome": {"failure", "success", "unknown"},
}


def flatten(obj: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k != "llmwall" and not prefix.startswith("llmwall"):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def check_ecs(text: str, row: export.Row) -> dict[str, Any]:
    flat = flatten(json.loads(text))
    for name, typ in _ECS_TYPES.items():
        assert isinstance(flat[name], typ), name
    for name, allowed in _ECS_ALLOWED.items():
        assert flat[name] in allowed
    assert set(flat["event.category"]) <= {"web", "network", "intrusion_detection"}
    assert set(flat["event.type"]) <= {"access", "allowed", "denied", "info"}
    assert canonical.parse_time(flat["@timestamp"])
    assert "source.ip" in flat or "source.address" in flat
    assert flat["event.id"] == row[4]
    return flat


def check_splunk_hec(text: str, row: export.Row) -> dict[str, Any]:
    ev = json.loads(text)
    assert set(ev) <= {"time", "host", "source", "sourcetype", "index", "event", "fields"}
    assert isinstance(ev["time"], float | int) and ev["time"] > 1e9
    assert ev["sourcetype"] == "llmwall:audit" and isinstance(ev["event"], dict)
    for value in ev["fields"].values():  # indexed fields: strings or lists of strings
        assert isinstance(value, str) or all(isinstance(v, str) for v in value)
    assert ev["event"]["hash"] == row[4]
    return dict(ev)


def check_jsonl(line: str, row: export.Row) -> dict[str, Any]:
    assert "\n" not in line
    back = export.parse_jsonl(line)
    assert back == row  # the exact stored row: re-verifiable from the export alone
    seq, time, text, prev_hash, digest = back
    assert canonical.chain_hash(seq, time, prev_hash, text) == digest
    return dict(json.loads(line))


CHECKS: dict[str, Callable[[str, export.Row], Any]] = {
    "cef": check_cef,
    "ocsf": check_ocsf,
    "ecs": check_ecs,
    "splunk-hec": check_splunk_hec,
    "jsonl": check_jsonl,
}
assert set(CHECKS) == set(export.FORMATS), "every export format has its check"
