"""`llmwall tools list | approve | forget`: the tool-definition pins (core/pins.py).

    llmwall tools list [--json]                  every pin: identity, provider, tool, state
    llmwall tools approve TOOL [--identity ID] [--provider P]   accept a changed definition
    llmwall tools approve --all                  accept every pending change
    llmwall tools forget TOOL [--identity ID] [--provider P]    drop pins (re-pinned on sight)

Pins hold digests only; nothing here shows a tool's description or schema.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llmwall.addon.cli.common import EXIT_OK, EXIT_USAGE, config_from


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    tools = sub.add_parser(
        "tools",
        help="list, approve and forget tool-definition pins",
        description="Tool-definition pins (policy `tool_pinning`): first-seen digests of "
        "each tool per identity and provider or MCP server.",
    )
    cmds = tools.add_subparsers(dest="tools_command", metavar="COMMAND", required=True)
    p = cmds.add_parser("list", parents=parents, help="print every pin")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)
    for name, func, text in (
        ("approve", cmd_approve, "make a changed definition the pin"),
        ("forget", cmd_forget, "drop pins; the next sighting pins afresh"),
    ):
        p = cmds.add_parser(name, parents=parents, help=text, description=text)
        p.add_argument("tool", nargs="?", help="the tool name")
        p.add_argument("--all", action="store_true", help="every tool (no TOOL)")
        p.add_argument("--identity", help="only this identity (a client address or user:NAME)")
        p.add_argument("--provider", help="only this provider, or mcp:HOST for an MCP server")
        p.set_defaults(func=func)


def _store(args: argparse.Namespace) -> Any:
    from llmwall.core.pins import PinStore

    return PinStore.at_home(config_from(args).home)


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        pins = store.list()
    finally:
        store.close()
    if args.json:
        print(json.dumps([p.__dict__ for p in pins], indent=2))
        return EXIT_OK
    if not pins:
        print("no tool pins")
    for p in pins:
        state = f"changed x{p.changes}, pending approval" if p.pending else "pinned"
        print(
            f"{p.identity:<20} {p.provider:<24} {p.tool:<28} {state:<28} "
            f"{p.digest[:19]} first={p.first_seen} last={p.last_seen}"
        )
    return EXIT_OK


def _selected(args: argparse.Namespace) -> tuple[str | None, bool]:
    if args.tool is None and not args.all:
        return None, False
    return args.tool, True


def cmd_approve(args: argparse.Namespace) -> int:
    tool, ok = _selected(args)
    if not ok:
        print("llmwall tools approve: give a TOOL or --all", file=sys.stderr)
        return EXIT_USAGE
    store = _store(args)
    try:
        n = store.approve(tool, args.identity, args.provider)
    finally:
        store.close()
    print(f"approved {n} changed definition(s)")
    return EXIT_OK


def cmd_forget(args: argparse.Namespace) -> int:
    tool, ok = _selected(args)
    if not ok:
        print("llmwall tools forget: give a TOOL or --all", file=sys.stderr)
        return EXIT_USAGE
    store = _store(args)
    try:
        n = store.forget(tool, args.identity, args.provider)
    finally:
        store.close()
    print(f"forgot {n} pin(s)")
    return EXIT_OK
