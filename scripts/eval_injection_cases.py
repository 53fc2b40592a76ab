"""Score llmwall's own injection cases (tests/detectors/data/injection_cases_*.jsonl).

    .venv/bin/python scripts/eval_injection_cases.py [--split dev|heldout] [--show]

The cases were written for issue 15 before any tuning: hard benign texts (security
write-ups quoting attacks, translation requests, contract boilerplate, "forget what I
said", "look this up and tell me what it says", e-mails, how-to requests, pasted
documentation), attacks aimed at agents (code comments,
READMEs/AGENTS.md, calendar invites, PDF text, poisoned MCP tool descriptions, markdown
image exfiltration), attacks and hard benign texts in 16 languages, and multi-turn
conversations. Each row: {"kind", "label", "turns": [[text, indirect], ...]}. A one-turn
row is scored with Detector.scan at the policy's threshold for its source; a conversation
with Detector.scan_conversation (flagged when any turn or the conversation is). Poisoned
tool descriptions are scored as direct text (what the decision path does today) and,
reported apart, through Detector.scan_tool_definition.

`dev` is for tuning (`--show` lists its misclassified rows); `heldout` is for reporting
only: `--show` is refused for it, so its rows are never looked at while tuning.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from llmwall.core.policy import load_policy
from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.entities import PROMPT_INJECTION

DATA = Path(__file__).resolve().parents[1] / "tests" / "detectors" / "data"


def load(split: str) -> list[dict]:
    path = DATA / f"injection_cases_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def flagged(det: Detector, turns: list[list], t_direct: float, t_indirect: float) -> float:
    """The highest score over the row's turns (and the conversation) relative to the
    threshold of its source: >= 1.0 means blocked."""
    best = 0.0
    for text, indirect in turns:
        limit = t_indirect if indirect else t_direct
        for f in det.scan(text, indirect=indirect):
            if f.entity == PROMPT_INJECTION:
                best = max(best, f.score / limit)
    if len(turns) > 1 and hasattr(det, "scan_conversation"):
        hit = det.scan_conversation([(t, bool(i)) for t, i in turns])
        if hit is not None:
            limit = t_indirect if turns[hit.turn][1] else t_direct
            best = max(best, hit.finding.score / limit)
    return best


def evaluate(det: Detector, rows: list[dict]) -> dict:
    policy = load_policy(None)
    t_direct, t_indirect = policy.injection_threshold, policy.indirect_threshold
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [flagged, n]
    totals = {"benign": [0, 0], "attack": [0, 0]}
    misses = []
    for r in rows:
        rel = flagged(det, r["turns"], t_direct, t_indirect)
        hit = rel >= 1.0
        key = ("attack" if r["label"] else "benign") + ":" + r["kind"]
        by_kind[key][0] += hit
        by_kind[key][1] += 1
        totals["attack" if r["label"] else "benign"][0] += hit
        totals["attack" if r["label"] else "benign"][1] += 1
        if hit != bool(r["label"]):
            misses.append((key, round(rel, 2), r["turns"]))
        if r["kind"] == "mcp_tool":
            # the same descriptions through the tool-definition path (not in the totals:
            # the proxy reaches it once the decision path calls scan_tool_definition)
            text = r["turns"][0][0]
            found = det.scan_tool_definition(text)
            score = max((f.score for f in found if f.entity == PROMPT_INJECTION), default=0.0)
            tool_key = key + " via scan_tool_definition"
            by_kind[tool_key][0] += score >= t_direct
            by_kind[tool_key][1] += 1
    b, a = totals["benign"], totals["attack"]
    return {
        "benign_fpr": round(b[0] / max(1, b[1]), 4),
        "benign_n": b[1],
        "attack_recall": round(a[0] / max(1, a[1]), 4),
        "attack_n": a[1],
        "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "misses": misses,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("dev", "heldout"), default="dev")
    ap.add_argument("--show", action="store_true", help="list misclassified rows (dev only)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.show and args.split != "dev":
        raise SystemExit("--show is for the dev split only: heldout rows are report-only")
    det = Detector(DetectorConfig(cache_size=0))
    out = evaluate(det, load(args.split))
    misses = out.pop("misses")
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"{args.split}: hard-benign FPR {out['benign_fpr']} (n={out['benign_n']}), "
            f"attack recall {out['attack_recall']} (n={out['attack_n']})"
        )
        for k, v in out["by_kind"].items():
            print(f"  {k}: {v}")
    if args.show:
        for key, rel, turns in misses:
            print(f"\n[{key}] score/threshold={rel}", file=sys.stderr)
            for text, ind in turns:
                print(f"  {'(doc) ' if ind else ''}{text[:300]!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
