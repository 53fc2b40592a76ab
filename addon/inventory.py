"""The shadow-AI inventory: LLM-looking hosts the provider table does not know.

The proxy counts, per host, the CONNECTs, TLS SNIs and plain-HTTP requests that look like
an LLM API (`llmwall.routing.shadow`) but name no provider in the table, and whether they
were passed through or denied (`unknown_llm_hosts`). The counts live in their own small
SQLite file, `<home>/inventory.db`, not in the audit log: they are per-host tallies
updated in place, not decisions, and must not grow the hash chain with every CONNECT.
Content-free: a host name, a port, a reason (`name:anthropic`, `path:chat/completions`,
`body:model+messages`) and counts; never a path, a query or a body.

    hosts(host, port, reason, first_seen, last_seen, connects, snis, requests, denied)

Counts are kept in memory and written every `FLUSH_S` seconds and at shutdown, on a
worker thread: the event loop never waits for SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmwall.audit.canonical import format_time

log = logging.getLogger("llmwall")

FILENAME = "inventory.db"
FLUSH_S = 5.0
_KINDS = ("connects", "snis", "requests", "denied")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hosts (
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    connects INTEGER NOT NULL DEFAULT 0,
    snis INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    denied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (host, port)
)
"""


def _now() -> str:
    return format_time(datetime.now(UTC))  # the audit log's time format


@dataclass
class _Tally:
    reason: str
    first_seen: str
    last_seen: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0))


class InventoryStore:
    """The SQLite file; used by the proxy (writes) and the CLI (reads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self, create: bool) -> sqlite3.Connection:
        if create and not self.path.exists():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn = sqlite3.connect(str(self.path), timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)
        return conn

    def add(self, tallies: dict[tuple[str, int], _Tally]) -> None:
        if not tallies:
            return
        conn = self._connect(create=True)
        try:
            with conn:
                for (host, port), t in tallies.items():
                    conn.execute(
                        "INSERT INTO hosts (host, port, reason, first_seen, last_seen,"
                        " connects, snis, requests, denied) VALUES (?,?,?,?,?,?,?,?,?)"
                        " ON CONFLICT(host, port) DO UPDATE SET last_seen=excluded.last_seen,"
                        " connects=connects+excluded.connects, snis=snis+excluded.snis,"
                        " requests=requests+excluded.requests, denied=denied+excluded.denied",
                        (host, port, t.reason, t.first_seen, t.last_seen,
                         *(t.counts[k] for k in _KINDS)),
                    )  # fmt: skip
        finally:
            conn.close()

    def rows(self, since: str | None = None) -> list[dict[str, Any]]:
        """Every host, most seen first (`since`: ISO time, hosts last seen after it)."""
        if not self.path.exists():
            return []
        conn = self._connect(create=False)
        try:
            conn.row_factory = sqlite3.Row
            query = "SELECT * FROM hosts"
            args: tuple[str, ...] = ()
            if since:
                query += " WHERE last_seen >= ?"
                args = (since,)
            query += " ORDER BY connects + snis + requests DESC, host"
            return [dict(r) for r in conn.execute(query, args)]
        finally:
            conn.close()


class Inventory:
    """The proxy's side: count in memory, flush to the store off the event loop."""

    def __init__(self, store: InventoryStore) -> None:
        self.store = store
        self._pending: dict[tuple[str, int], _Tally] = {}
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None

    def saw(self, host: str, port: int, reason: str, kind: str, *, denied: bool) -> None:
        """Count one CONNECT (`connects`), SNI (`snis`) or request (`requests`)."""
        host = host.lower().rstrip(".")
        now = _now()
        with self._lock:
            tally = self._pending.get((host, port))
            if tally is None:
                tally = self._pending[(host, port)] = _Tally(reason, now, now)
            tally.last_seen = now
            tally.counts[kind] += 1
            if denied:
                tally.counts["denied"] += 1

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        try:
            self.store.add(pending)
        except (sqlite3.Error, OSError) as exc:
            log.error("could not write the inventory (%s): %s", self.store.path, exc)

    # -- addon hooks ------------------------------------------------------------------

    async def running(self) -> None:
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_S)
            await asyncio.to_thread(self.flush)

    def done(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.flush()
