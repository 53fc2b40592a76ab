"""`llmwall doctor [-- CMD]`: the checks of addon/doctor.py, one line each."""

from __future__ import annotations

import argparse
import os
from typing import Any

from llmwall.addon.cli.common import EXIT_FAILED, EXIT_OK, config_from


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        parents=parents,
        help="check that clients will reach the running proxy, and that CMD's LLM calls did",
        description="Check the proxy, the client environment and, for a command, where its "
        "connections went. Example: llmwall doctor -- python app.py",
    )
    p.add_argument("--listen", metavar="HOST:PORT", help="proxy address (default: as wrap)")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...] to run and watch")
    p.set_defaults(func=cmd_doctor, no_check=False)


def cmd_doctor(args: argparse.Namespace) -> int:
    from llmwall.addon.capture import capture_problems
    from llmwall.addon.cli.clients import _build_env, find_proxy
    from llmwall.addon.doctor import Check, check_env, watch_command
    from llmwall.addon.proxy_state import ca_fingerprint, running_proxies
    from llmwall.ca.authority import ensure_ca

    cfg = config_from(args)
    ca = ensure_ca(cfg.home)
    checks: list[Check] = [
        Check(None, f"home {cfg.home}, config {cfg.source}"),
        Check(None, f"CA {ca.cert} (sha256 {ca_fingerprint(ca.cert)[:16]}…)"),
    ]
    running = running_proxies(cfg.home)
    where = ", ".join(f"{s.url} pid {s.pid}" for s in running)
    hint = f"none (start one: llmwall run --home {cfg.home})"
    checks.append(Check(bool(running), f"running proxy: {where or hint}"))
    target = find_proxy(cfg, args)
    matched = target.url is not None and not target.message
    checks.append(Check(matched, target.message or f"{target.url} signs with this home's CA"))
    url = target.url
    env = _build_env(cfg, url) if url else None
    if env is not None:
        checks += check_env({**os.environ, **env.vars}, ca.cert, url, "wrap")
        if env.dropped_no_proxy:
            checks.append(
                Check(None, f"wrap leaves out NO_PROXY {', '.join(env.dropped_no_proxy)}")
            )
    if os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy"):
        checks += check_env(os.environ, ca.cert, url, "this shell")
    problems = capture_problems()
    capture = "available" if not problems else "unavailable: " + "; ".join(problems)
    checks.append(Check(None, f"capture mode (wrap --capture): {capture}"))
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if cmd and env is not None and url is not None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        watch = watch_command(
            cmd, {**os.environ, **env.vars}, cfg.audit_db, (host.strip("[]"), int(port))
        )
        checks.append(Check(None, f"command exited with {watch.code}"))
        checks.append(
            Check(
                watch.llm_requests > 0,
                f"{watch.llm_requests} LLM request(s) went through llmwall "
                f"({watch.records} audit records)"
                + ("" if watch.llm_requests else ": if it called an LLM, that call went around"),
            )
        )
        if watch.direct:
            where = ", ".join(f"{k} (x{n})" for k, n in watch.direct.most_common())
            checks.append(
                Check(
                    False,
                    f"direct connections around the proxy: {where}; run it with "
                    "`llmwall wrap --capture` to inspect them",
                )
            )
        else:
            checks.append(Check(True, "no direct connection seen (polled every 5 ms)"))
    print("llmwall doctor")
    for c in checks:
        print(c.line())
    failed = [c for c in checks if c.ok is False]
    print("doctor: " + ("all checks passed" if not failed else f"{len(failed)} check(s) failed"))
    return EXIT_FAILED if failed else EXIT_OK
