"""What every `llmwall` subcommand shares: the common options, exit codes, the config."""

from __future__ import annotations

import argparse

from llmwall.core.config import Config, load_config

EXIT_OK = 0
EXIT_FAILED = 1  # `audit verify`: the chain is broken; `wrap`/`doctor`: the check failed
EXIT_USAGE = 2  # bad arguments, config or policy: the message says what to fix
EXIT_BLOCKED = 3  # `scan`: the policy's decision for the text is block
EXIT_PIPE = 141  # stdout was closed early (`llmwall audit tail | head`): 128 + SIGPIPE


def common_parser() -> argparse.ArgumentParser:
    """--config and --home, which every subcommand takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="YAML config file (every key optional)")
    common.add_argument(
        "--home", metavar="DIR", help="state directory (default $LLMWALL_HOME or ~/.llmwall)"
    )
    return common


def config_from(args: argparse.Namespace) -> Config:
    """The config named by --config (defaults otherwise), with --home/--listen applied."""
    return load_config(args.config, home=args.home, listen=getattr(args, "listen", None))
