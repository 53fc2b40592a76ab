"""Exports checked against each format's published rules; jsonl round-trips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwall.audit import canonical, export
from llmwall.audit.log import AuditLog
from llmwall.audit.verify import verify
from tests.audit.audit_helpers import records, sample


@pytest.fixture
def rows(db_path: Path, home: Path) -> list[export.Row]:
    with AuditLog.open(db_path, home) as log:
        for i in range(6):
            log.append(sample(i))
        log.append(
            sample(
                9,
                identity="bob|x\\y=z\nw",
                host="h|o\\st",
                path="/a=b",
                client="[::1]:443",
                rules=("r|1",),
            )
        )
        return list(export.iter_rows(log.db))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(records, min_size=1, max_size=8))
def test_jsonl_round_trips_and_reverifies_from_the_export_alone(
    home: Path, tmp_path: Path, recs: list
) -> None:
    db = tmp_path / f"rt-{len(list(tmp_path.iterdir()))}.db"
    with AuditLog.open(db, home, synchronous="OFF") as log:
        for r in recs:
            log.append(r)
        stored = list(export.iter_rows(log.db))
        node = log.node
    prev = canonical.GENESIS
    for row, rec in zip(stored, recs, strict=True):
        line = export.to_jsonl(row)
        assert "\n" not in line
        back = export.parse_jsonl(line)
        assert back == row
        seq, time, text, prev_hash, digest = back
        assert prev_hash == prev and canonical.chain_hash(seq, time, prev_hash, text) == digest
        assert canonical.decode_record(text) == canonical.decode_record(
            canonical.encode_record(rec, str, node)
        )  # the stored record: what was given, with the log's node id
        prev = digest


# CEF: header fields escape \ and |; extension values escape \ = and line breaks.
_CEF = re.compile(r"^CEF:0(\|(?:[^|\\]|\\[|\\])*){6}\|(?P<ext>.*)$")
_EXT_PAIR = re.compile(
    r"(?P<key>[A-Za-z0-9_]+)=(?P<value>(?:[^\\=]|\\[\\=nr])*?)(?= [A-Za-z0-9_]+=|$)"
)


def _cef_unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m[1], m[1]), value)


def test_cef_header_and_extension_escaping(rows: list[export.Row]) -> None:
    for row in rows:
        line = export.to_cef(row)
        assert "\n" not in line and "\r" not in line
        m = _CEF.match(line)
        assert m, line
        pairs = dict((p["key"], _cef_unescape(p["value"])) for p in _EXT_PAIR.finditer(m["ext"]))
        assert " ".join(f"{k}={v}" for k, v in _EXT_PAIR.findall(m["ext"])) == m["ext"]
        obj = export.event(row)
        assert pairs["act"] == obj["decision"] and pairs["cn1"] == str(obj["seq"])
        assert pairs["dhost"] == obj["host"] and pairs["request"] == obj["path"]
        assert int(pairs["rt"]) == int(export._epoch(obj["time"]) * 1000)
        severity = int(line.split("|")[6])
        assert 0 <= severity <= 10
    last = export.to_cef(rows[-1])
    assert r"suser=bob|x\\y\=z\nw" in last and r"dhost=h|o\\st" in last  # extension: | stays
    assert export.cef_header("a|b\\c") == r"a\|b\\c"


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


def test_ocsf_api_activity_required_fields_and_types(rows: list[export.Row]) -> None:
    for row in rows:
        ev = json.loads(export.to_ocsf(row))
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
    blocked = [
        json.loads(export.to_ocsf(r)) for r in rows if export.event(r)["decision"] == "block"
    ]
    assert blocked and all(e["disposition_id"] == 2 and e["action_id"] == 2 for e in blocked)


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


def _flatten(obj: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k != "llmwall" and not prefix.startswith("llmwall"):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def test_ecs_field_names_types_and_allowed_values(rows: list[export.Row]) -> None:
    for row in rows:
        flat = _flatten(json.loads(export.to_ecs(row)))
        for name, typ in _ECS_TYPES.items():
            assert isinstance(flat[name], typ), name
        for name, allowed in _ECS_ALLOWED.items():
            assert flat[name] in allowed
        assert set(flat["event.category"]) <= {"web", "network", "intrusion_detection"}
        assert set(flat["event.type"]) <= {"access", "allowed", "denied", "info"}
        assert canonical.parse_time(flat["@timestamp"])
        assert "source.ip" in flat or "source.address" in flat
    assert _flatten(json.loads(export.to_ecs(rows[-1])))["source.ip"] == "::1"


def test_splunk_hec_event_envelope(rows: list[export.Row]) -> None:
    for row in rows:
        ev = json.loads(export.to_splunk_hec(row))
        assert set(ev) <= {"time", "host", "source", "sourcetype", "index", "event", "fields"}
        assert isinstance(ev["time"], float | int) and ev["time"] > 1e9
        assert ev["sourcetype"] == "llmwall:audit" and isinstance(ev["event"], dict)
        for value in ev["fields"].values():  # indexed fields: strings or lists of strings
            assert isinstance(value, str) or all(isinstance(v, str) for v in value)
        assert ev["event"]["hash"] == row[4]


def test_since_filters_by_time(rows: list[export.Row], db_path: Path) -> None:
    from llmwall.audit import store

    db = store.connect(db_path, create=False)
    try:
        assert len(list(export.iter_rows(db, rows[3][1]))) == len(rows) - 3
        assert list(export.iter_rows(db, "9999-01-01T00:00:00.000000Z")) == []
    finally:
        db.conn.close()
    assert export.parse_since("2025-01-31T12:00:00Z") == "2025-01-31T12:00:00.000000Z"
    assert export.parse_since("2025-01-31T13:00:00+01:00") == "2025-01-31T12:00:00.000000Z"
    assert export.parse_since("30m") < canonical.utc_now()
    with pytest.raises(ValueError, match="ISO 8601"):
        export.parse_since("yesterday")


def test_rotated_files_verify_as_one_chain(db_path: Path, home: Path) -> None:
    from llmwall.audit.rotate import archives_of, rotate

    with AuditLog.open(db_path, home, checkpoint_every=4) as log:
        for i in range(10):
            log.append(sample(i))
    cut = export.parse_since("9999-01-01")
    first = rotate(db_path, home, cut)
    with AuditLog.open(db_path, home, checkpoint_every=4) as log:
        assert log.append(sample(10)) == 11  # the chain continues in the live DB
        log.append(sample(11))
    assert first and archives_of(db_path) == [first]
    both = verify([db_path, first])
    assert both.ok and both.count == 12, both.summary()
    alone = verify([db_path])  # anchored by the signed checkpoint at seq 10
    assert alone.ok and alone.count == 2 and alone.first_seq == 11
    first.unlink()
    second = rotate(db_path, home, cut)
    assert second is not None
    res = verify([second, db_path])
    assert res.ok and res.count == 2
