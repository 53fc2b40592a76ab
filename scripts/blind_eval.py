"""Recall and false positives on the blind PII and secret cases (tests/detectors/data/blind).

    .venv/bin/python scripts/blind_eval.py [--split dev|heldout] [--explain]

Counts what the default policy acts on: PII and secret findings with score >= 0.5
(placeholders are not secrets). A gold span is found when a finding overlaps it; a
finding that overlaps no gold span is a false positive. `--explain` prints every miss
and false positive, and only for the dev split: the held-out half is for reporting.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.detectors.engine import Detector
from llmwall.detectors.entities import ENTITIES, Category

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data" / "blind"
MIN_SCORE = 0.5


def _rows(name: str, split: str) -> list[dict]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if (int(r["id"].split("-")[1]) % 2 == 0) == (split == "dev")]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score(det: Detector, rows: list[dict], category: Category, explain: bool) -> dict:
    tp, fn, fp = Counter(), Counter(), Counter()
    negatives = flagged = 0
    for r in rows:
        found = [
            f
            for f in det.scan(r["text"])
            if ENTITIES.get(f.entity) is category
            and f.entity != "PLACEHOLDER_SECRET"
            and f.score >= MIN_SCORE
        ]
        for kind, s, e in r["spans"]:
            hit = any(_overlap((s, e), (f.start, f.end)) for f in found)
            (tp if hit else fn)[kind] += 1
            if explain and not hit:
                print("miss", r["id"], kind, repr(r["text"][s:e]))
        for f in found:
            if not any(_overlap((s, e), (f.start, f.end)) for _, s, e in r["spans"]):
                fp[f.entity] += 1
                if explain:
                    print("false", r["id"], f.entity, f.rule, repr(r["text"][f.start : f.end]))
        if not r["spans"]:
            negatives += 1
            flagged += bool(found)
    total = sum(tp.values()) + sum(fn.values())
    return {
        "recall": round(sum(tp.values()) / max(1, total), 4),
        "found": sum(tp.values()),
        "spans": total,
        "false_positives": sum(fp.values()),
        "negatives_flagged": f"{flagged}/{negatives}",
        "per_type": {k: f"{tp[k]}/{tp[k] + fn[k]}" for k in sorted(set(tp) | set(fn))},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "heldout"), default="dev")
    ap.add_argument("--explain", action="store_true")
    args = ap.parse_args()
    if args.explain and args.split != "dev":
        raise SystemExit("--explain is for the dev split only")
    det = Detector()
    for name, category in (("pii.jsonl", Category.PII), ("secrets.jsonl", Category.SECRET)):
        result = _score(det, _rows(name, args.split), category, args.explain)
        per_type = result.pop("per_type")
        print(f"{name} {args.split}: {json.dumps(result)}")
        if category is Category.PII:
            print("  " + ", ".join(f"{k} {v}" for k, v in per_type.items()))


if __name__ == "__main__":
    main()
