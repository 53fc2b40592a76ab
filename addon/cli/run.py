"""`llmwall run`: the proxy in the foreground."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from llmwall.addon.cli.common import config_from
from llmwall.core.config import Config
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
        "--workers",
        type=int,
        metavar="N",
        help="processes serving the listen address (default: the config's workers, else 1)",
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

    from llmwall.addon import workers
    from llmwall.addon.exposure import check_listener
    from llmwall.addon.runtime import build_runtime
    from llmwall.addon.server import serve

    config = config_from(args)
    check_listener(config)  # before the detectors load: an open relay is refused at once
    count = args.workers if args.workers is not None else config.workers
    if count < 1:
        raise ConfigError(f"--workers: expected 1 or more, got {count}")
    if count > 1 and workers.worker_id() is None:
        return _supervise(args, config, count)
    if workers.worker_id() is not None:
        workers.reuse_port()
    _check_free(config, shared=workers.worker_id() is not None)
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
    runtime = build_runtime(config, worker=workers.worker_id())
    asyncio.run(serve(runtime, modes, addons))
    return 0


def _supervise(args: argparse.Namespace, config: Config, count: int) -> int:
    from llmwall.addon import workers
    from llmwall.audit.log import AuditLog
    from llmwall.ca.authority import ensure_ca

    # What the workers share is made once, here: started together on a new home, each
    # would otherwise create its own CA (and audit keys), and clients would trust one.
    config.home.mkdir(parents=True, exist_ok=True)
    ensure_ca(config.home)
    AuditLog.open(config.audit_db, config.home, **config.audit).close()
    host, port = config.listen_host, config.listen_port
    if port == 0:  # one port for all of them, chosen now
        port = workers.free_port(host)
    _check_free(config, shared=False, port=port)
    argv = [a for a in ("--config", args.config, "--home", args.home) if a]
    for mode in args.mode or ():
        argv += ["--mode", mode]
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return workers.supervise(count, [*argv, "--workers", "1"], listen)


def _check_free(config: Config, *, shared: bool, port: int | None = None) -> None:
    """Fail with llmwall's own flag when a listen address is taken (mitmproxy's message
    names neither the flag nor the config key)."""
    import errno
    import socket

    wanted = [
        ("--listen (or listen: in the config)", config.listen_host, port or config.listen_port)
    ]
    if config.admin_listen:
        wanted.append(("admin.listen in the config", *config.admin_listen))
    if config.front_door:
        wanted.append(("front_door.listen in the config", *config.front_door.listen))
    for what, host, number in wanted:
        if number == 0:
            continue
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if shared:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            try:
                probe.bind((host, number))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise ConfigError(
                        f"{host}:{number} is already in use (another llmwall?); "
                        f"choose another address with {what}"
                    ) from None
                raise ConfigError(f"cannot listen on {host}:{number} ({exc.strerror})") from None
