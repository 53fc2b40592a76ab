"""`llmwall audit ...`: verify, tail, stats, export, push, report, rotate, pubkey.

Each command is a thin shell over `audit.*`; errors become one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from llmwall.addon.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    audit = subparsers.add_parser(
        "audit",
        help="verify, read, export and rotate the tamper-evident audit log",
        description="The audit log: one content-free, hash-chained record per decision.",
    )
    sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)

    def add(name: str, func: Any, help: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            parents=parents,
            help=help,
            description=help,
            epilog=f"example: {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument(
            "--db",
            action="append",
            type=Path,
            metavar="PATH",
            help="audit DB (default: from the config, else <home>/audit.db)",
        )
        p.set_defaults(func=_guard(func))
        return p

    p = add(
        "verify",
        cmd_verify,
        "check the hash chain and the signed checkpoints; exit 1 naming the first broken record. "
        "Files of several nodes (hosts) are verified one chain per node, with a report each",
        "llmwall audit verify --pubkey signing.pub  "
        "(several nodes: --db node-a/audit.db --db node-b/audit.db --pubkey a.pub --pubkey b.pub)",
    )
    p.add_argument(
        "--pubkey",
        type=Path,
        action="append",
        metavar="FILE",
        help="Ed25519 public key PEM to check signatures with; repeat it for the keys of "
        "several nodes, each is matched to the chains it signed (default: the key of this "
        "llmwall home, else the key stored in the DB)",
    )
    p.add_argument(
        "--no-archives",
        action="store_true",
        help="do not include the archives `audit rotate` wrote next to the DB",
    )

    p = add("tail", cmd_tail, "print the newest records, one line each", "llmwall audit tail -f")
    p.add_argument("-n", type=int, default=10, metavar="N", help="how many records (default 10)")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new records")

    p = add(
        "stats",
        cmd_stats,
        "decisions by kind, provider, rule, finding type and day; tool decisions, pins "
        "and pseudonyms",
        "llmwall audit stats --json",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--since", metavar="TIME", help="ISO 8601 time or age (30m, 2h, 7d)")

    p = add(
        "report",
        cmd_report,
        "write a self-contained HTML report (plots, no content) of the records in a window",
        "llmwall audit report --since 2h --html report.html",
    )
    p.add_argument("--since", metavar="TIME", help="ISO 8601 time or age (30m, 2h, 7d)")
    p.add_argument("--html", required=True, type=Path, metavar="FILE", help="output file")

    from llmwall.audit.export import FORMATS

    p = add(
        "export",
        cmd_export,
        "one event per record in a SIEM's schema",
        "llmwall audit export --format ocsf --since 24h > audit.ocsf.jsonl",
    )
    p.add_argument("--format", required=True, choices=sorted(FORMATS))
    p.add_argument("--since", metavar="TIME", help="ISO 8601 time or age (30m, 2h, 7d)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")

    p = add(
        "push",
        cmd_push,
        "push the audit log to the SIEM sinks of `siem:` in the foreground, at least once, "
        "resuming from each sink's cursor; stop with Ctrl-C",
        "llmwall audit push --siem siem.yaml",
    )
    p.add_argument(
        "--siem",
        type=Path,
        metavar="FILE",
        help="a YAML file with a `siem:` list of sinks (default: `siem:` of the config)",
    )
    p.add_argument(
        "--until-drained",
        action="store_true",
        help="exit 0 once every sink has every record committed so far (for cron jobs)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="with --until-drained: give up (exit 1) after this long",
    )

    p = add(
        "rotate",
        cmd_rotate,
        "move old records to an archive file; the chain continues",
        "llmwall audit rotate --before 90d",
    )
    p.add_argument(
        "--before",
        default="90d",
        metavar="TIME",
        help="archive records older than this ISO time or age (default 90d)",
    )

    p = add(
        "pubkey",
        cmd_pubkey,
        "print the Ed25519 public key (PEM) auditors verify with",
        "llmwall audit pubkey -o llmwall-audit.pub",
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")


def _guard(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from llmwall.errors import AuditError, LlmwallError

        try:
            return int(func(args))
        except (AuditError, LlmwallError, ValueError, OSError) as exc:
            print(f"llmwall audit {args.audit_command}: {exc}", file=sys.stderr)
            return EXIT_USAGE

    run.__doc__ = func.__doc__
    return run


def _home_and_dbs(args: argparse.Namespace) -> tuple[Path, list[Path]]:
    from llmwall.core.config import load_config

    config = load_config(getattr(args, "config", None), home=getattr(args, "home", None))
    return config.home, list(args.db or [config.audit_db])


def _open_db(args: argparse.Namespace) -> Any:
    from llmwall.audit import store

    _, dbs = _home_and_dbs(args)
    if len(dbs) != 1:
        raise ValueError("--db: give one database for this command")
    db = store.connect(dbs[0], create=False)
    store.read_meta(db)
    return db


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify each node's chain; print `verified N records` per chain (exit 0) or the
    first damage of each broken one (exit 1)."""
    from llmwall.audit import keys, rotate, verify

    home, dbs = _home_and_dbs(args)
    paths = list(dbs)
    if not args.no_archives:
        for db in dbs:
            paths += [a for a in rotate.archives_of(db) if a not in paths]
    pinned = [
        (keys.load_public_key(path.read_bytes(), str(path)), str(path))
        for path in args.pubkey or []
    ]
    local = home / "audit" / keys.PUBLIC_KEY
    fallback = pinned or (
        [(keys.load_public_key(local.read_bytes(), str(local)), str(local))]
        if local.exists()
        else []
    )
    groups = verify.nodes.group_by_node(paths)

    def choose(node: str | None, key_id: str) -> tuple[Any, str]:
        for key, source in fallback:
            if keys.key_id(key) == key_id:
                return key, source
        if fallback and (pinned or len(groups) == 1):
            return fallback[0]  # a key that does not match fails as a bad signature
        return None, ""  # another node's chain: the key stored in its DB, said so

    started = time.perf_counter()
    results = verify.verify_nodes(paths, choose)
    elapsed = time.perf_counter() - started
    for node, result in results.items():
        prefix = f"node {node or '(unnamed)'}: " if len(results) > 1 else ""
        print(prefix + result.summary())
    broken = [node for node, r in results.items() if not r.ok]
    if len(results) > 1:
        print(
            f"{len(results)} nodes: "
            + (f"{len(broken)} broken" if broken else "every chain verified")
        )
    count = sum(r.count for r in results.values())
    if not broken and count:
        print(f"({count / max(elapsed, 1e-9):,.0f} records/s)", file=sys.stderr)
    return EXIT_FAILED if broken else EXIT_OK


