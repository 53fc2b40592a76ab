"""The cost of inspecting WebSocket frames, in two measurements.

core    the frame inspector alone (`llmwall.core.frames.FrameSession`, the real
        detectors, default policy), per frame kind: ordinary English text from the
        client (in one session, so each frame is also scored with the earlier turns, and
        as the first text frame of a session), base64 audio from the client, a text
        delta and an audio delta from the server, a Gemini Live model-turn part. Median
        and p99 in microseconds.
proxy   one OpenAI Realtime round trip (`conversation.item.create` -> the provider's
        `conversation.item.created`: one client frame and one server frame inspected)
        over a kept-open session, direct to a local TLS WebSocket fake, through bare
        mitmdump, and through `llmwall run`; p50/p99 in milliseconds and the differences.

hook    what the WebSocket addon adds to every plain (chat) request: its
        `requestheaders` hook on a chat flow, through mitmproxy's hook dispatch, in
        microseconds (the rest of the chat path is unchanged).

    python scripts/bench_ws.py [--frames 2000] [--rounds 400] [--only core|proxy|hook]

Loopback only; the fake provider runs in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.certs import make_ca_and_server  # noqa: E402
from tests.e2e.conftest import start_proxy, subprocess_env  # noqa: E402

WORDS = (  # noqa: SIM905
    "the a report team meeting schedule project budget review customer feedback design "
    "release plan summary quarter results deadline update draft analysis question answer "
    "please could you write explain improve shorten translate list compare describe outline"
).split(" ")


def sentence(size: int, rng: random.Random) -> str:
    words: list[str] = []
    while len(" ".join(words)) < size:
        words.append(rng.choice(WORDS))
    return " ".join(words).capitalize() + "."


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


# --- core --------------------------------------------------------------------------------


def bench_core(frames: int) -> None:
    from llmwall.core.exchange import Exchange
    from llmwall.core.frames import FrameSession
    from llmwall.core.inspect import Inspector
    from llmwall.core.policy import load_policy
    from llmwall.core.scanner import Scanner
    from llmwall.detectors.engine import Detector
    from llmwall.routing.realtime import get

    rng = random.Random(7)
    inspector = Inspector(load_policy(None), Scanner(Detector()), digest=lambda b: "d")
    exchange = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/realtime")

    def new(protocol: str) -> FrameSession:
        found = get(protocol)
        assert found is not None
        return FrameSession(inspector, exchange, found, holdback=64)

    def item(size: int) -> bytes:
        content = [{"type": "input_text", "text": sentence(size, rng)}]
        message = {"type": "message", "role": "user", "content": content}
        return json.dumps({"type": "conversation.item.create", "item": message}).encode()

    audio_100ms = "UklG" * 1600  # 100 ms of 24 kHz pcm16 mono, base64 (6.4 KB)
    text = sentence(20 * frames, rng)

    def deltas(n: int) -> list[bytes]:
        base = {"item_id": "it1", "content_index": 0, "response_id": "r", "output_index": 0}
        out, pos = [], 0
        for _ in range(n):
            step = rng.randint(3, 12)
            out.append(
                json.dumps(
                    {"type": "response.output_text.delta", **base, "delta": text[pos : pos + step]}
                ).encode()
            )
            pos += step
        return out

    def same(event: dict[str, Any]) -> Callable[[int], list[bytes]]:
        return lambda n: [json.dumps(event).encode()] * n

    def live(n: int) -> list[bytes]:
        def part(i: int) -> dict[str, Any]:
            return {"serverContent": {"modelTurn": {"parts": [{"text": text[i * 8 : i * 8 + 8]}]}}}

        return [json.dumps(part(i)).encode() for i in range(n)]

    append = {"type": "input_audio_buffer.append", "audio": audio_100ms}
    audio_delta = {"type": "response.output_audio.delta", "item_id": "a", "delta": audio_100ms}
    cases: list[tuple[str, str, bool, Callable[[int], list[bytes]]]] = [
        ("client text 200 B (conversation.item.create)", "openai_realtime", True,
         lambda n: [item(200) for _ in range(n)]),
        ("client text 2 KB (conversation.item.create)", "openai_realtime", True,
         lambda n: [item(2000) for _ in range(n)]),
        ("client text 200 B, the first text frame of its session", "openai_realtime*", True,
         lambda n: [item(200) for _ in range(n)]),
        ("client text 2 KB, the first text frame of its session", "openai_realtime*", True,
         lambda n: [item(2000) for _ in range(n)]),
        ("client audio 100 ms (input_audio_buffer.append)", "openai_realtime", True, same(append)),
        ("server text delta 3-12 chars (response.output_text.delta)", "openai_realtime", False,
         deltas),
        ("server audio delta 100 ms (response.output_audio.delta)", "openai_realtime", False,
         same(audio_delta)),
        ("server Gemini Live model-turn part 3-12 chars", "gemini_live", False, live),
    ]  # fmt: skip
    print(f"core: FrameSession per frame, {frames} frames each (default policy, no findings)")
    print(f"  {'frame':<58} {'p50 us':>8} {'p99 us':>8}")
    loop = asyncio.new_event_loop()
    for name, protocol, client, make in cases:
        fresh = protocol.endswith("*")  # a new session per frame: no earlier turns
        protocol = protocol.rstrip("*")
        session = new(protocol)
        batch = make(frames)
        times = []
        for frame in batch:
            if fresh:
                session = new(protocol)
            t0 = time.perf_counter()
            if client:
                loop.run_until_complete(session.client(frame, True))
            else:
                session.server(frame, True)
            times.append((time.perf_counter() - t0) * 1e6)
        times = times[len(times) // 10 :]  # drop the warm-up tenth
        print(f"  {name:<58} {statistics.median(times):8.1f} {pct(times, 0.99):8.1f}")
    # the event loop's own share of a client frame (not llmwall's cost)
    t = []
    for _ in range(frames):
        t0 = time.perf_counter()
        loop.run_until_complete(asyncio.sleep(0))
        t.append((time.perf_counter() - t0) * 1e6)
    noop = "(asyncio run_until_complete of a no-op, included above)"
    print(f"  {noop:<58} {statistics.median(t):8.1f}")
    loop.close()


# --- proxy -------------------------------------------------------------------------------

FAKE_SERVER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from tests.e2e.fake_ws import FakeWebSocketProvider
    fake = FakeWebSocketProvider(Path({cert!r}), Path({key!r}))
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
    addons = [Redirect()]
    """
)


