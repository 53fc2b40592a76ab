"""CPU time per chat request in the proxy process, this checkout against another one.

Latency medians on a shared machine move by milliseconds with other processes' load;
the CPU time a proxy process spends per request does not depend on when the scheduler
runs it. This starts the local TLS fake provider, `llmwall run` from this checkout and
from `--baseline DIR` (e.g. `git worktree add --detach /tmp/llmwall-base main`), sends
the same 1 KB and 10 KB chat requests through both in alternating rounds, and reports
the proxy processes' user+system CPU milliseconds per request (from /proc, Linux).

    python scripts/bench_cpu.py --baseline DIR [--requests 600]
"""

from __future__ import annotations

import argparse
import os
import random
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench import FAKE_SERVER, chat_body, start_baseline  # noqa: E402

from tests.e2e.certs import make_ca_and_server  # noqa: E402
from tests.e2e.conftest import base_config, start_proxy  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
ROUNDS = 10


def cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, required=True, metavar="DIR")
    parser.add_argument("--requests", type=int, default=600)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-bench-cpu-"))
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
    procs: list[subprocess.Popen[str] | subprocess.Popen[bytes]] = [fake]
    try:
        fake_url = fake.stdout.readline().strip()  # type: ignore[union-attr]

        class _Fake:
            url = fake_url

        config = base_config(_Fake, ca)  # type: ignore[arg-type]
        new = start_proxy(tmp / "new", config)
        procs.append(new.proc)
        b_url, b_bundle, b_proc = start_baseline(args.baseline.resolve(), tmp / "base", config)
        procs.append(b_proc)
        proxies = {
            "this checkout": (new.url, new.bundle, new.proc.pid),
            "baseline": (b_url, b_bundle, b_proc.pid),
        }
        url = "https://api.openai.com/v1/chat/completions"
        rng = random.Random(7)
        print(f"CPU ms per request in the proxy process, {args.requests} requests per row")
        print(f"  {'request':<10} " + " ".join(f"{name:>15}" for name in proxies))
        for size in (1000, 10000):
            bodies = [chat_body(size, rng) for _ in range(args.requests)]
            clients = {
                name: httpx2.Client(
                    proxy=p, verify=ssl.create_default_context(cafile=str(b)), timeout=30
                )
                for name, (p, b, _) in proxies.items()
            }
            spent = dict.fromkeys(proxies, 0.0)
            headers = {"content-type": "application/json", "authorization": "Bearer x"}
            for client in clients.values():
                for body in bodies[:20]:  # warm-up
                    client.post(url, content=body, headers=headers).read()
            step = max(1, len(bodies) // ROUNDS)
            for start in range(0, len(bodies), step):
                for name, client in clients.items():
                    pid = proxies[name][2]
                    before = cpu_ms(pid)
                    for body in bodies[start : start + step]:
                        reply = client.post(url, content=body, headers=headers)
                        assert reply.status_code == 200, reply.text[:200]
                    time.sleep(0.05)  # let the audit writer finish the slice's appends
                    spent[name] += cpu_ms(pid) - before
            for client in clients.values():
                client.close()
            row = " ".join(f"{spent[name] / len(bodies):15.3f}" for name in proxies)
            print(f"  {size // 1000:>3} KB     {row}")
        print(f"(clock ticks of {1000 / TICK:.0f} ms summed over {ROUNDS} slices per row)")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
