"""`llmwall run`: the proxy in the foreground."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from llmwall.addon.cli.common import config_from


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
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from llmwall.addon.runtime import build_runtime
    from llmwall.addon.server import serve

    runtime = build_runtime(config_from(args))
    asyncio.run(serve(runtime))
    return 0
