"""The cost of the generic extractor: decode + extract of a 100 KB JSON body that no
dialect knows (every string and key, nested JSON), against the chat dialect on a chat
body of the same size. Median of N runs, in milliseconds; `--detect` adds the
detectors' time on both extractions (the finding cache makes repeated runs cheaper:
these are warm figures).

    python scripts/bench_generic.py [--runs 200] [--detect]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.routing.body import decode
from llmwall.routing.dialects import get

WORDS = (
    "the",
    "report",
    "team",
    "meeting",
    "schedule",
    "project",
    "budget",
    "review",
    "customer",
    "feedback",
)


def generic_body(size: int, rng: random.Random) -> bytes:
    records = []
    while len(json.dumps(records)) < size:
        records.append(
            {
                "id": f"rec_{len(records)}",
                "title": " ".join(rng.choice(WORDS) for _ in range(6)),
                "tags": [rng.choice(WORDS) for _ in range(3)],
                "score": rng.random(),
                "meta": {"owner": "team", "note": json.dumps({"k": rng.choice(WORDS)})},
            }
        )
    return json.dumps({"items": records}).encode()


def chat_body(size: int, rng: random.Random) -> bytes:
    messages = []
    while len(json.dumps(messages)) < size:
        text = " ".join(rng.choice(WORDS) for _ in range(40))
        messages.append({"role": rng.choice(["user", "assistant"]), "content": text})
    return json.dumps({"model": "m", "messages": messages}).encode()


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--detect", action="store_true", help="also time the detectors")
    args = parser.parse_args()
    rng = random.Random(7)
    generic, chat = get("generic"), get("openai_chat")
    assert generic is not None and chat is not None
    gbody, cbody = generic_body(args.size, rng), chat_body(args.size, rng)

    def run_generic() -> int:
        return len(generic.read_request(decode(gbody, "application/json")).segments)

    def run_chat() -> int:
        return len(chat.read_request(decode(cbody, "application/json")).segments)

    def run_json() -> object:
        return json.loads(cbody)

    print(
        f"generic extractor, {len(gbody)} B JSON ({run_generic()} segments): "
        f"{median_ms(run_generic, args.runs):.2f} ms median"
    )
    print(
        f"chat dialect,      {len(cbody)} B JSON ({run_chat()} segments): "
        f"{median_ms(run_chat, args.runs):.2f} ms median"
    )
    print(f"json.loads alone,  {len(cbody)} B: {median_ms(run_json, args.runs):.2f} ms median")
    if args.detect:
        from llmwall.core.scanner import Scanner
        from llmwall.detectors.engine import Detector

        scanner = Scanner(Detector())
        gx = generic.read_request(decode(gbody, "application/json"))
        cx = chat.read_request(decode(cbody, "application/json"))
        runs = max(5, args.runs // 10)
        print(
            f"+ detection, generic body: {median_ms(lambda: scanner.scan(gx), runs):.2f} ms median"
        )
        print(
            f"+ detection, chat body:    {median_ms(lambda: scanner.scan(cx), runs):.2f} ms median"
        )


if __name__ == "__main__":
    main()