def _line(row: tuple[int, str, str, str, str]) -> str:
    obj = json.loads(row[2])
    findings = ",".join(f"{f['entity']}x{f['count']}" for f in obj["findings"]) or "-"
    rules = ",".join(obj["rules"]) or "-"
    return (
        f"{row[0]:>8} {row[1]} {obj['kind']:<8} {obj['decision']:<9} "
        f"{obj['provider'] or '-':<10} {obj['host']}{obj['path']} model={obj['model'] or '-'} "
        f"rules={rules} findings={findings} status={obj['status'] or '-'}"
    )


def cmd_tail(args: argparse.Namespace) -> int:
    """Print the last N records; with -f keep polling for new ones until interrupted."""
    db = _open_db(args)
    rows = db.execute(
        "SELECT seq, time, record, prev_hash, hash FROM records ORDER BY seq DESC LIMIT ?",
        (max(args.n, 0),),
    ).fetchall()
    last = db.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]
    for row in reversed(rows):
        print(_line(row))
    try:
        while args.follow:
            sys.stdout.flush()
            time.sleep(0.5)
            for row in db.execute(
                "SELECT seq, time, record, prev_hash, hash FROM records WHERE seq > ? ORDER BY seq",
                (last,),
            ):
                print(_line(row))
                last = row[0]
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def stats(db: Any, since: str | None = None) -> dict[str, Any]:
    from llmwall.audit.export import iter_rows

    out: dict[str, Counter[str]] = {k: Counter() for k in STATS_SECTIONS}
    total = 0
    for row in iter_rows(db, since):
        obj = json.loads(row[2])
        total += 1
        out["decision"][obj["decision"]] += 1
        out["kind"][obj["kind"]] += 1
        out["provider"][obj["provider"] or "-"] += 1
        out["day"][f"{row[1][:10]} {obj['decision']}"] += 1
        for r in obj["rules"]:
            out["rule"][r] += 1
        for f in obj["findings"]:
            out["finding"][f["entity"]] += f["count"]
        _agent_stats(obj, out)
    return {"records": total, **{k: dict(v.most_common()) for k, v in out.items()}}


STATS_SECTIONS = (
    "decision", "kind", "provider", "rule", "finding", "day", "tool", "pin", "pseudonym",
)  # fmt: skip


def _agent_stats(obj: dict[str, Any], out: dict[str, Counter[str]]) -> None:
    """Tool decisions ("send_email block"), pins (new, changed) and pseudonyms (values
    pseudonymized in requests, placeholders restored in answers) of one record."""
    extra = obj.get("extra") or {}
    agent = extra.get("agent") or {}
    mcp = extra.get("mcp") or {}
    for tool in agent.get("tools") or ():
        out["tool"][f"{tool['name']} {tool['decision']}"] += 1
    if isinstance(mcp.get("decision"), dict):
        out["tool"][f"{mcp['decision']['name']} {mcp['decision']['decision']} (mcp)"] += 1
    for pins in (agent.get("pins"), mcp.get("pins")):
        if isinstance(pins, dict):
            out["pin"]["new"] += int(pins.get("new", 0))
            out["pin"]["changed"] += len(pins.get("changed") or ())
    out["pseudonym"]["pseudonymized"] += int(agent.get("pseudonymized", 0))
    out["pseudonym"]["restored"] += int(agent.get("restored", 0))
    for key in ("pseudonymized", "restored"):
        if not out["pseudonym"][key]:
            del out["pseudonym"][key]


