"""The `llmwall` command line: a thin shell over the library.

llmwall run [--config FILE] [--listen HOST:PORT] [--home DIR]
llmwall ca path | ca bundle
llmwall env
llmwall wrap -- CMD [ARGS...]
llmwall scan [--json] [TEXT | -]
llmwall eval --dataset FILE.jsonl [--text-field text --label-field label] [--json]
llmwall audit verify | tail | stats | export | rotate | pubkey
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence

from llmwall.addon.config import Config, load_config
from llmwall.errors import ConfigError

EXIT_USAGE = 2


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="YAML config file (every key optional)")
    common.add_argument(
        "--home", metavar="DIR", help="state directory (default $LLMWALL_HOME or ~/.llmwall)"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(prog="llmwall", description="A firewall for LLM API traffic.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        parents=[common],
        help="run the proxy in the foreground",
        description="Run the proxy. Example: llmwall run --listen 127.0.0.1:8080",
    )
    run.add_argument(
        "--listen", metavar="HOST:PORT", help="listen address (default 127.0.0.1:8080)"
    )
    run.set_defaults(func=cmd_run)

    ca = sub.add_parser(
        "ca",
        parents=[common],
        help="the interception CA",
        description="Print CA file paths. Example: llmwall ca path",
    )
    ca.add_argument(
        "what",
        choices=["path", "bundle"],
        help="path: the CA certificate; bundle: public roots + CA",
    )
    ca.set_defaults(func=cmd_ca)

    env = sub.add_parser(
        "env",
        parents=[common],
        help="print shell exports for a client",
        description='Print exports. Example: eval "$(llmwall env)"',
    )
    env.add_argument("--listen", metavar="HOST:PORT", help="proxy address clients use")
    env.set_defaults(func=cmd_env)

    wrap = sub.add_parser(
        "wrap",
        parents=[common],
        help="run a command through llmwall",
        description="Run CMD with the proxy env set. Example: llmwall wrap -- python app.py",
    )
    wrap.add_argument("--listen", metavar="HOST:PORT", help="proxy address clients use")
    wrap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    wrap.set_defaults(func=cmd_wrap)

    scan = sub.add_parser(
        "scan",
        parents=[common],
        help="scan one text with no proxy",
        description="Scan a text. Example: echo 'my key sk-...' | llmwall scan -",
    )
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    source = scan.add_mutually_exclusive_group()
    source.add_argument(
        "--indirect", action="store_true", help="treat the text as a tool result/document"
    )
    source.add_argument(
        "--system", action="store_true", help="treat the text as the app's system prompt"
    )
    scan.add_argument("text", nargs="?", default="-", help="the text, or - for standard input")
    scan.set_defaults(func=cmd_scan)

    for module in ("llmwall.addon.cli_eval", "llmwall.addon.cli_audit"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        mod.register(sub, parents=[common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)  # one line per recognizer
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"llmwall: {exc}", file=sys.stderr)
        return EXIT_USAGE


def config_from(args: argparse.Namespace) -> Config:
    return load_config(args.config, home=args.home, listen=getattr(args, "listen", None))


def cmd_run(args: argparse.Namespace) -> int:
    from llmwall.addon.runtime import build_runtime
    from llmwall.addon.server import serve

    runtime = build_runtime(config_from(args))
    asyncio.run(serve(runtime))
    return 0


def cmd_ca(args: argparse.Namespace) -> int:
    from llmwall.ca.authority import ensure_ca

    ca = ensure_ca(config_from(args).home)
    print(ca.cert if args.what == "path" else ca.bundle)
    return 0


def _client_env(args: argparse.Namespace) -> dict[str, str]:
    from llmwall.ca.authority import ensure_ca
    from llmwall.ca.client_env import client_env

    cfg = config_from(args)
    host = "127.0.0.1" if cfg.listen_host in ("0.0.0.0", "::", "") else cfg.listen_host
    host = f"[{host}]" if ":" in host else host
    return client_env(ensure_ca(cfg.home), f"http://{host}:{cfg.listen_port}")


def cmd_env(args: argparse.Namespace) -> int:
    from llmwall.ca.client_env import shell_exports

    sys.stdout.write(shell_exports(_client_env(args)))
    return 0


def cmd_wrap(args: argparse.Namespace) -> int:
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        print(
            "llmwall wrap: give a command after --, e.g. llmwall wrap -- python app.py",
            file=sys.stderr,
        )
        return EXIT_USAGE
    env = {**os.environ, **_client_env(args)}
    try:
        return subprocess.call(cmd, env=env)
    except FileNotFoundError:
        print(f"llmwall wrap: command not found: {cmd[0]}", file=sys.stderr)
        return 127


def cmd_scan(args: argparse.Namespace) -> int:
    from llmwall.addon.pipeline import decide
    from llmwall.detectors.engine import Detector, DetectorConfig
    from llmwall.routing.segment import Direction, Extraction, Role, Segment, Trust

    cfg = config_from(args)
    text = sys.stdin.read() if args.text == "-" else args.text
    policy = cfg.load_policy()
    detector = Detector(DetectorConfig.from_mapping(cfg.detectors, f"{cfg.source}: detectors"))
    try:
        trust = Trust.EXTERNAL if args.indirect else Trust.SYSTEM if args.system else Trust.USER
        findings = detector.scan(text, indirect=args.indirect, instructions=args.system)
        role = Role.SYSTEM if args.system else Role.USER
        extraction = Extraction((Segment(text, role, trust, ("text",)),))
        decision = decide(extraction, [findings], policy, Direction.REQUEST)
    finally:
        detector.close()
    result = {
        "decision": decision.action.value,
        "rules": list(decision.rules),
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
        "redacted": decision.replacements.get(("text",)),
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
