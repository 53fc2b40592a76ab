"""`llmwall ca`, `llmwall env` and `llmwall wrap`: pointing clients at the proxy."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from typing import Any

from llmwall.addon.cli.common import EXIT_USAGE, config_from


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    ca = sub.add_parser(
        "ca",
        parents=parents,
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
        parents=parents,
        help="print shell exports for a client",
        description='Print exports. Example: eval "$(llmwall env)"',
    )
    env.add_argument("--listen", metavar="HOST:PORT", help="proxy address clients use")
    env.set_defaults(func=cmd_env)

    wrap = sub.add_parser(
        "wrap",
        parents=parents,
        help="run a command through llmwall",
        description="Run CMD with the proxy env set. Example: llmwall wrap -- python app.py",
    )
    wrap.add_argument("--listen", metavar="HOST:PORT", help="proxy address clients use")
    wrap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    wrap.set_defaults(func=cmd_wrap)


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
