"""Benchmark Detector.scan_conversation on top of the single-turn scans it reuses.

    .venv/bin/python scripts/bench_conversation.py --datasets DIR [--runs 100] [--turns 10]

Each run is a distinct conversation of `--turns` user turns of about `--size` bytes, made
from benign dev prompts (as scripts/bench_detectors.py makes its texts), cache on as in
the proxy. It reports the median and p99 of: every turn's scan() (what a request costs
without the conversation pass), scan_conversation() after them for a conversation seen
for the first time (its single-turn look-ups hit the cache, every joined window is new),
and for the next request, which re-sends the history with one more turn (only the
windows ending at the new turn are new).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_detectors import make_texts  # scripts/ is on sys.path
from training import corpora

from llmwall.detectors.engine import Detector, DetectorConfig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", type=Path)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument(
        "--turns", type=int, default=10, help="turns of the next request (the first has one fewer)"
    )
    ap.add_argument("--size", type=int, default=2048)
    args = ap.parse_args()
    root = corpora.datasets_root(args.datasets)
    texts = make_texts(root, args.size, args.runs * args.turns)
    det = Detector(DetectorConfig(cache_size=4 * args.turns * args.runs))
    singles, convs, nexts = [], [], []
    for r in range(args.runs):
        turns = [(t, False) for t in texts[r * args.turns : (r + 1) * args.turns]]
        t0 = time.perf_counter()
        for t, ind in turns[:-1]:
            det.scan(t, indirect=ind)
        t1 = time.perf_counter()
        det.scan_conversation(turns[:-1])
        t2 = time.perf_counter()
        det.scan(*turns[-1][:1], indirect=turns[-1][1])
        t3 = time.perf_counter()
        det.scan_conversation(turns)
        t4 = time.perf_counter()
        singles.append((t1 - t0) * 1000)
        convs.append((t2 - t1) * 1000)
        nexts.append((t4 - t3) * 1000)
    for name, xs in (
        ("every turn's scan()", singles),
        ("scan_conversation(), a conversation seen for the first time", convs),
        ("scan_conversation(), the next request (one more turn)", nexts),
    ):
        xs.sort()
        p99 = xs[min(len(xs) - 1, int(0.99 * len(xs)))]
        med = statistics.median(xs)
        print(f"| {name} | {args.turns} turns x {args.size} B | {med:.2f} ms | p99 {p99:.2f} ms |")


if __name__ == "__main__":
    main()
