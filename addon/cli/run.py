"""`llmwall run`: the proxy in the foreground."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from llmwall.addon.cli.common import config_from
from llmwall.errors import ConfigError


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    run = sub.add_parser(
        "run",
        parents=parents,
        help="run the proxy in the foreground",
        description="Run the proxy. Example: llmwall run --listen 127.0.0.1:8080",
    )
    run.add_argument(
        "--listen", metavar="HOST:PORT", help="listen address (default 127.0.0.1:8080)"
    )
    run.add_argument(
        "--mode",
        action="append",
        metavar="SPEC",
        help="mitmproxy mode, repeatable: regular (default), local[:PID|NAME,...] to "
        "capture programs that ignore proxies (Linux; see docs/CLIENTS.md)",
    )
    # used by `llmwall wrap --capture` (addon/capture.py)
    run.add_argument("--follow-pid", type=int, help=argparse.SUPPRESS)
    run.add_argument("--tally", help=argparse.SUPPRESS)
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from llmwall.addon.runtime import build_runtime
    from llmwall.addon.server import serve

    modes = args.mode or ["regular"]
    addons: list[object] = []
    if any(m.startswith("local") for m in modes):
        from llmwall.addon.capture import ConnectionTally, ProcessTreeFollower, capture_problems

        problems = capture_problems()
        if problems:
            raise ConfigError("--mode local: " + "; ".join(problems))
        if args.follow_pid:
            addons.append(ProcessTreeFollower(args.follow_pid))
        if args.tally:
            addons.append(ConnectionTally(Path(args.tally)))
    runtime = build_runtime(config_from(args))
    asyncio.run(serve(runtime, modes, addons))
    return 0
