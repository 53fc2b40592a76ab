"""`llmwall inventory`: LLM-looking hosts seen by the proxy that are not in its table.

    llmwall inventory [--json] [--since TIME]

Reads `<home>/inventory.db` (written by the running proxy every few seconds): one line
per host with why it looks like an LLM API, how often it was seen as a CONNECT, a TLS
SNI or a plain-HTTP request, how often it was denied, and when. Add a host to llmwall
with `providers.<name>.hosts: [HOST]`, or refuse them all with `unknown_llm_hosts: deny`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from llmwall.addon.cli.common import EXIT_OK, config_from


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "inventory",
        parents=parents,
        help="list LLM-looking hosts the proxy saw that are not in its provider table",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
        epilog="example: llmwall inventory --since 7d",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--since", metavar="TIME", help="ISO 8601 time or age (30m, 2h, 7d)")
    p.set_defaults(func=cmd_inventory)


def rows(home: Any, since: str | None = None) -> list[dict[str, Any]]:
    from llmwall.addon.inventory import FILENAME, InventoryStore

    return InventoryStore(home / FILENAME).rows(since)


def cmd_inventory(args: argparse.Namespace) -> int:
    from llmwall.audit.export import parse_since

    config = config_from(args)
    since = parse_since(args.since) if args.since else None
    found = rows(config.home, since)
    if args.json:
        print(json.dumps(found, indent=2, sort_keys=True))
        return EXIT_OK
    if not found:
        print("no LLM-looking hosts outside the provider table have been seen")
        return EXIT_OK
    print(f"{'host':<44} {'reason':<24} {'connects':>8} {'snis':>6} {'requests':>8} "
          f"{'denied':>6}  last seen")  # fmt: skip
    for r in found:
        host = f"{r['host']}:{r['port']}"
        print(
            f"{host:<44} {r['reason']:<24} {r['connects']:>8} {r['snis']:>6} "
            f"{r['requests']:>8} {r['denied']:>6}  {r['last_seen']}"
        )
    policy = config.unknown_llm_hosts
    print(
        f"\nunknown_llm_hosts: {policy}. Add a host with providers.<name>.hosts, or set "
        "unknown_llm_hosts: deny to refuse them."
    )
    return EXIT_OK
