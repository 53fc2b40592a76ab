"""What `llmwall wrap` costs a client: start-up of Node with the merged bundle and the
proxy preload, and of `llmwall wrap` itself (trust merge + proxy probe), as medians.

    .venv/bin/python scripts/bench_clients.py [--runs 15]

Needs node on PATH. Starts nothing but short-lived processes; no network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from llmwall.ca.authority import ensure_ca
from llmwall.ca.client_env import build_client_env


def medians_ms(cases: list[tuple[str, list[str], dict[str, str]]], runs: int) -> list[float]:
    """Round-robin over the cases (one run of each per round), so drift hits all alike."""
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(runs):
        for i, (_, cmd, env) in enumerate(cases):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True)
            times[i].append((time.perf_counter() - t) * 1000)
    return [statistics.median(t) for t in times]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    runs = ap.parse_args().runs
    home = Path(tempfile.mkdtemp(prefix="llmwall-bench-"))
    ca = ensure_ca(home)
    wrapped = build_client_env(home, ca.cert, "http://127.0.0.1:9", {}).vars
    base = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    node = shutil.which("node")
    cases: list[tuple[str, list[str], dict[str, str]]] = []
    if node:
        cmd = [node, "-e", "0"]
        fetch = [node, "-e", "globalThis.fetch"]
        bundle = {**base, "NODE_EXTRA_CA_CERTS": wrapped["NODE_EXTRA_CA_CERTS"]}
        full = {**base, **wrapped}
        cases += [
            ("node -e 0", cmd, base),
            ("node -e 0, NODE_EXTRA_CA_CERTS=merged bundle", cmd, bundle),
            ("node -e 0, full wrap env (bundle + preload)", cmd, full),
            ("node: touch fetch, no wrap", fetch, base),
            ("node: touch fetch, full wrap env", fetch, full),
        ]
    cases.append(("python -c 0", [sys.executable, "-c", "0"], base))
    wrap = [sys.executable, "-m", "llmwall", "wrap", "--home", str(home), "--listen",
            "127.0.0.1:9", "--", "true"]  # fmt: skip
    cases.append(("llmwall wrap -- true (nothing at the address: hint)", wrap, base))
    rows = list(zip([c[0] for c in cases], medians_ms(cases, runs), strict=True))
    t = time.perf_counter()
    for _ in range(runs):
        build_client_env(home, ca.cert, "http://127.0.0.1:9", {})
    rows.append(
        ("build_client_env (in-process, cached bundle)", (time.perf_counter() - t) * 1000 / runs)
    )
    version = subprocess.run([node or "true", "--version"], capture_output=True, text=True)
    print(f"runs per row: {runs}; node {version.stdout.strip()}")
    for name, ms in rows:
        print(f"{ms:8.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
