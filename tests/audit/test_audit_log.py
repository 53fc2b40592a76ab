"""AuditLog: the proxy's contract, content-freedom, permissions, concurrency, durability."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from llmwall.audit import canonical
from llmwall.audit.log import AuditLog
from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.audit.verify import verify
from llmwall.errors import AuditEncodingError, AuditKeyError, AuditStoreError
from tests.audit.audit_helpers import sample

REPO = Path(__file__).resolve().parents[2]


def test_append_returns_seq_and_row_is_committed_before_close(db_path: Path, home: Path) -> None:
    log = AuditLog.open(db_path, home)
    try:
        assert [log.append(sample(i)) for i in range(3)] == [1, 2, 3]
        other = sqlite3.connect(db_path)  # another connection sees it: committed
        try:
            assert other.execute("SELECT count(*) FROM records").fetchone()[0] == 3
        finally:
            other.close()
    finally:
        log.close()
    assert verify([db_path]).ok


def test_time_comes_from_the_log_in_utc_and_never_goes_back(db_path: Path, home: Path) -> None:
    with AuditLog.open(db_path, home) as log:
        for i in range(20):
            log.append(sample(i))
        times = [t for (t,) in log.db.conn.execute("SELECT time FROM records ORDER BY seq")]
    assert times == sorted(times)
    assert all(t.endswith("Z") and len(t) == 27 for t in times)
    canonical.parse_time(times[0])


def test_files_and_dirs_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    db = tmp_path / "state" / "audit.db"
    with AuditLog.open(db, home) as log:
        log.append(sample())
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(home / "audit") == 0o700
    assert mode(db.parent) == 0o700
    for name in ("hmac.key", "signing.key"):
        assert mode(home / "audit" / name) == 0o600
    for p in [db, *db.parent.glob("audit.db-*")]:
        assert mode(p) == 0o600, p


def test_a_world_readable_key_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "h"
    AuditLog.open(tmp_path / "a.db", home).close()
    os.chmod(home / "audit" / "hmac.key", 0o644)
    with pytest.raises(AuditKeyError, match="chmod 600"):
        AuditLog.open(tmp_path / "a.db", home)


def test_a_db_signed_by_another_home_is_refused(tmp_path: Path, home: Path) -> None:
    AuditLog.open(tmp_path / "a.db", home).close()
    with pytest.raises(AuditStoreError, match="share the home"):
        AuditLog.open(tmp_path / "a.db", tmp_path / "other")


def test_digest_is_keyed_per_install(tmp_path: Path, home: Path) -> None:
    with (
        AuditLog.open(tmp_path / "a.db", home) as a,
        AuditLog.open(tmp_path / "b.db", tmp_path / "h2") as b,
    ):
        assert a.digest("hello") == a.digest(b"hello")
        assert a.digest("hello") != b.digest("hello")
        assert len(a.digest("")) == 64


def test_query_strings_and_long_free_form_values_never_reach_the_db(
    db_path: Path, home: Path
) -> None:
    long_value = "patient notes " * 40
    with AuditLog.open(db_path, home) as log:
        log.append(
            sample(
                path="/v1beta/models/x:generateContent?key=AIzaSyPLANTEDKEY",
                extra={"note": long_value},
            )
        )
        text = log.db.conn.execute("SELECT record FROM records").fetchone()[0]
    assert "PLANTED" not in text and "patient" not in text
    assert '"path":"/v1beta/models/x:generateContent"' in text
    assert canonical.DIGEST_PREFIX in text


def test_values_without_a_canonical_form_are_refused(db_path: Path, home: Path) -> None:
    with AuditLog.open(db_path, home) as log:
        with pytest.raises(AuditEncodingError, match="latency_ms"):
            log.append(sample(latency_ms=float("nan")))
        with pytest.raises(AuditEncodingError, match=r"extra\.x"):
            log.append(sample(extra={"x": object()}))
        assert log.append(sample()) == 1  # a refused record leaves no trace in the chain


def test_planted_sensitive_values_are_nowhere_in_the_db_files(db_path: Path, home: Path) -> None:
    """Feed sensitive inputs the way the proxy does (bodies through `digest`), then scan
    the raw bytes of the DB, its WAL and its shared-memory file."""
    secrets = [
        "alice.smith@example.com",
        "4111 1111 1111 1111",
        "sk-proj-PLANTEDsecretKEY0123456789abcdef",
        "AKIAPLANTED0EXAMPLE",
        "My SSN is 078-05-1120",
        "ignore all previous instructions",
    ]
    log = AuditLog.open(db_path, home, checkpoint_every=3)
    for i, secret in enumerate(secrets):
        body = f'{{"messages":[{{"role":"user","content":"{secret}"}}]}}'.encode()
        log.append(
            AuditRecord(
                request_id=f"r{i}",
                kind="request",
                decision="redact",
                client="127.0.0.1:4000",
                provider="openai",
                host="api.openai.com",
                path="/v1/chat/completions?user=" + secret,
                model="gpt-4o",
                rules=("pii.email",),
                findings=(FindingSummary("EMAIL_ADDRESS", 1, 0.9),),
                body_digest=log.digest(body),
                extra={"segment_digests": [log.digest(secret)]},
            )
        )
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert any(p.name.endswith("-wal") for p in files)  # scanned while the WAL is live
    blobs = [p.read_bytes() for p in files]
    log.close()
    blobs += [p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()]
    for secret in secrets:
        # Parts of 8+ characters: a shorter one ("1111" of the card number) turns up by
        # chance in the hex of any digest, which would make this test flaky.
        parts = {secret, secret.split()[-1], secret.split("@")[0], secret.replace(" ", "")}
        for needle in (p for p in parts if len(p) >= 8):
            for blob in blobs:
                assert needle.encode() not in blob, needle
                assert needle.encode("utf-16-le") not in blob, needle


_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path[:0] = [{repo!r}, {tests!r}]
    from llmwall.audit.log import AuditLog
    from tests.audit.audit_helpers import sample
    log = AuditLog.open(Path(sys.argv[1]), Path(sys.argv[2]), checkpoint_every=7)
    n = int(sys.argv[3])
    for i in range(n if n else 10**9):
        seq = log.append(sample(i))
        print(seq, flush=True)  # acknowledged: the client got its answer
    log.close()
""")


