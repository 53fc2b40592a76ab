"""Benchmark the audit log: append rate and latency, the proxy's writer before/after group
commit (rate, p50/p99 time to acknowledgement), and verify rate.

    .venv/bin/python scripts/bench_audit.py [--n 20000] [--repeat 3] [--processes 2]

"direct append": `AuditLog.append` in a loop, one committed transaction each.
"writer": the path the proxy takes. `--concurrency` asyncio tasks (requests in flight)
each submit a record and await its future (`asyncio.wrap_future`, as the addon does)
before submitting the next; ack latency is submit -> the awaiting task resumes.
"before" is the previous writer (a one-thread pool, one transaction per record), "after"
is `AuditWriter` (group commit). A realistic record: findings, usage, digests.
"processes": that many processes (as `workers: N` runs) each with its own writer and
512 requests in flight, appending to one shared DB; the rate is their sum.
Each figure is the median of --repeat runs; every chain is verified afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.addon.audit_writer import AuditWriter
from llmwall.audit import canonical
from llmwall.audit.log import AuditLog
from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.audit.verify import verify


def record(log: AuditLog, i: int) -> AuditRecord:
    return AuditRecord(
        request_id=f"req-{i:08d}",
        kind="request",
        decision="redact",
        client="10.1.2.3:51234",
        identity="alice",
        provider="openai",
        host="api.openai.com",
        path="/v1/chat/completions",
        model="gpt-4o-mini",
        rules=("pii.email", "secret.openai"),
        findings=(FindingSummary("EMAIL_ADDRESS", 2, 0.85), FindingSummary("OPENAI_KEY", 1, 1.0)),
        detector_version="0.1.0",
        policy_digest=log.digest("policy"),
        body_digest=log.digest(b"x" * 1024),
        status=200,
        usage={"input_tokens": 812, "output_tokens": 120},
        latency_ms=12.345,
    )


class PerRecordWriter:
    """The writer before group commit: a one-thread pool, one transaction per record."""

    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit
        self._pool = ThreadPoolExecutor(max_workers=1)

    def submit(self, rec: AuditRecord) -> Future[int]:
        return self._pool.submit(self.audit.append, rec)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.audit.close()


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def bench_append(tmp: Path, n: int, synchronous: str) -> tuple[float, float, float]:
    log = AuditLog.open(tmp / f"append-{synchronous}.db", tmp / "home", synchronous=synchronous)
    recs = [record(log, i) for i in range(n)]
    lat = []
    start = time.perf_counter()
    for r in recs:
        t = time.perf_counter()
        log.append(r)
        lat.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    log.close()
    lat.sort()
    return n / total, percentile(lat, 0.5) * 1e6, percentile(lat, 0.99) * 1e6


def bench_writer(
    tmp: Path, name: str, n: int, concurrency: int, synchronous: str
) -> tuple[float, float, float, bool]:
    db = tmp / f"writer-{name}-{concurrency}-{synchronous}.db"
    log = AuditLog.open(db, tmp / "home", synchronous=synchronous)
    writer: Any = AuditWriter(log) if name == "after" else PerRecordWriter(log)
    recs = [record(log, i) for i in range(n)]
    lat: list[float] = []

    async def client(k: int) -> None:
        for i in range(k, n, concurrency):
            t = time.perf_counter()
            await asyncio.wrap_future(writer.submit(recs[i]))
            lat.append(time.perf_counter() - t)

    async def run() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(concurrency)))
        return time.perf_counter() - start

    total = asyncio.run(run())
    writer.close()
    lat.sort()
    res = verify([db])
    return n / total, percentile(lat, 0.5) * 1e3, percentile(lat, 0.99) * 1e3, res.ok


def bench_processes(tmp: Path, name: str, n: int, procs: int, synchronous: str) -> float:
    """`procs` processes, each running bench_writer's clients on one shared DB."""
    db = tmp / f"shared-{name}-{procs}-{synchronous}.db"
    AuditLog.open(db, tmp / "home", synchronous=synchronous).close()
    cmd = [
        sys.executable,
        __file__,
        "--child",
        name,
        str(db),
        str(tmp / "home"),
        str(n),
        synchronous,
    ]
    children = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(procs)]
    spans = [c.communicate(timeout=600)[0].split() for c in children]
    start = min(float(s[0]) for s in spans)
    end = max(float(s[1]) for s in spans)
    res = verify([db])
    assert res.ok and res.count == n * procs, res.summary()
    return n * procs / (end - start)


