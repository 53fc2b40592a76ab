"""SIEM push against real receivers on 127.0.0.1: every record arrives, in order, each
payload valid in its format; through receiver outages and pusher restarts nothing is
lost and nothing is reordered (resends only, at-least-once); a full backlog drops with
an alarm or blocks; a stalled receiver never slows the audit writer."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from llmwall.addon.audit_writer import AuditWriter
from llmwall.audit import export, store
from llmwall.audit.log import AuditLog
from llmwall.audit.rotate import rotate
from llmwall.audit.siem import SiemPusher
from llmwall.audit.siem_config import parse_siem
from tests.audit import format_checks
from tests.audit.audit_helpers import sample
from tests.audit.siem_receivers import (
    HttpCollector,
    SyslogTcpReceiver,
    SyslogUdpReceiver,
    parse_syslog,
)
from tests.e2e.certs import make_ca_and_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    log = AuditLog.open(tmp_path / "audit.db", tmp_path / "home", node="gw-test")
    yield log
    log.close()


def append(log: AuditLog, n: int, start: int = 0) -> None:
    for i in range(start, start + n, 50):
        log.commit([log.encode(sample(j)) for j in range(i, min(i + 50, start + n))])


def stored_rows(db: Path) -> dict[int, export.Row]:
    conn = store.connect(db, create=False)
    try:
        return {r[0]: r for r in export.iter_rows(conn)}
    finally:
        conn.conn.close()


def pusher(db: Path, sink: dict[str, Any], **kw: Any) -> SiemPusher:
    return SiemPusher(parse_siem([sink], "test"), db, poll=0.05, **kw)


def seqs_of(receiver: Any, fmt: str) -> list[int]:
    out = []
    for m in receiver.messages:
        payload = m["msg"] if isinstance(m, dict) else m[0]  # syslog | http: (text, obj)
        out.append(_seq(payload, fmt))
    return out


def _seq(payload: str, fmt: str) -> int:
    if fmt == "cef":
        return int(format_checks.cef_unescape(payload.split("cn1=")[1].split(" ")[0]))
    obj = json.loads(payload)
    return int(
        {"ocsf": lambda o: o["metadata"]["sequence"], "ecs": lambda o: o["event"]["sequence"]}.get(
            fmt, lambda o: o["seq"] if "seq" in o else o["event"]["seq"]
        )(obj)
    )


def assert_at_least_once_in_order(seqs: list[int], n: int) -> int:
    """Every seq 1..n arrived; the stream never skips ahead (a resend may go back to an
    earlier seq and repeat from there). Returns the number of duplicates."""
    assert seqs, "nothing arrived"
    assert sorted(set(seqs)) == list(range(1, n + 1)), (
        f"missing: {set(range(1, n + 1)) - set(seqs)}"
    )
    high = 0
    for s in seqs:
        assert s <= high + 1, f"skipped ahead to {s} after {high}"
        high = max(high, s)
    return len(seqs) - n


def _tls(tmp_path: Path) -> tuple[Path, tuple[Path, Path]]:
    ca, cert, key = make_ca_and_server(tmp_path / "tls")
    return ca, (cert, key)


@pytest.mark.parametrize(
    "kind, fmt",
    [
        ("tcp", "cef"),
        ("tcp", "ocsf"),
        ("tcp+tls", "cef"),
        ("udp", "cef"),
        ("udp", "ecs"),
        ("http", "ocsf"),
        ("http", "jsonl"),
        ("http", "ecs"),
        ("http", "cef"),
        ("splunk-hec", "splunk-hec"),
    ],
)
def test_every_record_arrives_once_in_order_valid_in_its_format(
    audit: AuditLog, tmp_path: Path, kind: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    append(audit, 120)
    sink: dict[str, Any]
    if kind in ("tcp", "tcp+tls"):
        ca, tls = _tls(tmp_path) if kind == "tcp+tls" else (None, None)
        receiver: Any = SyslogTcpReceiver(tls).start()
        sink = {"type": "syslog", "url": f"{kind}://127.0.0.1:{receiver.port}", "format": fmt}
        if ca:
            sink["ca"] = str(ca)
            sink["url"] = f"tcp+tls://localhost:{receiver.port}"
    elif kind == "udp":
        receiver = SyslogUdpReceiver().start()
        sink = {"type": "syslog", "url": f"udp://127.0.0.1:{receiver.port}", "format": fmt}
    elif kind == "http":
        monkeypatch.setenv("COLLECTOR_TOKEN", "t0ken")
        receiver = HttpCollector(token="t0ken").start()
        sink = {
            "type": "http",
            "url": f"http://127.0.0.1:{receiver.port}/ingest",
            "format": fmt,
            "token_env": "COLLECTOR_TOKEN",
        }
    else:
        monkeypatch.setenv("HEC_TOKEN", "hec-secret")
        receiver = HttpCollector(token="hec-secret", scheme="Splunk").start()
        sink = {
            "type": "splunk-hec",
            "url": f"http://127.0.0.1:{receiver.port}",
            "token_env": "HEC_TOKEN",
        }
    p = pusher(audit.path, {**sink, "batch": 32})
    p.start()
    try:
        assert receiver.wait_for(lambda m: len(m) >= 120), len(receiver.messages)
        append(audit, 30, 120)
        p.notify()
        assert receiver.wait_for(lambda m: len(m) >= 150), len(receiver.messages)
        assert wait_until(p.drained)
    finally:
        p.stop()
        receiver.stop()
    assert seqs_of(receiver, fmt) == list(range(1, 151))  # once each, in order
    rows = stored_rows(audit.path)
    check = format_checks.CHECKS[fmt]
    for m in receiver.messages:
        payload = m["msg"] if isinstance(m, dict) else m[0]
        row = rows[_seq(payload, fmt)]
        check(payload, row)
        if isinstance(m, dict):  # the RFC 5424 header: log-audit facility, record time, node
            assert m["pri"] // 8 == 13 and m["time"] == row[1] and m["host"] == "gw-test"
            assert (m["app"], m["msgid"]) == ("llmwall", "audit")
            assert m["pri"] % 8 == (4 if json.loads(row[2])["decision"] == "block" else 6)
    if kind == "splunk-hec":
        assert set(receiver.paths) == {"/services/collector/event"}
        assert {m[1]["host"] for m in receiver.messages} == {"gw-test"}
    stats = p.stats()[p.stats().__iter__().__next__()]
    assert stats.delivered_total == 150 and stats.backlog == 0 and stats.cursor == 150


def wait_until(pred: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return False


def test_tcp_syslog_through_an_outage_and_a_pusher_restart_loses_nothing(
    audit: AuditLog, tmp_path: Path
) -> None:
    receiver = SyslogTcpReceiver().start()
    sink = {"type": "syslog", "url": f"tcp://127.0.0.1:{receiver.port}", "batch": 25}
    append(audit, 100)
    first = pusher(audit.path, sink)
    first.start()
    assert receiver.wait_for(lambda m: len(m) >= 100)
    receiver.stop()  # outage: connections closed, the port refuses
    append(audit, 150, 100)  # the proxy keeps appending meanwhile
    first.notify()
    assert wait_until(
        lambda: first.stats()["syslog-127.0.0.1-" + str(receiver.port)].errors_total > 0
    )
    first.stop()  # llmwall restarts while the receiver is still down
    append(audit, 50, 250)
    receiver.start()
    second = pusher(audit.path, sink)
    second.start()
    try:
        assert receiver.wait_for(lambda m: len(set(seqs_of(receiver, "cef"))) >= 300)
        assert wait_until(second.drained)
    finally:
        second.stop()
        receiver.stop()
    dups = assert_at_least_once_in_order(seqs_of(receiver, "cef"), 300)
    assert dups <= 2 * 25 * 2, dups  # resends: at most the unconfirmed batches, twice
    assert receiver.connections >= 2


def test_http_collector_through_503s_a_stop_and_a_pusher_restart_exactly_once(
    audit: AuditLog, tmp_path: Path
) -> None:
    collector = HttpCollector().start()
    sink = {"type": "http", "url": f"http://127.0.0.1:{collector.port}/ingest", "batch": 20}
    append(audit, 60)
    p = pusher(audit.path, sink)
    p.start()
    assert collector.wait_for(lambda m: len(m) >= 60)
    collector.status = 503  # overloaded: answers, refuses
    append(audit, 40, 60)
    p.notify()
    assert wait_until(lambda: collector.rejected > 0)
    collector.stop()  # then down altogether
    append(audit, 40, 100)
    p.stop()
    collector.status = 200
    collector.start()
    p = pusher(audit.path, sink)  # a new process would do the same: the cursor is on disk
    p.start()
    try:
        assert collector.wait_for(lambda m: len(m) >= 140)
        assert wait_until(p.drained)
    finally:
        p.stop()
        collector.stop()
    assert seqs_of(collector, "ocsf") == list(range(1, 141))  # acknowledged: no duplicate


def test_kill_9_of_the_push_command_then_restart_loses_nothing(
    audit: AuditLog, tmp_path: Path
) -> None:
    receiver = SyslogTcpReceiver().start()
    siem = tmp_path / "siem.yaml"
    siem.write_text(
        f'siem:\n  - {{type: syslog, url: "tcp://127.0.0.1:{receiver.port}", batch: 10}}\n'
    )
    append(audit, 2000)
    cmd = [
        sys.executable,
        "-m",
        "llmwall",
        "audit",
        "push",
        "--home",
        str(tmp_path / "home"),
        "--db",
        str(audit.path),
        "--siem",
        str(siem),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert receiver.wait_for(lambda m: len(m) >= 300, 30)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    got_before = len(receiver.messages)
    assert got_before < 2000, "the kill landed after everything was sent; nothing tested"
    append(audit, 100, 2000)
    done = subprocess.run(
        [*cmd, "--until-drained", "--timeout", "60"],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    receiver.stop()
    assert done.returncode == 0, done.stderr
    assert "delivered" in done.stdout and "backlog 0" in done.stdout
    assert_at_least_once_in_order(seqs_of(receiver, "cef"), 2100)


def test_a_full_backlog_drops_the_oldest_with_an_alarm_and_keeps_serving(
    audit: AuditLog, caplog: pytest.LogCaptureFixture
) -> None:
    collector = HttpCollector()  # never started: the port refuses
    sink = {
        "type": "http",
        "url": f"http://127.0.0.1:{collector.port}/",
        "max_backlog": 50,
        "batch": 10,
    }
    p = pusher(audit.path, sink)
    caplog.set_level(logging.WARNING, "llmwall.siem")
    append(audit, 200)
    p.start()
    name = p._pushers[0].config.name
    try:
        assert wait_until(lambda: p.stats()[name].dropped_total == 150)
        assert p.admits()  # drop: the proxy keeps serving
        assert any("ALARM records seq 1..150" in r.getMessage() for r in caplog.records)
        collector.start()
        assert collector.wait_for(lambda m: len(m) >= 50)
        assert wait_until(p.drained)
    finally:
        p.stop()
        collector.stop()
    assert seqs_of(collector, "ocsf") == list(range(151, 201))
    assert all("sample" not in r.getMessage() for r in caplog.records)


def test_on_full_block_refuses_until_the_backlog_drains(audit: AuditLog) -> None:
    collector = HttpCollector()
    sink = {
        "type": "http",
        "url": f"http://127.0.0.1:{collector.port}/",
        "max_backlog": 50,
        "on_full": "block",
    }
    p = pusher(audit.path, sink)
    append(audit, 80)
    p.start()
    name = p._pushers[0].config.name
    try:
        assert wait_until(lambda: p.stats()[name].full)
        assert not p.admits() and p.stats()[name].backlog == 80
        collector.start()
        assert wait_until(p.admits) and wait_until(p.drained)
    finally:
        p.stop()
        collector.stop()
    assert seqs_of(collector, "ocsf") == list(range(1, 81)) and p.stats()[name].dropped_total == 0


def test_a_stalled_receiver_never_slows_the_audit_writer(tmp_path: Path) -> None:
    """A receiver that accepts and never reads: the pusher's sends block on full socket
    buffers in its own thread; the proxy's appends go on at full speed."""
    import socket

    stall = socket.socket()
    stall.bind(("127.0.0.1", 0))
    stall.listen(1)  # accepts (backlog), never reads
    log = AuditLog.open(tmp_path / "audit.db", tmp_path / "home")
    writer = AuditWriter(log)
    sink = {"type": "syslog", "url": f"tcp://127.0.0.1:{stall.getsockname()[1]}", "timeout": 30}
    p = pusher(log.path, sink)
    p.start()
    try:
        started = time.perf_counter()
        for k in range(40):
            futures = [writer.submit(sample(i)) for i in range(k * 500, (k + 1) * 500)]
            for f in futures:
                f.result(5)
        elapsed = time.perf_counter() - started
        st = p.stats()[p._pushers[0].config.name]
        assert st.sent_total > 0 and st.delivered_total < 20_000  # the pusher is stuck
        assert elapsed < 10, elapsed  # 20,000 acknowledged appends regardless
    finally:
        writer.close()
        stall.close()
        p.stop(timeout=1)


