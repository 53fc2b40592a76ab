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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.labelled_cases import Case, load_cases, score_cases

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"


def cases(split: str) -> list[Case]:
    return load_cases(DATA / f"secret_cases_{split}.yaml", split)


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
