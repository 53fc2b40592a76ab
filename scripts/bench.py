"""Added latency of llmwall versus direct TLS and versus bare mitmdump, in one run.

Starts a local TLS fake provider (in its own process), bare mitmdump with only a
routing addon, and `llmwall run` with its default policy, then sends the same OpenAI
chat requests (1 KB and 10 KB of ordinary English, no findings) through each over a
keep-alive connection, plus streamed requests for time to first byte. Prints p50/p99
and the differences. Loopback only; bounded request counts.

A second llmwall ("agent") runs an agent policy (tool rules, taint, pseudonymized
e-mail addresses, prompt-leak watch) on the same requests, and on an Anthropic chat with
tool calls (tool definitions, an address to pseudonymize, a tool result; the answer is a
tool call, streamed and not, served by a second fake): its column minus llmwall's is
the added latency of the agent features.

    python scripts/bench.py [--requests 300] [--baseline DIR]

`--baseline DIR` also starts the llmwall of another checkout (for example one made with
`git worktree add /tmp/llmwall-old <commit>`) with the same config, so that the old and
the new code are measured side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import ssl
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.certs import make_ca_and_server  # noqa: E402
from tests.e2e.conftest import base_config, start_proxy, subprocess_env  # noqa: E402

WORDS = (  # noqa: SIM905 (a sentence reads better than a list of 35 words)
    "the a report team meeting schedule project budget review customer feedback design "
    "release plan summary quarter results deadline update draft analysis question answer "
    "please could you write explain improve shorten translate list compare describe outline"
).split(" ")


def chat_body(size: int, rng: random.Random, stream: bool = False) -> bytes:
    words: list[str] = []
    while len(" ".join(words)) < size - 120:
        words.append(rng.choice(WORDS))
    text = " ".join(words).capitalize() + "."
    body = {"model": "gpt-bench", "messages": [{"role": "user", "content": text}], "stream": stream}
    return json.dumps(body).encode()


AGENT_POLICY = {
    "actions": {"secret": "redact", "pii": "redact", "EMAIL_ADDRESS": "pseudonymize",
                "PROMPT_INJECTION": "block"},
    "tools": [
        {"name": "delete_*", "action": "block"},
        {"name": "send_email", "args": {"to": ".*@(?!acme\\.com$).*"}, "action": "block"},
        {"name": "*payment*", "action": "shadow"},
    ],
    "taint": {"injection_score": 0.3, "block_tools": ["send_*", "delete_*"]},
    "prompt_leak": "warn",
}  # fmt: skip
TOOL_CALL = ("send_email", {"to": "bob@acme.com", "body": "The report is attached."})


def tools_body(size: int, rng: random.Random, stream: bool = False) -> bytes:
    """An agent turn in Anthropic Messages: tools, a tool result, an address."""
    words: list[str] = []
    while len(" ".join(words)) < size - 600:
        words.append(rng.choice(WORDS))
    schema = {"type": "object", "properties": {"to": {"type": "string"}}}
    tools = [
        {"name": n, "description": f"{n.replace('_', ' ')} for the user", "input_schema": schema}
        for n in ("send_email", "search_docs", "delete_file")
    ]
    asked = {"type": "tool_use", "id": "t1", "name": "search_docs", "input": {"q": "summary"}}
    result = {
        "type": "tool_result",
        "tool_use_id": "t1",
        "content": "The quarterly summary: revenue up, costs flat.",
    }
    body = {
        "model": "claude-bench",
        "max_tokens": 256,
        "stream": stream,
        "system": "You are a helpful assistant for the operations team of a small company.",
        "tools": tools,
        "messages": [
            {
                "role": "user",
                "content": "Mail the summary to alice@example.org: " + " ".join(words),
            },
            {"role": "assistant", "content": [asked]},
            {"role": "user", "content": [result]},
        ],
    }
    return json.dumps(body).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FAKE_SERVER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from tests.e2e.fake_provider import FakeProvider
    fake = FakeProvider(Path({cert!r}), Path({key!r}))
    fake.default.reply = "word " * 40
    fake.default.tool_call = {tool!r}
    print(fake.url, flush=True)
    while True:
        time.sleep(3600)
    """
)