def test_records_rotated_away_before_they_were_pushed_come_from_the_archive(
    tmp_path: Path,
) -> None:
    db, home = tmp_path / "audit.db", tmp_path / "home"
    with AuditLog.open(db, home) as log:
        append(log, 40)
    rotate(db, home, "9999-01-01T00:00:00.000000Z")
    with AuditLog.open(db, home) as log:
        append(log, 10, 40)
    collector = HttpCollector().start()
    p = pusher(
        db, {"type": "http", "url": f"http://127.0.0.1:{collector.port}/", "format": "jsonl"}
    )
    p.start()
    try:
        assert collector.wait_for(lambda m: len(m) >= 50) and wait_until(p.drained)
    finally:
        p.stop()
        collector.stop()
    assert seqs_of(collector, "jsonl") == list(range(1, 51))


def test_an_untrusted_tls_receiver_is_an_error_until_its_ca_is_given(
    audit: AuditLog, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ca, tls = _tls(tmp_path)
    receiver = SyslogTcpReceiver(tls).start()
    append(audit, 5)
    url = f"tcp+tls://localhost:{receiver.port}"
    p = pusher(audit.path, {"type": "syslog", "url": url})
    caplog.set_level(logging.WARNING, "llmwall.siem")
    p.start()
    try:
        assert wait_until(lambda: p.stats()[p._pushers[0].config.name].errors_total > 0)
    finally:
        p.stop()
    assert receiver.messages == []
    assert any("set ca:" in r.getMessage() for r in caplog.records)
    p = pusher(audit.path, {"type": "syslog", "url": url, "ca": str(ca)})
    p.start()
    try:
        assert receiver.wait_for(lambda m: len(m) >= 5)
    finally:
        p.stop()
        receiver.stop()
    assert [parse_syslog(b"<110>1 t h a p m - x")["msg"]] == ["x"]  # the parser itself


def test_a_missing_token_is_a_config_error_at_start(
    audit: AuditLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmwall.errors import ConfigError

    monkeypatch.delenv("HEC_TOKEN", raising=False)
    p = pusher(
        audit.path, {"type": "splunk-hec", "url": "http://127.0.0.1:9", "token_env": "HEC_TOKEN"}
    )
    with pytest.raises(ConfigError, match="HEC_TOKEN is not set"):
        p.start()