def cmd_stats(args: argparse.Namespace) -> int:
    """Counts by decision, kind, provider, rule, finding type, and decisions per day."""
    from llmwall.audit.export import parse_since

    since = parse_since(args.since) if args.since else None
    result = stats(_open_db(args), since)
    result["unknown_llm_host"] = _shadow_hosts(args, since)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
        return EXIT_OK
    print(f"records: {result['records']}")
    for section in (*STATS_SECTIONS, "unknown_llm_host"):
        if section in ("tool", "pin", "pseudonym", "unknown_llm_host") and not result[section]:
            continue
        print(f"\nby {section}:")
        for key, count in result[section].items():
            print(f"  {count:>8}  {key}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """The HTML report of addon/report.py for the records since --since (default: all)."""
    from llmwall.addon.report import write_session_report
    from llmwall.audit.export import parse_since

    _open_db(args)  # the same checks and errors as the other audit commands
    _, dbs = _home_and_dbs(args)
    since = parse_since(args.since) if args.since else ""
    path = write_session_report(dbs[0], args.html, since=since, title="")
    print(path)
    return EXIT_OK


def _shadow_hosts(args: argparse.Namespace, since: str | None) -> dict[str, int]:
    """LLM-looking hosts outside the provider table (`llmwall inventory`), by sightings."""
    from llmwall.addon.cli.inventory import rows

    home, _ = _home_and_dbs(args)
    return {
        f"{r['host']}:{r['port']} ({r['reason']})": r["connects"] + r["snis"] + r["requests"]
        for r in rows(home, since)
    }


def cmd_export(args: argparse.Namespace) -> int:
    """Write one event per record in the chosen format, oldest first."""
    from llmwall.audit.export import FORMATS, iter_rows, parse_since

    db = _open_db(args)
    since = parse_since(args.since) if args.since else None
    convert = FORMATS[args.format]
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for row in iter_rows(db, since):
            out.write(convert(row) + "\n")
    finally:
        if args.output:
            out.close()
    return EXIT_OK


def _siem_sinks(args: argparse.Namespace, config: Any) -> tuple[Any, ...]:
    from llmwall.audit.siem_config import parse_siem
    from llmwall.core.yaml_source import read_yaml

    if args.siem is None:
        sinks = tuple(getattr(config, "siem", ()) or ())
        if not sinks:
            raise ValueError("no SIEM sinks: add a `siem:` list to the config or pass --siem FILE")
        return sinks
    _, loaded = read_yaml(args.siem, "siem file")
    raw = loaded.get("siem") if isinstance(loaded, dict) else loaded
    return parse_siem(raw, str(args.siem), args.siem.resolve().parent)


def cmd_push(args: argparse.Namespace) -> int:
    """Run the SIEM pusher until interrupted (or, with --until-drained, until caught up)."""
    import logging
    import signal

    from llmwall.audit.siem import SiemPusher
    from llmwall.core.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_config(getattr(args, "config", None), home=getattr(args, "home", None))
    dbs = list(args.db or [config.audit_db])
    if len(dbs) != 1:
        raise ValueError("--db: give one database to push")
    pusher = SiemPusher(_siem_sinks(args, config), dbs[0])
    stop = {"now": False}

    def on_signal(signum: int, frame: Any) -> None:
        stop["now"] = True

    old = signal.signal(signal.SIGTERM, on_signal)
    pusher.start()
    started = time.monotonic()
    code = EXIT_OK
    try:
        while not stop["now"]:
            time.sleep(0.1)
            if args.until_drained and pusher.drained():
                break
            if args.timeout and time.monotonic() - started > args.timeout:
                code = EXIT_FAILED
                break
    except KeyboardInterrupt:
        pass
    finally:
        pusher.stop()
        signal.signal(signal.SIGTERM, old)
    for name, st in pusher.stats().items():
        print(
            f"{name}: delivered {st.delivered_total}, sent {st.sent_total}, backlog {st.backlog}, "
            f"dropped {st.dropped_total}, errors {st.errors_total}, cursor seq {st.cursor}"
        )
    return code


def cmd_rotate(args: argparse.Namespace) -> int:
    """Archive records older than --before into a file next to the DB."""
    from llmwall.audit.export import parse_since
    from llmwall.audit.rotate import rotate

    home, dbs = _home_and_dbs(args)
    if len(dbs) != 1:
        raise ValueError("--db: give one database to rotate")
    archive = rotate(dbs[0], home, parse_since(args.before))
    print(f"archived to {archive}" if archive else "nothing older than --before to archive")
    return EXIT_OK


def cmd_pubkey(args: argparse.Namespace) -> int:
    """Print (or write) the install's Ed25519 public key, created on first use."""
    from llmwall.audit import keys

    home, _ = _home_and_dbs(args)
    pem = keys.public_pem(keys.load_or_create_signing_key(home).public_key())
    if args.output:
        args.output.write_bytes(pem)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(pem.decode("ascii"))
    return EXIT_OK
