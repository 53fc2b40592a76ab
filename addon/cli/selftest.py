"""`llmwall selftest`: a real proxy and a local fake provider; shows what left redacted
and what was blocked (addon/selftest.py)."""

from __future__ import annotations

import argparse
from typing import Any

from llmwall.addon.cli.common import EXIT_FAILED, EXIT_OK


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "selftest",
        parents=parents,
        help="check that redaction and blocking work, against a local fake provider",
        description="Start a proxy and a local fake provider, send synthetic PII, a secret "
        "and an injection, show what left. Example: llmwall selftest",
    )
    p.set_defaults(func=cmd_selftest)


def cmd_selftest(args: argparse.Namespace) -> int:
    import logging

    from llmwall.addon.selftest import render, run_selftest

    logging.getLogger("httpx").setLevel(logging.WARNING)
    result = run_selftest(args.config)
    print(render(result))
    return EXIT_OK if result.ok else EXIT_FAILED
