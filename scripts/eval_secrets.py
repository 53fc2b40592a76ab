"""Secret detection on llmwall's own labelled cases (tests/detectors/data/secret_cases_*.yaml)
and on the CredSweeper public set.

    .venv/bin/python scripts/eval_secrets.py [--split dev|heldout|both] [--datasets DIR]
        [--explain] [--json]

Own cases are scored by value: a gold secret is found when a real-secret finding (category
secret, not PLACEHOLDER_SECRET) overlaps it; a real-secret finding that overlaps no gold
secret is a false positive (placeholders and look-alikes included). Placeholders are
scored the same way against PLACEHOLDER_SECRET findings. `⟦i:⟧` spans count either way.
CredSweeper is line-level (scripts/eval_all.py credsweeper_rows) and runs when the
datasets folder is given or $LLMWALL_DATASETS is set. `--explain` prints the misses, on
dev splits only: the heldout split is for reporting.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, Category
from llmwall.detectors.labelled_cases import Case, load_cases

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"


def cases(split: str) -> list[Case]:
    return load_cases(DATA / f"secret_cases_{split}.yaml", split)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_cases(
    det: Detector, items: list[Case], explain: bool = False
) -> dict[str, dict[str, float | int]]:
    """Counts and P/R for real secrets, placeholders, and recall per case kind."""
    counts: dict[str, dict[str, int]] = {
        "secret": defaultdict(int),
        "placeholder": defaultdict(int),
    }
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in items:
        found = [f for f in det.scan(case.text) if ENTITIES.get(f.entity) is Category.SECRET]
        ignore = [(g.start, g.end) for g in case.gold if g.label == "ignore"]
        for label in ("secret", "placeholder"):
            gold = [(g.start, g.end) for g in case.gold if g.label == label]
            mine = [
                f for f in found if (f.entity == PLACEHOLDER_SECRET) == (label == "placeholder")
            ]
            c = counts[label]
            for span in gold:
                hit = any(_overlaps(span, (f.start, f.end)) for f in mine)
                c["tp" if hit else "fn"] += 1
                if label == "secret":
                    per_kind[case.kind]["tp" if hit else "fn"] += 1
                if explain and not hit:
                    print(f"FN {label} {case.id}: {case.text[span[0] : span[1]]!r}")
            for f in mine:
                span = (f.start, f.end)
                if any(_overlaps(span, g) for g in gold + ignore):
                    continue
                c["fp"] += 1
                if label == "secret":
                    per_kind[case.kind]["fp"] += 1
                if explain:
                    print(
                        f"FP {label} {case.id} {f.entity} {f.rule} {f.score}: "
                        f"{case.text[f.start : f.end][:80]!r}"
                    )
    out: dict[str, dict[str, float | int]] = {}
    for label, c in [*counts.items(), *sorted(per_kind.items())]:
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        out[label] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        }
    return out


def case_rows(det: Detector, split: str, explain: bool = False) -> list[dict]:
    """Rows for scripts/eval_all.py: real secrets and placeholders on one split."""
    items = cases(split)
    result = score_cases(det, items, explain)
    rows = []
    for label in ("secret", "placeholder"):
        r = result[label]
        rows.append(
            {
                "set": f"llmwall secret cases {split} ({len(items)} texts) {label}s",
                "metric": "recall",
                "value": r["recall"],
                "target": ">= 0.95 at P >= 0.95" if label == "secret" else "(reported)",
                **r,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    ap.add_argument("--datasets", type=Path)
    ap.add_argument("--explain", action="store_true", help="print misses (dev only)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    if args.explain and "heldout" in splits:
        ap.error("--explain is for the dev split only (heldout cases are for reporting)")
    det = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    report: dict[str, object] = {"version": det.version}
    for split in splits:
        report[f"cases {split}"] = score_cases(det, cases(split), args.explain)
    try:
        from training import corpora

        root = corpora.datasets_root(args.datasets)
    except (ImportError, SystemExit, FileNotFoundError, KeyError, ValueError):
        root = None
    if root is not None:
        import eval_all

        for split in splits:
            report[f"credsweeper {split}"] = eval_all.credsweeper_rows(
                det, root, split, explain=args.explain
            )[0]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"detector {det.version}\n")
    print("| set | label | precision | recall | tp | fp | fn |")
    print("|---|---|---|---|---|---|---|")
    for name, value in report.items():
        if name.startswith("cases"):
            for label, r in value.items():  # type: ignore[union-attr]
                print(
                    f"| {name} | {label} | {r['precision']:.3f} | {r['recall']:.3f} "
                    f"| {r['tp']} | {r['fp']} | {r['fn']} |"
                )
        elif name.startswith("credsweeper"):
            r = value  # type: ignore[assignment]
            print(
                f"| {name} lines | at min_score | {r['default_precision']:.3f} "  # type: ignore[index]
                f"| {r['default_recall']:.3f} | | | |"  # type: ignore[index]
            )
            print(
                f"| {name} lines | best threshold with P >= 0.95 | >= 0.950 "
                f"| {r['recall_at_p95']:.3f} | | | |"  # type: ignore[index]
            )


if __name__ == "__main__":
    main()
