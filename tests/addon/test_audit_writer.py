"""AuditWriter: group commit keeps order, acknowledges only committed records, isolates a
bad record, fails a whole batch whose commit fails, and loses nothing acked to kill -9."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import Future, wait
from pathlib import Path

import pytest

from llmwall.addon.audit_writer import AuditWriter
from llmwall.audit.log import AuditLog
from llmwall.audit.verify import verify
from llmwall.errors import AuditEncodingError
from tests.audit.audit_helpers import sample

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    return AuditLog.open(tmp_path / "audit.db", tmp_path / "home", checkpoint_every=100)


class CountingLog(AuditLog):
    """Counts transactions and can hold the writer inside one, so a burst piles up."""

    commits: list[int]
    gate: threading.Event

    def commit(self, texts):  # type: ignore[no-untyped-def]
        self.gate.wait(10)
        self.commits.append(len(texts))
        return super().commit(texts)


def counting(tmp_path: Path) -> CountingLog:
    log = CountingLog.open(tmp_path / "audit.db", tmp_path / "home")
    assert isinstance(log, CountingLog)
    log.commits, log.gate = [], threading.Event()
    return log


def test_a_burst_is_committed_in_few_transactions_in_submission_order(tmp_path: Path) -> None:
    log = counting(tmp_path)
    writer = AuditWriter(log)
    futures = [writer.submit(sample(i)) for i in range(500)]
    time.sleep(0.05)
    assert not any(f.done() for f in futures)  # nothing is acked before its commit
    log.gate.set()
    assert [f.result(10) for f in futures] == list(range(1, 501))
    assert sum(log.commits) == 500 and len(log.commits) <= 3, log.commits
    writer.close()
    res = verify([tmp_path / "audit.db"])
    assert res.ok and res.count == 500
    with AuditLog.open(tmp_path / "audit.db", tmp_path / "home") as again:
        rows = again.db.execute("SELECT record FROM records ORDER BY seq").fetchall()
    assert [r[0].split('"request_id":"')[1].split('"')[0] for r in rows] == [
        f"req-{i}" for i in range(500)
    ]


def test_max_batch_bounds_a_transaction(tmp_path: Path) -> None:
    log = counting(tmp_path)
    writer = AuditWriter(log, max_batch=64)
    futures = [writer.submit(sample(i)) for i in range(300)]
    log.gate.set()
    wait(futures, 10)
    writer.close()
    assert max(log.commits) <= 64 and sum(log.commits) == 300


def test_a_lone_record_is_committed_without_waiting_for_company(log: AuditLog) -> None:
    writer = AuditWriter(log)
    started = time.perf_counter()
    assert writer.submit(sample()).result(5) == 1
    assert time.perf_counter() - started < 0.5
    writer.close()


def test_a_record_that_cannot_be_encoded_fails_alone(tmp_path: Path) -> None:
    log = counting(tmp_path)
    writer = AuditWriter(log)
    good1 = writer.submit(sample(1))
    bad = writer.submit(sample(2, latency_ms=float("nan")))
    good2 = writer.submit(sample(3))
    log.gate.set()
    assert (good1.result(5), good2.result(5)) == (1, 2)
    with pytest.raises(AuditEncodingError, match="latency_ms"):
        bad.result(5)
    writer.close()


def test_a_failed_commit_fails_every_future_of_its_batch_and_the_next_batch_works(
    tmp_path: Path,
) -> None:
    log = counting(tmp_path)
    writer = AuditWriter(log)
    real = AuditLog.commit
    failing = True

    def commit(self, texts):  # type: ignore[no-untyped-def]
        if failing:
            raise OSError("disk full")
        return real(self, texts)

    log.gate.set()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AuditLog, "commit", commit)
        futures = [writer.submit(sample(i)) for i in range(5)]
        for f in futures:
            with pytest.raises(OSError, match="disk full"):
                f.result(5)
        failing = False
        assert writer.submit(sample(9)).result(5) == 1
    writer.close()
    assert verify([tmp_path / "audit.db"]).count == 1


def test_a_cancelled_waiter_does_not_lose_its_record(tmp_path: Path) -> None:
    log = counting(tmp_path)
    writer = AuditWriter(log)

    async def main() -> None:
        waiter = asyncio.ensure_future(asyncio.wrap_future(writer.submit(sample(1))))
        await asyncio.sleep(0.01)
        waiter.cancel()  # the client went away: wrap_future cancels the submitted future
        await asyncio.sleep(0.01)
        log.gate.set()
        assert await asyncio.wrap_future(writer.submit(sample(2))) == 2

    asyncio.run(main())
    writer.close()
    assert verify([tmp_path / "audit.db"]).count == 2


def test_on_commit_and_the_record_count_follow_each_batch(log: AuditLog) -> None:
    tips: list[int] = []
    writer = AuditWriter(log, on_commit=tips.append)
    for f in [writer.submit(sample(i)) for i in range(30)]:
        f.result(5)
    writer.submit(sample(99, latency_ms=float("inf")))  # refused: not counted
    writer.close()
    assert writer.records_total == 30 and tips and tips[-1] == 30 and tips == sorted(tips)


def test_close_commits_what_was_submitted_then_refuses(log: AuditLog) -> None:
    writer = AuditWriter(log)
    futures = [writer.submit(sample(i)) for i in range(50)]
    writer.tick()
    writer.close()
    assert all(f.result(0) for f in futures)
    late: Future[int] = writer.submit(sample())
    with pytest.raises(RuntimeError, match="closed"):
        late.result(1)
    writer.close()  # twice is fine


_WRITER = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    sys.path[:0] = [{repo!r}]
    from llmwall.addon.audit_writer import AuditWriter
    from llmwall.audit.log import AuditLog
    from tests.audit.audit_helpers import sample
    writer = AuditWriter(AuditLog.open(Path(sys.argv[1]), Path(sys.argv[2]), checkpoint_every=50))
    lock = threading.Lock()

    def acked(fut):
        with lock:
            print(fut.result(), flush=True)  # acknowledged: the client got its answer

    def load(k):
        i = 0
        while True:
            i += 1
            writer.submit(sample(i)).add_done_callback(acked)
            if i % 64 == 0:
                writer.submit(sample(i)).result()  # keep the queue bounded

    for k in range(4):
        threading.Thread(target=load, args=(k,), daemon=True).start()
    threading.Event().wait()
""")


def test_kill_9_during_group_commits_loses_nothing_acknowledged(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(repo=str(REPO)))
    db, home = tmp_path / "killed.db", tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db), str(home)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acked: list[int] = []
    deadline = time.monotonic() + 30
    while len(acked) < 5000 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line))
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=10)
    acked += [int(x) for x in rest.split()]
    assert proc.returncode == -signal.SIGKILL and len(acked) >= 5000
    res = verify([db])
    assert res.ok, res.summary()
    assert res.last_seq >= max(acked)  # every acknowledged record survived the kill
    with AuditLog.open(db, home) as log:
        assert log.append(sample()) == res.last_seq + 1