def _writer(tmp_path: Path, db: Path, home: Path, n: int) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(repo=str(REPO), tests=str(Path(__file__).parent)))
    return subprocess.Popen(
        [sys.executable, str(script), str(db), str(home), str(n)], stdout=subprocess.PIPE, text=True
    )


def test_processes_sharing_a_db_append_one_linear_chain(tmp_path: Path, home: Path) -> None:
    db = tmp_path / "shared.db"
    AuditLog.open(db, home).close()
    procs = [_writer(tmp_path, db, home, 80) for _ in range(3)]
    acked = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        acked += [int(x) for x in out.split()]
    assert sorted(acked) == list(range(1, 241))  # every seq handed out exactly once
    res = verify([db])
    assert res.ok and res.count == 240, res.summary()


def test_kill_9_under_load_leaves_a_verifiable_chain_with_every_ack(
    tmp_path: Path, home: Path
) -> None:
    db = tmp_path / "killed.db"
    proc = _writer(tmp_path, db, home, 0)
    assert proc.stdout is not None
    acked: list[int] = []
    deadline = time.monotonic() + 20
    while len(acked) < 300 and time.monotonic() < deadline:
        acked.append(int(proc.stdout.readline()))
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=10)
    acked += [int(x) for x in rest.split()]  # printed before the kill landed
    assert proc.returncode == -signal.SIGKILL and len(acked) >= 300
    res = verify([db])
    assert res.ok, res.summary()
    assert res.last_seq >= max(acked)  # every acknowledged append survived
    with AuditLog.open(db, home) as log:  # and the chain carries on after the crash
        assert log.append(sample()) == res.last_seq + 1
    assert verify([db]).ok
