"""Several processes serving one address (`workers: N`, `llmwall run --workers N`).

Each worker is an ordinary `llmwall run` process. They all bind the same address with
the kernel's SO_REUSEPORT, so the kernel spreads new connections over them: no
balancer of our own. mitmproxy binds its listeners with `asyncio.start_server` and has
no option for it; `reuse_port()` (called in a worker before mitmproxy starts) sets it
for the servers of that process.

What the workers share: the address, the config, the CA, the audit DB (every append is
one `BEGIN IMMEDIATE` transaction, so the chain stays one valid chain; each record
names its worker in `extra.worker`) and the metrics (prometheus_client's multiprocess
mode, one directory of counters the admin endpoint of any worker sums up). What each
has alone: its circuit breaker, its scan cache, its fallback connections.

The supervisor starts the workers, passes SIGINT/SIGTERM on, and restarts a worker
that dies unexpectedly (at most RESTARTS times a minute, then it gives up and stops all).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("llmwall.workers")

WORKER_ENV = "LLMWALL_WORKER"  # the worker's number, 1..N, in each worker's environment
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's shared counters
RESTARTS = 5


def worker_id() -> int | None:
    value = os.environ.get(WORKER_ENV)
    return int(value) if value and value.isdigit() else None


def reuse_port() -> None:
    """Make this process's asyncio servers bind with SO_REUSEPORT."""
    original = asyncio.start_server
    if getattr(original, "llmwall_reuse_port", False):
        return

    async def start_server(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("reuse_port", True)
        return await original(*args, **kwargs)

    start_server.llmwall_reuse_port = True  # type: ignore[attr-defined]
    asyncio.start_server = start_server  # type: ignore[assignment]


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def supervise(count: int, argv: Sequence[str], listen: str) -> int:
    """Run `count` workers of `llmwall run <argv> --listen <listen>`; return when they
    are all gone (the exit status of the last one, 0 on a requested stop)."""
    metrics = Path(tempfile.mkdtemp(prefix="llmwall-metrics-"))
    base_env = {**os.environ, METRICS_ENV: str(metrics)}
    procs: dict[int, subprocess.Popen[bytes]] = {}
    recent: deque[float] = deque()
    stopping = False

    def start(n: int) -> None:
        env = {**base_env, WORKER_ENV: str(n)}
        command = [sys.executable, "-m", "llmwall", "run", *argv, "--listen", listen]
        procs[n] = subprocess.Popen(command, env=env)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signum)

    def reload(signum: int, _frame: object) -> None:  # every worker reloads its policy
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGHUP)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    signal.signal(signal.SIGHUP, reload)
    for n in range(1, count + 1):
        start(n)
    log.info("llmwall: %d workers serving %s", count, listen)
    status = 0
    try:
        while procs:
            time.sleep(0.2)
            for n, proc in list(procs.items()):
                code = proc.poll()
                if code is None:
                    continue
                del procs[n]
                if stopping:
                    continue
                now = time.monotonic()
                recent.append(now)
                while recent and now - recent[0] > 60:
                    recent.popleft()
                if len(recent) > RESTARTS:
                    log.error("llmwall: workers keep dying (last status %s); stopping", code)
                    status = code or 1
                    stop(signal.SIGTERM, None)
                    continue
                log.error("llmwall: worker %d exited with %s; restarting it", n, code)
                start(n)
    finally:
        shutil.rmtree(metrics, ignore_errors=True)
    return status
