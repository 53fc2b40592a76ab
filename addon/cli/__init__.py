"""The `llmwall` command line: a thin shell over the library.

    llmwall run [--config FILE] [--listen HOST:PORT] [--home DIR]
    llmwall ca path | ca bundle
    llmwall env
    llmwall wrap [--capture] [--report FILE.html] -- CMD [ARGS...]
    llmwall selftest
    llmwall doctor [-- CMD [ARGS...]]
    llmwall scan [--json] [TEXT | -]
    llmwall eval --dataset FILE.jsonl [--text-field text --label-field label] [--json]
    llmwall audit verify | tail | stats | export | report | rotate | pubkey
    llmwall tools list | approve | forget
    llmwall inventory [--json] [--since TIME]

Every subcommand lives in its own module here and is registered in `COMMANDS`, one
explicit list: a module that fails to import is a bug that fails loudly, never a
command that silently vanishes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from llmwall.addon.cli import (
    audit,
    clients,
    doctor,
    evaluation,
    inventory,
    run,
    scan,
    selftest,
    tools,
)
from llmwall.addon.cli.common import EXIT_PIPE, EXIT_USAGE, common_parser
from llmwall.errors import ConfigError

COMMANDS = (
    run,
    clients,
    selftest,
    doctor,
    scan,
    evaluation,
    audit,
    tools,
    inventory,
)  # each has register(subparsers, parents)


def build_parser() -> argparse.ArgumentParser:
    from llmwall import __version__

    parser = argparse.ArgumentParser(prog="llmwall", description="A firewall for LLM API traffic.")
    parser.add_argument("--version", action="version", version=f"llmwall {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parents = [common_parser()]
    for command in COMMANDS:
        command.register(sub, parents)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)  # one line per recognizer
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"llmwall: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`llmwall audit tail | head`): no traceback, and no second
        # error when Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE


if __name__ == "__main__":
    raise SystemExit(main())
