"""What the hardening adds to each request, measured in-process (robust to a busy machine,
unlike end-to-end latency): the detector's deobfuscation pass, path
canonicalization and the host checks' table look-ups.

    .venv/bin/python scripts/bench_hardening.py [--runs 300]

Texts are ordinary chat text (English, code, Chinese with full-width punctuation, French
with no-break spaces) with no findings, the common case. Each row: median and p99
microseconds per call; the scan rows compare Detector.scan with the deobfuscation pass
and without it (cache off), in one run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.detectors import engine
from llmwall.detectors.deobfuscate import hidden_findings
from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.routing.paths import forward_form
from llmwall.routing.providers import ProviderTable

WORDS = (  # noqa: SIM905 (a sentence reads better than a list)
    "the report team meeting schedule project budget review customer feedback design "
    "release plan summary quarter results deadline update draft analysis question answer "
    "please could you write explain improve shorten translate list compare describe"
).split()
CODE = "def handle_request(self, payload: dict) -> None:\n    value = payload.get('user_id')\n"
CHINESE = "请帮我总结一下这份报告，重点是「预算」和“进度”，谢谢！"
# French typography: no-break and narrow no-break spaces before punctuation, accents
FRENCH = "Le rapport du «\u00a0projet\u00a0» est prêt\u202f; merci d’avance\u00a0! "
ROWS: list[tuple[str, float, float]] = []


def text(kind: str, size: int, rng: random.Random) -> str:
    out: list[str] = []
    while sum(map(len, out)) < size:
        if kind == "english":
            out.append(" ".join(rng.choice(WORDS) for _ in range(12)) + ". ")
        else:
            out.append({"code": CODE, "chinese": CHINESE, "french": FRENCH}[kind])
    return "".join(out)[:size]


def row(name: str, fn: Callable[[], object], runs: int) -> None:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    samples.sort()
    ROWS.append((name, statistics.median(samples), samples[int(len(samples) * 0.99) - 1]))


def scan_rows(detector: Detector, kind: str, size: int, texts: list[str], runs: int) -> None:
    label = f"{kind} {size // 1024} KB"
    pool = iter(texts * 3)
    row(
        f"hidden_findings {label}",
        lambda: hidden_findings(next(pool), detector._scan_patterns),
        runs,
    )
    pool_with = iter(texts)
    row(f"Detector.scan {label} (with)", lambda: detector.scan(next(pool_with)), runs)
    original = engine.hidden_findings
    engine.hidden_findings = lambda t, s, seen=(): []  # type: ignore[assignment]
    try:
        pool_without = iter(texts)
        row(f"Detector.scan {label} (without)", lambda: detector.scan(next(pool_without)), runs)
    finally:
        engine.hidden_findings = original


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    args = ap.parse_args()
    rng = random.Random(7)
    detector = Detector(DetectorConfig(cache_size=0))
    for kind in ("english", "code", "chinese", "french"):
        for size in (1024, 10240):
            texts = [text(kind, size, rng) + f" {i}" for i in range(args.runs)]
            scan_rows(detector, kind, size, texts, args.runs)
    table = ProviderTable()

    def matches(path: str) -> bool:
        m = table.identify("api.openai.com", path)
        return m is not None and m.endpoint is not None

    many = args.runs * 10
    row("forward_form canonical path", lambda: forward_form("/v1/chat/completions", matches), many)
    row(
        "forward_form //v1/chat/completions/",
        lambda: forward_form("//v1/chat/completions/", matches),
        many,
    )
    hosts = ("api.openai.com", "api.openai.com", "x.example")
    row("host checks (3 is_llm_host)", lambda: [table.is_llm_host(h) for h in hosts], many)
    print(f"\nbench_hardening: {args.runs} runs per row; microseconds per call\n")
    print("| what | p50 | p99 |")
    print("|---|---|---|")
    for name, p50, p99 in ROWS:
        print(f"| {name} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
