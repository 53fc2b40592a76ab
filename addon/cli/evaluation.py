"""`llmwall eval`: the proxy's own detection and policy over a labelled JSONL file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from llmwall.addon.cli.common import config_from
from llmwall.core import presets

EXAMPLE = "llmwall eval --dataset prompts.jsonl --text-field prompt --label-field label"


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        parents=parents,
        help="measure detection over a labelled JSONL file",
        description=(
            "Run llmwall's detectors and policy over a JSONL file and print precision, recall, F1, "
            "false-positive rate and latency per text. Label 1 means the text should be flagged. "
            "Records with a `spans` list ([{entity_type, start, end}]) are scored per entity. "
            f"Example: {EXAMPLE}"
        ),
    )
    p.add_argument(
        "--dataset", required=True, metavar="FILE.jsonl", help="one JSON object per line"
    )
    p.add_argument("--text-field", default="text", help="field holding the text (default: text)")
    p.add_argument("--label-field", default="label", help="field holding 0/1 (default: label)")
    p.add_argument(
        "--flag",
        choices=["any", "block"],
        default="any",
        help="what counts as flagged: any non-allow decision (default) or only blocks",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--indirect", action="store_true", help="score texts as tool results/documents"
    )
    source.add_argument(
        "--system", action="store_true", help="score texts as the app's system prompts"
    )
    p.add_argument(
        "--preset",
        action="append",
        default=[],
        choices=presets.names(),
        help="add a compliance preset to the policy (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print one machine-readable object")
    p.set_defaults(func=cmd_eval)


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except ValueError:
                    raise SystemExit(f"llmwall eval: {path}:{n}: not a JSON object") from None


def cmd_eval(args: argparse.Namespace) -> int:
    from llmwall.core.inspect import Inspector
    from llmwall.core.scanner import Scanner
    from llmwall.decision import Decision
    from llmwall.detectors.engine import Detector
    from llmwall.detectors.evaluate import binary_metrics, span_metrics

    path = Path(args.dataset)
    if not path.is_file():
        print(f"llmwall eval: --dataset: {path} is not a file", file=sys.stderr)
        return 2
    cfg = config_from(args)
    detector = Detector(cfg.detectors)
    policy = cfg.policy.with_presets(args.preset) if args.preset else cfg.policy
    inspector = Inspector(policy, Scanner(detector), cfg.routes)

    def classify(text: str) -> bool:
        verdict, _ = inspector.inspect_text(text, indirect=args.indirect, system=args.system)
        if args.flag == "block":
            return verdict.decision is Decision.BLOCK
        return verdict.decision is not Decision.ALLOW

    pairs, docs = [], []
    for n, rec in _records(path):
        text = rec.get(args.text_field)
        if not isinstance(text, str):
            print(
                f"llmwall eval: {path}:{n}: field {args.text_field!r} is missing or not text",
                file=sys.stderr,
            )
            return 2
        if isinstance(rec.get("spans"), list):
            gold = [
                (s.get("entity_type") or s.get("entity") or s.get("label"), s["start"], s["end"])
                for s in rec["spans"]
            ]
            docs.append((text, gold))
        else:
            label = rec.get(args.label_field)
            if label not in (0, 1, True, False, "0", "1"):
                print(
                    f"llmwall eval: {path}:{n}: field {args.label_field!r} must be 0 or 1",
                    file=sys.stderr,
                )
                return 2
            pairs.append((text, int(label)))
    try:
        total = len(pairs)
        report = binary_metrics(_progress(pairs, total, args.json), classify) if pairs else None
        spans = (
            span_metrics(docs, lambda t: [(f.entity, f.start, f.end) for f in detector.scan(t)])
            if docs
            else {}
        )
    finally:
        detector.close()
    result: dict[str, Any] = {"dataset": str(path), "flag": args.flag}
    if report is not None:
        result["binary"] = report.as_dict()
    if spans:
        result["entities"] = {
            e: {
                "precision": round(c.precision, 4),
                "recall": round(c.recall, 4),
                "f1": round(c.f1, 4),
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
            }
            for e, c in sorted(spans.items())
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if report is not None:
        b = result["binary"]
        print(
            f"{path.name}: n={b['n']} precision={b['precision']:.3f} recall={b['recall']:.3f} "
            f"F1={b['f1']:.3f} FPR={b['fpr']:.3f} "
            f"latency p50={b['latency_p50_ms']} ms p99={b['latency_p99_ms']} ms"
        )
    for entity, c in result.get("entities", {}).items():
        print(
            f"{entity:<20} P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f} "
            f"(tp={c['tp']} fp={c['fp']} fn={c['fn']})"
        )
    return 0


def _progress(pairs: list[tuple[str, int]], total: int, quiet: bool) -> Iterator[tuple[str, int]]:
    tty = sys.stderr.isatty() and not quiet
    for i, pair in enumerate(pairs, 1):
        if tty and (i % 50 == 0 or i == total):
            width = 30
            done = int(width * i / total)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{total}")
            sys.stderr.flush()
        yield pair
    if tty:
        sys.stderr.write("\n")