def child(name: str, db: Path, home: Path, n: int, synchronous: str) -> None:
    log = AuditLog.open(db, home, synchronous=synchronous)
    writer: Any = AuditWriter(log) if name == "after" else PerRecordWriter(log)
    recs = [record(log, i) for i in range(n)]

    async def client(k: int) -> None:
        for i in range(k, n, 512):
            await asyncio.wrap_future(writer.submit(recs[i]))

    async def run() -> None:
        await asyncio.gather(*(client(k) for k in range(512)))

    start = time.time()
    asyncio.run(run())
    end = time.time()
    writer.close()
    print(start, end)


def bench_verify(tmp: Path, n: int) -> tuple[float, int]:
    db = tmp / "verify.db"
    log = AuditLog.open(db, tmp / "home", checkpoint_every=1000)
    conn = log.db.conn
    seq, prev, _ = log._tip()
    tm = canonical.utc_now()
    rows = []
    for i in range(n):  # fill fast: same hashing as append, one transaction
        text = log.encode(record(log, i))
        seq += 1
        digest = canonical.chain_hash(seq, tm, prev, text)
        rows.append((seq, tm, text, prev, digest))
        prev = digest
    conn.execute("BEGIN")
    sql = "INSERT INTO records(seq, time, record, prev_hash, hash) VALUES (?, ?, ?, ?, ?)"
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    log.close()
    start = time.perf_counter()
    res = verify([db])
    elapsed = time.perf_counter() - start
    assert res.ok, res.summary()
    return res.count / elapsed, res.count


def median_of(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(r[i] for r in runs) for i in range(len(runs[0])))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        name, db, home, n, sync = sys.argv[2:7]
        child(name, Path(db), Path(home), int(n), sync)
        return
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="records per measurement")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    ap.add_argument("--verify-n", type=int, default=200_000)
    ap.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[1, 64, 512],
        help="requests in flight for the writer measurements",
    )
    ap.add_argument("--processes", type=int, default=2, help="0 skips the shared-DB figure")
    args = ap.parse_args()
    reps = range(args.repeat)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"{'direct append':<40}{'rate/s':>10}{'p50 us':>10}{'p99 us':>10}")
        for sync in ("NORMAL", "FULL"):
            rate, p50, p99 = median_of([bench_append(tmp / f"{r}", args.n, sync) for r in reps])
            print(f"{'  synchronous=' + sync:<40}{rate:>10,.0f}{p50:>10.0f}{p99:>10.0f}")
        print(f"\n{'writer (proxy path)':<40}{'rate/s':>10}{'p50 ms':>10}{'p99 ms':>10}  chain")
        for sync in ("NORMAL", "FULL"):
            for c in args.concurrency:
                for name in ("before", "after"):
                    runs = [bench_writer(tmp / f"{r}", name, args.n, c, sync) for r in reps]
                    rate, p50, p99 = median_of([x[:3] for x in runs])
                    label = f"  {name:<6} {sync:<6} in flight={c}"
                    status = "verified" if all(x[3] for x in runs) else "BROKEN"
                    print(f"{label:<40}{rate:>10,.0f}{p50:>10.2f}{p99:>10.2f}  {status}")
        if args.processes:
            print(f"\n{f'{args.processes} processes, one DB':<40}{'rate/s':>10}")
            for sync in ("NORMAL", "FULL"):
                for name in ("before", "after"):
                    rates = [
                        bench_processes(tmp / f"{r}", name, args.n, args.processes, sync)
                        for r in reps
                    ]
                    label = f"  {name:<6} {sync:<6} 512 in flight each"
                    print(f"{label:<40}{statistics.median(rates):>10,.0f}  verified")
        rate, count = bench_verify(tmp, args.verify_n)
        print(f"\n{f'verify ({count:,} records)':<40}{rate:>10,.0f}")


if __name__ == "__main__":
    main()
