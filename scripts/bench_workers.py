"""Throughput, added latency and CPU per request: bare mitmdump, llmwall with 1 worker and
with 2 workers, in one run.

Starts a local TLS fake provider (its own process), bare mitmdump with only a routing
addon, and `llmwall run` with `workers: 1` and `workers: 2` (the default policy), then
drives each with the same closed-loop load: C concurrent clients, each on its own
keep-alive connection, sending the 1 KB chat request of scripts/bench.py for D seconds.
Prints requests/s, p50/p99 latency, and the CPU seconds the proxy processes used per
request (utime + stime from /proc, workers summed).

On a machine with few cores the load generator and the fake share them with the proxy,
so throughput is capped by them; the CPU cost per request is the figure that shows what
a many-core host would serve (cores / CPU-seconds-per-request).

    python scripts/bench_workers.py [--clients 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import random
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.bench import (  # noqa: E402
    FAKE_SERVER,
    REDIRECT_ADDON,
    chat_body,
    free_port,
    pct,
)
from tests.e2e.certs import make_ca_and_server  # noqa: E402
from tests.e2e.conftest import base_config, start_proxy, subprocess_env  # noqa: E402

URL = "https://api.openai.com/v1/chat/completions"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` and of all its descendants still running."""
    total = 0.0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                pids += [int(c) for c in children]
        except (OSError, IndexError, ValueError):
            continue
    return total


def load(proxy: str, ctx: ssl.SSLContext, clients: int, seconds: float) -> list[float]:
    rng = random.Random(7)
    bodies = [chat_body(1024, rng) for _ in range(64)]
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run() -> None:
        mine = []
        with httpx2.Client(proxy=proxy, verify=ctx, timeout=30) as client:
            i = 0
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = client.post(
                    URL,
                    content=bodies[i % len(bodies)],
                    headers={"content-type": "application/json"},
                )
                r.read()
                mine.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.status_code
                i += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-bench-workers-"))
    ca, cert, key = make_ca_and_server(tmp / "fake-ca")
    fake = subprocess.Popen(
        [
            sys.executable,
            "-c",
            FAKE_SERVER.format(repo=str(REPO), cert=str(cert), key=str(key), tool=None),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    fake_url = fake.stdout.readline().strip()  # type: ignore[union-attr]
    procs: list[subprocess.Popen] = [fake]

    class _F:
        url = fake_url

    rows = []
    try:
        addon = tmp / "redirect.py"
        port = int(fake_url.rsplit(":", 1)[1])
        addon.write_text(REDIRECT_ADDON.format(port=port, tool_port=port))  # no tool host here
        mport, mconf = free_port(), tmp / "mitm"
        mitmdump = str(Path(sys.executable).with_name("mitmdump"))
        options = [
            f"confdir={mconf}",
            "connection_strategy=lazy",
            "upstream_cert=false",
            f"ssl_verify_upstream_trusted_ca={ca}",
        ]
        argv = [mitmdump, "-q", "--listen-host", "127.0.0.1", "-p", str(mport), "-s", str(addon)]
        mitm = subprocess.Popen(
            [*argv, *(x for o in options for x in ("--set", o))],
            env=subprocess_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(mitm)
        while not (mconf / "mitmproxy-ca-cert.pem").exists():
            time.sleep(0.1)
        time.sleep(1)
        targets = [
            ("mitmdump", f"http://127.0.0.1:{mport}", mconf / "mitmproxy-ca-cert.pem", mitm.pid)
        ]
        for n in (1, 2):
            p = start_proxy(tmp / f"home{n}", base_config(_F, ca, workers=n, log={"format": "off"}))  # type: ignore[arg-type]
            deadline = time.monotonic() + 60
            while (
                p.log.read_text().count("llmwall listening on") < n and time.monotonic() < deadline
            ):
                time.sleep(0.1)
            procs.append(p.proc)
            targets.append(
                (f"llmwall, {n} worker{'s' if n > 1 else ''}", p.url, p.bundle, p.proc.pid)
            )
        for name, url, bundle, pid in targets:
            ctx = ssl.create_default_context(cafile=str(bundle))
            load(url, ctx, args.clients, 2.0)  # warm-up
            before = cpu_seconds(pid)
            started = time.monotonic()
            lat = load(url, ctx, args.clients, args.seconds)
            elapsed = time.monotonic() - started
            cpu = cpu_seconds(pid) - before
            rows.append(
                (name, len(lat) / elapsed, pct(lat, 0.5), pct(lat, 0.99), cpu / len(lat) * 1000)
            )
    finally:
        for p in procs:
            p.terminate()
    print(
        f"\n{args.clients} clients, {args.seconds:.0f} s each, 1 KB chat, loopback;"
        f" {os.cpu_count()} cores\n"
    )
    print("| proxy | requests/s | p50 ms | p99 ms | proxy CPU ms per request |")
    print("|---|---|---|---|---|")
    for name, rps, p50, p99, cpu in rows:
        print(f"| {name} | {rps:.0f} | {p50:.2f} | {p99:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
