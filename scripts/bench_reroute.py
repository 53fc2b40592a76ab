"""Added latency of a rerouted request versus calling the fallback directly.

Starts local TLS fakes in their own processes (a primary that answers 503, a healthy
primary, and an Anthropic-speaking fallback) and three `llmwall run` instances:

- rerouted (503): OpenAI request -> primary answers 503 -> Anthropic fallback, translated;
- rerouted (circuit open): the breaker is open, the primary is skipped;
- routed, primary healthy: a route covers the flow but the primary answers (the
  cost of llmwall calling the upstream itself);
- llmwall, no route: the same request through llmwall without routes (the baseline
  that scanning and mitmproxy cost anyway);

and compares them with an Anthropic request sent straight to the fallback. Non-stream
requests and time to first byte of streams. Loopback only; bounded request counts.

    python scripts/bench_reroute.py [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.bench import pct  # noqa: E402
from tests.e2e.certs import make_ca_and_server  # noqa: E402
from tests.e2e.conftest import start_proxy  # noqa: E402

FAKE = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from tests.e2e.fake_provider import FakeProvider
    fake = FakeProvider(Path({cert!r}), Path({key!r}))
    fake.default.reply = "word " * 40
    fake.default.status = {status}
    print(fake.url, flush=True)
    while True:
        time.sleep(3600)
    """
)
TEXT = "Please summarise the quarterly budget review for the project team meeting. " * 12


def openai_body(stream: bool) -> bytes:
    return json.dumps(
        {"model": "gpt-bench", "messages": [{"role": "user", "content": TEXT}], "stream": stream}
    ).encode()


def anthropic_body(stream: bool) -> bytes:
    return json.dumps(
        {
            "model": "claude-fb",
            "max_tokens": 4096,
            "messages": [{"role": "user", "content": TEXT}],
            "stream": stream,
        }
    ).encode()


def run(
    client: httpx2.Client, url: str, body: bytes, n: int, stream: bool, headers: dict[str, str]
) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        if stream:
            with client.stream("POST", url, content=body, headers=headers) as r:
                for _ in r.iter_raw():
                    out.append((time.perf_counter() - t0) * 1000)
                    break
                assert r.status_code == 200
        else:
            r = client.post(url, content=body, headers=headers)
            r.read()
            assert r.status_code == 200, r.text[:200]
            out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    n = max(20, min(args.requests, 2000))
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-bench-reroute-"))
    ca, cert, key = make_ca_and_server(tmp / "fake-ca")
    procs: list[subprocess.Popen] = []

    def fake(status: int) -> str:
        p = subprocess.Popen(
            [
                sys.executable,
                "-c",
                FAKE.format(repo=str(REPO), cert=str(cert), key=str(key), status=status),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(p)
        return p.stdout.readline().strip()  # type: ignore[union-attr]

    failing, healthy, fallback = fake(503), fake(200), fake(200)
    os.environ["LLMWALL_BENCH_FB_KEY"] = "sk-bench-fallback"
    proxies = []
    try:

        def proxy(
            name: str, primary: str, breaker: dict, routes: bool = True
        ) -> tuple[str, ssl.SSLContext]:
            cfg = {
                "upstream_ca": str(ca),
                "providers": {"openai": {"upstream": primary}},
                "breaker": breaker,
                "routes": [
                    {
                        "match": {"provider": "openai"},
                        "fallbacks": [
                            {
                                "provider": "anthropic",
                                "model": "claude-fb",
                                "upstream": fallback,
                                "api_key_env": "LLMWALL_BENCH_FB_KEY",
                            }
                        ],
                    }
                ],
            }
            if not routes:
                del cfg["routes"]
            p = start_proxy(tmp / name, cfg)
            proxies.append(p)
            return p.url, ssl.create_default_context(cafile=str(p.bundle))

        paths = {
            "fallback direct": (
                None,
                ssl.create_default_context(cafile=str(ca)),
                f"{fallback}/v1/messages",
                anthropic_body,
                {
                    "content-type": "application/json",
                    "x-api-key": "k",
                    "anthropic-version": "2023-06-01",
                },
            ),
            "rerouted (503)": (
                *proxy("r503", failing, {"failures": 10**6}),
                "https://api.openai.com/v1/chat/completions",
                openai_body,
                {"content-type": "application/json", "authorization": "Bearer sk-app"},
            ),
            "rerouted (circuit open)": (
                *proxy("open", failing, {"failures": 1, "cooldown": 3600}),
                "https://api.openai.com/v1/chat/completions",
                openai_body,
                {"content-type": "application/json", "authorization": "Bearer sk-app"},
            ),
            "llmwall, no route": (
                *proxy("plain", healthy, {}, routes=False),
                "https://api.openai.com/v1/chat/completions",
                openai_body,
                {"content-type": "application/json", "authorization": "Bearer sk-app"},
            ),
            "routed, primary healthy": (
                *proxy("ok", healthy, {"failures": 10**6}),
                "https://api.openai.com/v1/chat/completions",
                openai_body,
                {"content-type": "application/json", "authorization": "Bearer sk-app"},
            ),
        }
        rows: dict[str, dict[str, list[float]]] = {
            "non-stream request": {},
            "stream time to first byte": {},
        }
        for name, (proxy_url, ctx, url, body, headers) in paths.items():
            with httpx2.Client(proxy=proxy_url, verify=ctx, timeout=30) as client:
                for label, stream in (
                    ("non-stream request", False),
                    ("stream time to first byte", True),
                ):
                    run(
                        client, url, body(stream), 20, stream, headers
                    )  # warm-up: connections, caches, breaker
                    rows[label][name] = run(client, url, body(stream), n, stream, headers)
    finally:
        for p in proxies:
            p.stop()
        for p in procs:
            p.terminate()

    print(f"\nllmwall reroute bench: {n} requests per cell, loopback, keep-alive;", end=" ")
    print("milliseconds p50 / p99\n")
    names = list(paths)
    print(
        "| what | "
        + " | ".join(names)
        + " | rerouted (503) - fallback direct | rerouted (503) - llmwall, no route |"
    )
    print("|---|" + "---|" * (len(names) + 2))
    for label, res in rows.items():
        d, plain, r = res["fallback direct"], res["llmwall, no route"], res["rerouted (503)"]
        cells = [f"{pct(res[k], 0.5):.2f} / {pct(res[k], 0.99):.2f}" for k in names]
        added = f"{pct(r, 0.5) - pct(d, 0.5):+.2f} / {pct(r, 0.99) - pct(d, 0.99):+.2f}"
        over = f"{pct(r, 0.5) - pct(plain, 0.5):+.2f} / {pct(r, 0.99) - pct(plain, 0.99):+.2f}"
        print(f"| {label} | " + " | ".join(cells) + f" | {added} | {over} |")
    where = f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
    print(f"\n({where}; one run — compare differences, not absolutes)")


if __name__ == "__main__":
    main()