async def round_trips(url: str, proxy: str | None, ctx: ssl.SSLContext, rounds: int) -> list[float]:
    from websockets.asyncio.client import connect

    rng = random.Random(11)
    content = [{"type": "input_text", "text": sentence(200, rng)}]
    event = json.dumps(
        {
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "user", "content": content},
        }
    )
    out = []
    async with connect(url, proxy=proxy, ssl=ctx, max_size=None, compression=None) as ws:
        await ws.recv()  # session.created
        for i in range(rounds):
            t0 = time.perf_counter()
            await ws.send(event)
            await ws.recv()
            if i >= rounds // 10:
                out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_proxy(rounds: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-bench-ws-"))
    ca, cert, key = make_ca_and_server(tmp / "fake-ca")
    fake = subprocess.Popen(
        [
            sys.executable,
            "-c",
            FAKE_SERVER.format(repo=str(REPO), cert=str(cert), key=str(key), tool=None),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    procs: list[Any] = [fake]
    try:
        fake_url = fake.stdout.readline().strip()  # type: ignore[union-attr]
        port = int(fake_url.rsplit(":", 1)[1])
        addon = tmp / "redirect.py"
        addon.write_text(REDIRECT_ADDON.format(port=port))
        mconf = tmp / "mitm"
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            mport = s.getsockname()[1]
        mitm = subprocess.Popen(
            [str(Path(sys.executable).with_name("mitmdump")), "-q", "--listen-host", "127.0.0.1",
             "-p", str(mport), "-s", str(addon), "--set", f"confdir={mconf}",
             "--set", "connection_strategy=lazy", "--set", "upstream_cert=false",
             "--set", f"ssl_verify_upstream_trusted_ca={ca}"],
            env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        procs.append(mitm)
        config = {"upstream_ca": str(ca), "providers": {"openai": {"upstream": fake_url}}}
        lw = start_proxy(tmp / "home", config)
        procs.append(lw)
        deadline = time.time() + 30
        while not (mconf / "mitmproxy-ca-cert.pem").exists() and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        url = "wss://api.openai.com/v1/realtime?model=gpt-bench"

        def trust(path: Path) -> ssl.SSLContext:
            return ssl.create_default_context(cafile=str(path))

        paths = {
            "direct": (f"wss://127.0.0.1:{port}/v1/realtime", None, trust(ca)),
            "mitmdump": (url, f"http://127.0.0.1:{mport}", trust(mconf / "mitmproxy-ca-cert.pem")),
            "llmwall": (url, lw.url, trust(lw.bundle)),
        }
        results: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(4):  # interleaved: a shared machine's drift hits every path alike
            for name, (u, proxy, ctx) in paths.items():
                results[name] += asyncio.run(round_trips(u, proxy, ctx, rounds // 4))
        print(f"proxy: Realtime round trip (1 client + 1 server frame), {rounds} per path")
        print(f"  {'path':<10} {'p50 ms':>8} {'p99 ms':>8}")
        for name, values in results.items():
            print(f"  {name:<10} {statistics.median(values):8.3f} {pct(values, 0.99):8.3f}")
        base = statistics.median(results["mitmdump"])
        print(f"  llmwall - mitmdump (p50): {statistics.median(results['llmwall']) - base:+.3f} ms")
    finally:
        for p in procs:
            if hasattr(p, "stop"):
                p.stop()
            else:
                p.terminate()
                p.wait(10)


def bench_hook(frames: int) -> None:
    from types import SimpleNamespace

    from mitmproxy.test import tflow

    from llmwall.addon.flow_state import KEY, FlowState
    from llmwall.addon.websocket import WebSockets
    from llmwall.core.exchange import Exchange
    from llmwall.routing.providers import ProviderTable

    addon = WebSockets(SimpleNamespace(table=ProviderTable()))  # type: ignore[arg-type]
    flow = tflow.tflow()
    flow.request.host, flow.request.path = "api.openai.com", "/v1/chat/completions"
    exchange = Exchange("rid", "openai", "openai_chat", "api.openai.com", "/v1/chat/completions")
    flow.metadata[KEY] = FlowState(exchange, None)
    loop = asyncio.new_event_loop()
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        loop.run_until_complete(addon.requestheaders(flow))
        times.append((time.perf_counter() - t0) * 1e6)
    base = []
    for _ in range(frames):
        t0 = time.perf_counter()
        loop.run_until_complete(asyncio.sleep(0))
        base.append((time.perf_counter() - t0) * 1e6)
    loop.close()
    added = statistics.median(times) - statistics.median(base)
    print("hook: WebSockets.requestheaders on a chat request")
    print(f"  p50 {statistics.median(times):.1f} us, of which the event loop's round trip")
    print(f"  {statistics.median(base):.1f} us: the addon adds {added:.1f} us per chat request")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--only", choices=("core", "proxy", "hook"))
    args = parser.parse_args()
    if args.only in (None, "core"):
        bench_core(args.frames)
    if args.only in (None, "proxy"):
        bench_proxy(args.rounds)
    if args.only in (None, "hook"):
        bench_hook(args.frames)


if __name__ == "__main__":
    main()
