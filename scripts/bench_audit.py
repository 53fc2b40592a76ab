"""Benchmark the audit log: append latency (p50/p99) and rate, and verify rate.

    .venv/bin/python scripts/bench_audit.py [--n 5000] [--verify-n 200000]

Appends go one committed transaction each, like the proxy's; a realistic record
(findings, usage, digests). Verify runs over a separately filled chain of --verify-n rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    return n / total, lat[len(lat) // 2] * 1e6, lat[int(len(lat) * 0.99)] * 1e6


def bench_verify(tmp: Path, n: int) -> tuple[float, int]:
    db = tmp / "verify.db"
    log = AuditLog.open(db, tmp / "home", checkpoint_every=1000)
    conn = log.db.conn
    seq, prev, _ = log._tip()
    tm = canonical.utc_now()
    rows = []
    for i in range(n):  # fill fast: same hashing as append, one transaction
        text = canonical.encode_record(record(log, i), log.digest)
        seq += 1
        digest = canonical.chain_hash(seq, tm, prev, text)
        rows.append((seq, tm, text, prev, digest))
        prev = digest
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    log.close()
    start = time.perf_counter()
    res = verify([db])
    elapsed = time.perf_counter() - start
    assert res.ok, res.summary()
    return res.count / elapsed, res.count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--verify-n", type=int, default=200_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"{'measure':<34}{'rate/s':>12}{'p50 us':>10}{'p99 us':>10}")
        for sync in ("NORMAL", "FULL"):
            rate, p50, p99 = bench_append(tmp, args.n, sync)
            print(f"{'append, synchronous=' + sync:<34}{rate:>12,.0f}{p50:>10.0f}{p99:>10.0f}")
        rate, count = bench_verify(tmp, args.verify_n)
        print(f"{f'verify ({count:,} records)':<34}{rate:>12,.0f}{'':>10}{'':>10}")


if __name__ == "__main__":
    main()
