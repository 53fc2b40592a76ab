"""Tool-definition pinning: the first-seen digest of each tool, per identity, provider
(or MCP server) and tool name, kept in `<home>/tool_pins.db` (SQLite).

Only digests are stored: sha256 over the canonical JSON of the tool's name, description
and schema. A tool whose definition differs from its pin is a "rug pull" candidate (an
MCP server that changes a tool's description after it was approved): the finding
`TOOL_DEFINITION_CHANGED`, which the policy's `tool_pinning` warns about or blocks.
The new digest is kept as `pending` until `llmwall tools approve` makes it the pin (or
`llmwall tools forget` drops the pin, so the next sighting pins afresh).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = "tool_pins.db"
CHANGED = "TOOL_DEFINITION_CHANGED"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pins (
    identity TEXT NOT NULL,
    provider TEXT NOT NULL,
    tool TEXT NOT NULL,
    digest TEXT NOT NULL,
    pending TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (identity, provider, tool)
)
"""


def definition_digest(name: str, description: Any, schema: Any) -> str:
    canonical = json.dumps(
        {"name": name, "description": description, "schema": schema},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Pin:
    identity: str
    provider: str
    tool: str
    digest: str
    pending: str | None
    first_seen: str
    last_seen: str
    changes: int


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class PinStore:
    """The pins of one llmwall home. `check` is on the request path: known, unchanged
    pins are answered from memory; SQLite is written only for a first sighting or a
    change. Thread-safe (the proxy may scan in worker threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str, str], str] = {}

    @staticmethod
    def at_home(home: Path) -> PinStore:
        return PinStore(home / FILE)

    def check(self, identity: str, provider: str, tool: str, digest: str) -> str:
        """ "new" (pinned now), "same", or "changed" (the pin stands; the new digest is
        recorded as pending approval)."""
        key = (identity, provider, tool)
        if self._known.get(key) == digest:
            return "same"
        with self._lock:
            row = self._db.execute(
                "SELECT digest FROM pins WHERE identity=? AND provider=? AND tool=?", key
            ).fetchone()
            now = _now()
            if row is None:
                self._db.execute(
                    "INSERT INTO pins (identity, provider, tool, digest, first_seen, last_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (*key, digest, now, now),
                )
                self._known[key] = digest
                return "new"
            if row[0] == digest:
                self._known[key] = digest
                return "same"
            self._db.execute(
                "UPDATE pins SET pending=?, last_seen=?, changes=changes+1"
                " WHERE identity=? AND provider=? AND tool=?",
                (digest, now, *key),
            )
            self._known.pop(key, None)
            return "changed"

    def list(self) -> list[Pin]:
        with self._lock:
            rows = self._db.execute(
                "SELECT identity, provider, tool, digest, pending, first_seen, last_seen, changes"
                " FROM pins ORDER BY identity, provider, tool"
            ).fetchall()
        return [Pin(*row) for row in rows]

    def approve(self, tool: str | None, identity: str | None, provider: str | None) -> int:
        """Make pending digests the pins (of `tool`, or of every tool); how many."""
        where, params = _filter(tool, identity, provider)
        with self._lock:
            cur = self._db.execute(
                f"UPDATE pins SET digest=pending, pending=NULL WHERE pending IS NOT NULL{where}",
                params,
            )
            self._known.clear()
            return cur.rowcount

    def forget(self, tool: str | None, identity: str | None, provider: str | None) -> int:
        where, params = _filter(tool, identity, provider)
        with self._lock:
            cur = self._db.execute(f"DELETE FROM pins WHERE 1=1{where}", params)
            self._known.clear()
            return cur.rowcount

    def close(self) -> None:
        self._db.close()


def _filter(
    tool: str | None, identity: str | None, provider: str | None
) -> tuple[str, tuple[str, ...]]:
    clauses, params = [], []
    for column, value in (("tool", tool), ("identity", identity), ("provider", provider)):
        if value is not None:
            clauses.append(f" AND {column}=?")
            params.append(value)
    return "".join(clauses), tuple(params)
