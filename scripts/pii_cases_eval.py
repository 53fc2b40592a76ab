"""Per-type precision / recall / F1 on the synthetic PII cases (tests/detectors/data).

    .venv/bin/python scripts/pii_cases_eval.py [--split dev|heldout] [--explain TYPE]

Counts what the default policy acts on: PII findings with score >= 0.5 (the policy's
`min_score`). A predicted span matches a gold span of the same type when they overlap
by half the shorter one (detectors.evaluate.span_metrics). LOOKALIKE cases (order ids,
versions, timestamps, math, dates, codes, checksum failures) have no gold span: the
share of them with any PII finding is reported per group. Tune on dev only; heldout is
for reporting (scripts/eval_all.py prints both).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, Category
from llmwall.detectors.evaluate import span_metrics

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"
POLICY_MIN_SCORE = 0.5
# the people-and-places types: target recall and precision >= 0.85; identifiers F1 >= 0.95
PEOPLE = ("PERSON", "STREET_ADDRESS", "DATE_OF_BIRTH")


def load(split: str, root: Path = DATA) -> list[dict]:
    path = root / f"pii_cases_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def predict(det: Detector, text: str) -> list[tuple[str, int, int]]:
    return [
        (f.entity, f.start, f.end)
        for f in det.scan(text)
        if ENTITIES.get(f.entity) is Category.PII and f.score >= POLICY_MIN_SCORE
    ]


def evaluate(det: Detector, cases: list[dict]) -> dict:
    """{"types": {entity: {precision, recall, f1, tp, fp, fn}}, "lookalikes": {group:
    {flagged, n, rate}}, "lookalike_rate": overall share flagged}."""
    positives = [c for c in cases if c["type"] != "LOOKALIKE"]
    docs = [(c["text"], [tuple(s) for s in c["spans"]]) for c in positives]
    counts = span_metrics(docs, lambda t: predict(det, t))
    types = {
        e: {
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f1": round(c.f1, 4),
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
        }
        for e, c in sorted(counts.items())
    }
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in cases:
        if c["type"] == "LOOKALIKE":
            g = groups[c["group"]]
            g[0] += bool(predict(det, c["text"]))
            g[1] += 1
    flagged = sum(g[0] for g in groups.values())
    total = sum(g[1] for g in groups.values())
    return {
        "types": types,
        "lookalikes": {
            k: {"flagged": f, "n": n, "rate": round(f / n, 4)}
            for k, (f, n) in sorted(groups.items())
        },
        "lookalike_rate": round(flagged / max(1, total), 4),
        "lookalike_n": total,
    }


def rows(det: Detector, split: str) -> list[dict]:
    """eval_all.py rows: one per type, then the look-alike rate."""
    result = evaluate(det, load(split))
    out = []
    for entity, m in result["types"].items():
        people = entity in PEOPLE
        out.append(
            {
                "set": f"pii_cases {split} {entity}",
                "metric": "recall" if people else "f1",
                "value": m["recall"] if people else m["f1"],
                "target": ">= 0.85 (P >= 0.85)" if people else ">= 0.95",
                **m,
            }
        )
    notes = ", ".join(f"{k}: {v['rate']:.2f}" for k, v in result["lookalikes"].items())
    out.append(
        {
            "set": f"pii_cases {split} look-alikes flagged",
            "metric": "rate",
            "value": result["lookalike_rate"],
            "target": "<= 0.10",
            "n": result["lookalike_n"],
            "groups": {k: v["rate"] for k, v in result["lookalikes"].items()},
            "notes": notes,
        }
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "heldout"))
    ap.add_argument(
        "--explain", help="print the misses and false finds of this type (or LOOKALIKE)"
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--person-names", choices=("default", "on", "off"), default="default")
    args = ap.parse_args()
    names = {"default": {}, "on": {"person_names": True}, "off": {"person_names": False}}
    det = Detector(DetectorConfig(cache_size=0, **names[args.person_names]))
    cases = load(args.split)
    if args.explain:
        for c in cases:
            pred = predict(det, c["text"])
            gold = [tuple(s) for s in c["spans"]]
            want = args.explain
            g = [s for s in gold if s[0] == want]
            p = [s for s in pred if s[0] == want or (want == "LOOKALIKE" and c["type"] == want)]
            if (c["type"] == want or g or p) and set(g) != set(p):
                print(
                    c["id"], repr(c["text"][:160]),
                    "gold", [c["text"][s:e] for _, s, e in g],
                    "pred", [(t, c["text"][s:e]) for t, s, e in pred],
                )  # fmt: skip
        return
    result = evaluate(det, cases)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"| type ({args.split}) | P | R | F1 | tp | fp | fn |\n|---|---|---|---|---|---|---|")
    for e, m in result["types"].items():
        print(
            f"| {e} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['tp']} "
            f"| {m['fp']} | {m['fn']} |"
        )
    print(f"\nlook-alikes flagged: {result['lookalike_rate']:.3f} of {result['lookalike_n']}")
    for k, v in result["lookalikes"].items():
        print(f"  {k}: {v['flagged']}/{v['n']}")


if __name__ == "__main__":
    main()
