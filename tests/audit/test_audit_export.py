"""Exports checked against each format's published rules; jsonl round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwall.audit import canonical, export
from llmwall.audit.log import AuditLog
from llmwall.audit.verify import verify
from tests.audit import format_checks
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


def test_cef_header_and_extension_escaping(rows: list[export.Row]) -> None:
    for row in rows:
        format_checks.check_cef(export.to_cef(row), row)
    last = export.to_cef(rows[-1])
    assert r"suser=bob|x\\y\=z\nw" in last and r"dhost=h|o\\st" in last  # extension: | stays
    assert export.cef_header("a|b\\c") == r"a\|b\\c"


def test_ocsf_api_activity_required_fields_and_types(rows: list[export.Row]) -> None:
    for row in rows:
        format_checks.check_ocsf(export.to_ocsf(row), row)
    blocked = [
        json.loads(export.to_ocsf(r)) for r in rows if export.event(r)["decision"] == "block"
    ]
    assert blocked and all(e["disposition_id"] == 2 and e["action_id"] == 2 for e in blocked)


def test_ecs_field_names_types_and_allowed_values(rows: list[export.Row]) -> None:
    for row in rows:
        format_checks.check_ecs(export.to_ecs(row), row)
    assert format_checks.flatten(json.loads(export.to_ecs(rows[-1])))["source.ip"] == "::1"


def test_splunk_hec_event_envelope(rows: list[export.Row]) -> None:
    for row in rows:
        format_checks.check_splunk_hec(export.to_splunk_hec(row), row)


def test_jsonl_lines_are_the_stored_rows(rows: list[export.Row]) -> None:
    for row in rows:
        format_checks.check_jsonl(export.to_jsonl(row), row)


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