REDIRECT_ADDON = textwrap.dedent(
    """
    from mitmproxy import http
    class Redirect:
        def request(self, flow: http.HTTPFlow) -> None:
            if flow.request.pretty_host == "api.openai.com":
                flow.request.host, flow.request.port = "127.0.0.1", {port}
            if flow.request.pretty_host == "api.anthropic.com":
                flow.request.host, flow.request.port = "127.0.0.1", {tool_port}
    addons = [Redirect()]
    """
)


def measure(client: httpx2.Client, url: str, bodies: list[bytes]) -> list[float]:
    out = []
    for body in bodies:
        t0 = time.perf_counter()
        r = client.post(
            url,
            content=body,
            headers={"content-type": "application/json", "authorization": "Bearer x"},
        )
        r.read()
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text[:200]
    return out


def measure_ttfb(client: httpx2.Client, url: str, bodies: list[bytes]) -> list[float]:
    out = []
    for body in bodies:
        t0 = time.perf_counter()
        with client.stream(
            "POST", url, content=body, headers={"content-type": "application/json"}
        ) as r:
            first = True
            for _ in r.iter_raw():
                if first:
                    out.append((time.perf_counter() - t0) * 1000)
                    first = False
    return out


def start_baseline(checkout: Path, home: Path, config: dict) -> tuple[str, Path, subprocess.Popen]:
    """`llmwall run` from another checkout (its own import layout), ready to serve."""
    import yaml

    home.mkdir(parents=True)
    cfg = home / "config.yaml"
    cfg.write_text(yaml.safe_dump(config))
    module = "llmwall" if (checkout / "llmwall" / "__main__.py").exists() else "addon.cli"
    env = {**subprocess_env(), "PYTHONPATH": str(checkout)}
    log = home / "llmwall.log"
    argv = ["run", "--config", str(cfg), "--home", str(home), "--listen", "127.0.0.1:0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *argv],
        cwd=checkout,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        for line in text.splitlines():
            if "llmwall listening on 127.0.0.1:" in line:
                port = line.split("127.0.0.1:", 1)[1].split(" ", 1)[0]
                return f"http://127.0.0.1:{port}", home / "ca" / "llmwall-ca-bundle.pem", proc
        if proc.poll() is not None:
            raise SystemExit(f"baseline llmwall exited:\n{text}")
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("baseline llmwall did not become ready")


ROUNDS = 10


def interleaved(
    paths: dict[str, tuple[str | None, ssl.SSLContext, str]],
    bodies: list[bytes],
    measure_fn: Callable[[httpx2.Client, str, list[bytes]], list[float]],
) -> dict[str, list[float]]:
    """Every path measured in turn, ROUNDS times, one slice of the bodies per turn: a
    shared machine's drift then hits all paths alike instead of the last one."""
    clients = {
        name: httpx2.Client(proxy=proxy, verify=ctx, timeout=30)
        for name, (proxy, ctx, _) in paths.items()
    }
    results: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for name, client in clients.items():
            measure_fn(client, paths[name][2], bodies[:10])  # warm-up: connections, caches
        step = max(1, len(bodies) // ROUNDS)
        for start in range(0, len(bodies), step):
            for name, client in clients.items():
                results[name] += measure_fn(client, paths[name][2], bodies[start : start + step])
    finally:
        for client in clients.values():
            client.close()
    return results


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR", help="also measure the llmwall of this checkout"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-bench-"))
    ca, cert, key = make_ca_and_server(tmp / "fake-ca")
    fakes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                FAKE_SERVER.format(repo=str(REPO), cert=str(cert), key=str(key), tool=tool),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for tool in (None, TOOL_CALL)
    ]
    fake_url, tool_url = (f.stdout.readline().strip() for f in fakes)  # type: ignore[union-attr]
    fake_port, tool_port = (int(u.rsplit(":", 1)[1]) for u in (fake_url, tool_url))
    procs: list[subprocess.Popen] = list(fakes)
    try:
        # bare mitmdump with only a routing addon, same CA handling
        addon = tmp / "redirect.py"
        addon.write_text(REDIRECT_ADDON.format(port=fake_port, tool_port=tool_port))
        mport = free_port()
        mitm_conf = tmp / "mitm"
        mitm = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("mitmdump")),
                "-q",
                "--listen-host",
                "127.0.0.1",
                "-p",
                str(mport),
                "-s",
                str(addon),
                "--set",
                f"confdir={mitm_conf}",
                "--set",
                "connection_strategy=lazy",
                "--set",
                "upstream_cert=false",
                "--set",
                f"ssl_verify_upstream_trusted_ca={ca}",
            ],
            env=subprocess_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(mitm)

        class _F:
            url = fake_url

        config = base_config(_F, ca)  # type: ignore[arg-type]
        config["providers"]["anthropic"] = {"upstream": tool_url}
        lw = start_proxy(tmp / "home", config)
        agent = start_proxy(tmp / "agent-home", {**config, "policy": AGENT_POLICY})
        deadline = time.time() + 30
        while not (mitm_conf / "mitmproxy-ca-cert.pem").exists() and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)

        rng = random.Random(7)
        url = "https://api.openai.com/v1/chat/completions"
        paths = {
            "direct": (
                None,
                ssl.create_default_context(cafile=str(ca)),
                f"{fake_url}/v1/chat/completions",
            ),
            "mitmdump": (
                f"http://127.0.0.1:{mport}",
                ssl.create_default_context(cafile=str(mitm_conf / "mitmproxy-ca-cert.pem")),
                url,
            ),
            "llmwall": (lw.url, ssl.create_default_context(cafile=str(lw.bundle)), url),
            "agent": (agent.url, ssl.create_default_context(cafile=str(agent.bundle)), url),
        }
        if args.baseline:
            b_url, b_bundle, b_proc = start_baseline(
                args.baseline.resolve(),
                tmp / "baseline-home",
                config,
            )
            procs.append(b_proc)
            paths["baseline"] = (b_url, ssl.create_default_context(cafile=str(b_bundle)), url)
        rows = []
        for size in (1024, 10240):
            bodies = [chat_body(size, rng) for _ in range(args.requests)]
            rows.append((f"{size // 1024} KB chat request", interleaved(paths, bodies, measure)))
        bodies = [chat_body(1024, rng, stream=True) for _ in range(max(50, args.requests // 3))]
        rows.append(("stream time to first byte", interleaved(paths, bodies, measure_ttfb)))
        messages = "https://api.anthropic.com/v1/messages"
        tool_paths = {
            name: (proxy, ctx, f"{tool_url}/v1/messages" if name == "direct" else messages)
            for name, (proxy, ctx, _) in paths.items()
        }
        for stream in (False, True):
            bodies = [tools_body(1024, rng, stream) for _ in range(args.requests)]
            label = "1 KB chat with tool calls" + (", streamed (whole)" if stream else "")
            rows.append((label, interleaved(tool_paths, bodies, measure)))
        lw.stop()
        agent.stop()
    finally:
        for p in procs:
            p.terminate()

    print(
        f"\nllmwall bench: {args.requests} requests per row, loopback, keep-alive; milliseconds\n"
    )
    base = " | baseline p50/p99 | baseline - mitmdump (p50)" if args.baseline else ""
    print(
        "| what | direct p50/p99 | mitmdump p50/p99 | llmwall p50/p99 "
        f"| llmwall - mitmdump (p50) | llmwall / mitmdump (p50){base} |"
    )
    print("|---|---|---|---|---|---|" + ("---|---|" if args.baseline else ""))
    for label, res in rows:
        d, m, w = res["direct"], res["mitmdump"], res["llmwall"]
        cells = [f"{pct(x, 0.5):.2f} / {pct(x, 0.99):.2f}" for x in (d, m, w)]
        delta, ratio = pct(w, 0.5) - pct(m, 0.5), pct(w, 0.5) / pct(m, 0.5)
        extra = ""
        if "baseline" in res:
            b = res["baseline"]
            extra = f" | {pct(b, 0.5):.2f} / {pct(b, 0.99):.2f} | {pct(b, 0.5) - pct(m, 0.5):+.2f}"
        print(f"| {label} | {' | '.join(cells)} | {delta:+.2f} | {ratio:.2f}x{extra} |")
    print("\nagent policy (tool rules, taint, pseudonyms, prompt-leak watch):\n")
    print("| what | llmwall p50/p99 | agent p50/p99 | agent - llmwall (p50) |")
    print("|---|---|---|---|")
    for label, res in rows:
        w, a = res["llmwall"], res["agent"]
        print(
            f"| {label} | {pct(w, 0.5):.2f} / {pct(w, 0.99):.2f} | "
            f"{pct(a, 0.5):.2f} / {pct(a, 0.99):.2f} | {pct(a, 0.5) - pct(w, 0.5):+.2f} |"
        )
    print(
        f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores; "
        "medians of one run: compare ratios, not absolutes)"
    )


if __name__ == "__main__":
    main()
