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
    p.add_argument(
        "--running",
        action="store_true",
        help="use the running proxy of this home instead of a temporary one (its upstream "
        "is the real provider unless configured otherwise; the requests carry an invalid "
        "API key and the result is read from the audit)",
    )
    p.set_defaults(func=cmd_selftest)


def cmd_selftest(args: argparse.Namespace) -> int:
    import logging

    from llmwall.addon.selftest import render, run_selftest

    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.running:
        from llmwall.addon.cli.common import config_from
        from llmwall.addon.proxy_state import running_proxies
        from llmwall.addon.selftest import run_selftest_running

        cfg = config_from(args)
        running = running_proxies(cfg.home)
        if not running:
            print(f"llmwall selftest --running: no proxy is running for {cfg.home}")
            return EXIT_FAILED
        result = run_selftest_running(cfg.home, running[-1].url, cfg.audit_db)
    else:
        result = run_selftest(args.config)
    print(render(result))
    return EXIT_OK if result.ok else EXIT_FAILED
