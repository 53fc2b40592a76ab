"""Retention: move old records into an archive file while the chain continues.

`rotate(db_path, home, before)` copies every record older than `before` (and their
checkpoints) into `<db stem>-<first seq>-<last seq>.db` next to the DB, signs a
checkpoint at the last archived record, then deletes those rows from the live DB and
records that checkpoint as the live DB's anchor. `audit.verify.verify` checks the
archives and the live DB as one chain. The archive is complete and fsynced before the
live DB loses anything; a rotate interrupted after that point is finished by the next one.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from llmwall.audit import canonical, store
from llmwall.audit.log import AuditLog


def rotate(db_path: Path, home: Path, before: str) -> Path | None:
    """Archive records with time < `before`; return the archive path (None: nothing to do)."""
    log = AuditLog.open(db_path, home)
    conn = log.db.conn
    try:
        row = conn.execute("SELECT max(seq) FROM records WHERE time < ?", (before,)).fetchone()
        last = row[0]
        if last is None:
            return None
        meta = store.read_meta(log.db)
        start, _ = store.anchor(meta)
        archive = db_path.with_name(f"{db_path.stem}-{start + 1:012d}-{last:012d}.db")
        with log._transaction():  # sign the boundary so each file is anchored by a signature
            digest = conn.execute("SELECT hash FROM records WHERE seq=?", (last,)).fetchone()[0]
            if conn.execute("SELECT 1 FROM checkpoints WHERE seq=?", (last,)).fetchone() is None:
                log._sign(last, digest, canonical.utc_now())
        if not archive.exists():
            _write_archive(conn, archive, meta, last)
        with log._transaction():
            conn.execute("DELETE FROM records WHERE seq <= ?", (last,))
            conn.execute("DELETE FROM checkpoints WHERE seq < ?", (last,))
            store.write_meta(log.db, {"anchor_seq": str(last), "anchor_hash": digest})
        return archive
    finally:
        log.close()


def _write_archive(
    conn: sqlite3.Connection, archive: Path, meta: dict[str, str], last: int
) -> None:
    partial = archive.with_name(archive.name + ".partial")
    partial.unlink(missing_ok=True)
    db = store.connect(partial, create=True, synchronous="FULL")
    try:
        db.conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        db.conn.execute("BEGIN")
        store.create_schema(db)
        store.write_meta(
            db,
            {
                k: meta[k]
                for k in ("format", "public_key", "key_id", "anchor_seq", "anchor_hash", "node")
                if k in meta
            },
        )
        db.conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?)",
            conn.execute(
                "SELECT seq, time, record, prev_hash, hash FROM records "
                "WHERE seq <= ? ORDER BY seq",
                (last,),
            ),
        )
        db.conn.executemany(
            "INSERT INTO checkpoints(seq, hash, time, key_id, signature, node) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            conn.execute(
                "SELECT seq, hash, time, key_id, signature, node FROM checkpoints WHERE seq <= ?",
                (last,),
            ),
        )
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, archive)


def archives_of(db_path: Path) -> list[Path]:
    """The archive files `rotate` wrote next to `db_path`."""
    return sorted(db_path.parent.glob(f"{db_path.stem}-*-*.db"))
