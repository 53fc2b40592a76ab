"""`llmwall scan`: the detectors and the policy on one text, no proxy."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llmwall.addon.cli.common import EXIT_BLOCKED, EXIT_OK, config_from
from llmwall.core import presets


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    scan = sub.add_parser(
        "scan",
        parents=parents,
        help="scan one text with no proxy",
        description=(
            "Scan a text with the configured detectors and policy. Exit status: 0 when the "
            f"decision is allow or redact, {EXIT_BLOCKED} when it is block, 2 for a bad "
            "config. Example: echo 'my key sk-...' | llmwall scan -"
        ),
    )
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    source = scan.add_mutually_exclusive_group()
    source.add_argument(
        "--indirect", action="store_true", help="treat the text as a tool result/document"
    )
    source.add_argument(
        "--system", action="store_true", help="treat the text as the app's system prompt"
    )
    scan.add_argument(
        "--preset",
        action="append",
        default=[],
        choices=presets.names(),
        help="add a compliance preset to the policy (repeatable)",
    )
    scan.add_argument(
        "--user", metavar="NAME", help="decide with this identity's policy (config `policies`)"
    )
    scan.add_argument("text", nargs="?", default="-", help="the text, or - for standard input")
    scan.set_defaults(func=cmd_scan)


def cmd_scan(args: argparse.Namespace) -> int:
    from llmwall.core.inspect import Inspector
    from llmwall.core.scanner import Scanner
    from llmwall.decision import Decision
    from llmwall.detectors.engine import Detector

    cfg = config_from(args)
    text = sys.stdin.read() if args.text == "-" else args.text
    detector = Detector(cfg.detectors)
    try:
        policy = cfg.policy_set.for_user(args.user)
        policy = policy.with_presets(args.preset) if args.preset else policy
        inspector = Inspector(policy, Scanner(detector), cfg.routes)
        verdict, findings = inspector.inspect_text(text, indirect=args.indirect, system=args.system)
    finally:
        detector.close()
    result: dict[str, Any] = {
        "decision": verdict.decision.value,
        "rules": list(verdict.rules),
        "findings": [
            {
                "type": f.entity,
                "start": f.start,
                "end": f.end,
                "score": round(f.score, 4),
                "detector": f.detector,
                "rule": f.rule,
            }
            for f in findings
        ],
        "redacted": verdict.rewrites.get(("text",)),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for f in result["findings"]:
            print(
                f"{f['type']:<20} {f['start']:>6}-{f['end']:<6} score={f['score']:<6} "
                f"{f['detector']} ({f['rule']})"
            )
        print(
            f"decision: {result['decision']}"
            + (f" ({', '.join(result['rules'])})" if result["rules"] else "")
        )
        if result["redacted"] is not None:
            print(f"redacted: {result['redacted']}")
    return EXIT_BLOCKED if verdict.decision is Decision.BLOCK else EXIT_OK
