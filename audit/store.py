"""The SQLite schema of an audit DB and how a connection to it is opened.

    records(seq INTEGER PRIMARY KEY, time, record, prev_hash, hash)   the chain
    checkpoints(seq INTEGER PRIMARY KEY, hash, time, key_id, signature, node)
    meta(key PRIMARY KEY, value)   format, public_key (PEM), key_id, anchor_seq,
                                   anchor_hash, node (the chain's node id)

A DB made before node ids existed has no checkpoints.node column; `add_node_column`
adds it (NULL for the old rows) when a current AuditLog opens the DB.

The anchor is where this file's chain starts: seq 0 and GENESIS for a DB that was never
rotated; after `rotate`, the last archived record, whose hash a signed checkpoint covers.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from llmwall.audit.canonical import GENESIS
from llmwall.errors import AuditStoreError

FORMAT = "llmwall-audit-v1"
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
BUSY_TIMEOUT_S = 10.0


def connect(path: Path, *, create: bool, synchronous: str = "NORMAL") -> sqlite_utils.Database:
    """Open `path` in WAL mode with autocommit (callers issue BEGIN IMMEDIATE themselves)."""
    if synchronous.upper() not in SYNCHRONOUS:
        raise AuditStoreError(
            f"synchronous: {synchronous!r} is not one of {', '.join(SYNCHRONOUS)}"
        )
    path = Path(path)
    if not path.exists():
        if not create:
            raise AuditStoreError(f"{path}: no such audit database")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The DB is content-free but says who used which model when: owner-only.
        # SQLite gives the -wal and -shm files the same mode as the DB file.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = sqlite3.connect(
        str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False
    )
    db = sqlite_utils.Database(conn)
    if create:
        db.enable_wal()
    conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
    return db


def create_schema(db: sqlite_utils.Database) -> None:
    """Create the tables if missing; call inside a write transaction."""
    db.table("records").create(
        {"seq": int, "time": str, "record": str, "prev_hash": str, "hash": str},
        pk="seq",
        not_null={"time", "record", "prev_hash", "hash"},
        if_not_exists=True,
    )
    db.table("records").create_index(["time"], index_name="records_time", if_not_exists=True)
    db.table("checkpoints").create(
        {"seq": int, "hash": str, "time": str, "key_id": str, "signature": str, "node": str},
        pk="seq",
        not_null={"hash", "time", "key_id", "signature"},
        if_not_exists=True,
    )
    db.table("meta").create(
        {"key": str, "value": str}, pk="key", not_null={"value"}, if_not_exists=True
    )


def has_node_column(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "node" for row in conn.execute("PRAGMA table_info(checkpoints)"))


def add_node_column(db: sqlite_utils.Database) -> None:
    """Bring an older DB's checkpoints table up to date; call inside a write transaction."""
    if not has_node_column(db.conn):
        db.conn.execute("ALTER TABLE checkpoints ADD COLUMN node TEXT")


def read_meta(db: sqlite_utils.Database) -> dict[str, str]:
    try:
        rows = db.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.DatabaseError as exc:
        raise AuditStoreError(f"{db_path(db)}: not an llmwall audit database ({exc})") from None
    meta = dict(rows)
    if meta.get("format") != FORMAT:
        raise AuditStoreError(f"{db_path(db)}: not an llmwall audit database (format {FORMAT})")
    return meta


def write_meta(db: sqlite_utils.Database, values: dict[str, str]) -> None:
    for key, value in values.items():
        db.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def anchor(meta: dict[str, str]) -> tuple[int, str]:
    return int(meta.get("anchor_seq", "0")), meta.get("anchor_hash", GENESIS)


def db_path(db: sqlite_utils.Database) -> str:
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else "<memory>"
