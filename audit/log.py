"""`AuditLog`: append content-free records to the hash chain, sign checkpoints.

Durability: the DB runs in WAL mode. With the default `synchronous="NORMAL"` a commit
has reached the WAL file (the OS page cache) when `append` returns, so it survives a
crash or `kill -9` of the process; only an OS crash or power loss can lose the last
transactions, and never breaks the chain (the WAL is rolled back to a committed frame).
`synchronous="FULL"` also fsyncs each commit: power-loss safe, about 3x slower appends.

Group commit: `commit(texts)` chains and commits a batch in one transaction; the
proxy's writer thread (`addon/audit_writer.py`) batches whatever arrived while the
previous commit ran, so the cost of a commit is shared by every record waiting for it.

Nodes: every record and checkpoint carries the node id of the chain (`audit.nodes`).

Concurrency: several processes may share one DB. `append` reads the tip and inserts
inside one `BEGIN IMMEDIATE` transaction, so appends form one linear chain; they must
share the llmwall home (the same signing key), which `open` checks.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlite_utils

from llmwall.audit import canonical, keys, nodes, store
from llmwall.audit.record import AuditRecord
from llmwall.errors import AuditStoreError


class AuditLog:
    def __init__(
        self,
        db: sqlite_utils.Database,
        path: Path,
        hmac_key: bytes,
        signing_key: keys.Ed25519PrivateKey,
        checkpoint_every: int,
        checkpoint_seconds: float,
        node: str | None = None,
    ) -> None:
        self.db = db
        self.path = path
        self._conn = db.conn
        self._hmac_key = hmac_key
        self._signing_key = signing_key
        self.key_id = keys.key_id(signing_key.public_key())
        self.checkpoint_every = checkpoint_every
        self.checkpoint_seconds = checkpoint_seconds
        self.node = node  # settled by _init_db: the configured id or the DB's own
        self._node_configured = node is not None

    @classmethod
    def open(
        cls,
        db_path: Path,
        home: Path,
        *,
        checkpoint_every: int = 1000,
        checkpoint_seconds: float = 60.0,
        synchronous: str = "NORMAL",
        node: str | None = None,
    ) -> AuditLog:
        """Open (creating on first use) the DB and the install's keys under `home`.

        `node`: this chain's node id (default: the DB's own, else one derived from the
        host name); a DB that belongs to another node is refused."""
        if checkpoint_every < 1 or checkpoint_seconds <= 0:
            raise AuditStoreError("checkpoint_every must be >= 1 and checkpoint_seconds > 0")
        if node is not None:
            nodes.check_node(node)
        hmac_key = keys.load_or_create_hmac_key(home)
        signing_key = keys.load_or_create_signing_key(home)
        db = store.connect(Path(db_path), create=True, synchronous=synchronous)
        db.conn.execute("PRAGMA busy_timeout=0")  # the write lock is waited for in _Immediate
        log = cls(
            db,
            Path(db_path),
            hmac_key,
            signing_key,
            checkpoint_every,
            checkpoint_seconds,
            node,
        )
        try:
            log._init_db()
        except BaseException:
            db.conn.close()
            raise
        return log

    def _init_db(self) -> None:
        with self._transaction():
            has_meta = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone()
            if has_meta:
                meta = store.read_meta(self.db)
                if meta.get("key_id") != self.key_id:
                    raise AuditStoreError(
                        f"{self.path}: signed by key {meta.get('key_id')}, but this llmwall home "
                        f"has key {self.key_id}; processes sharing a DB must share the home's "
                        "audit/ keys"
                    )
                self._settle_node(meta.get("node"))
                return
            store.create_schema(self.db)
            self.node = self.node or nodes.default_node()
            pem = keys.public_pem(self._signing_key.public_key()).decode("ascii")
            store.write_meta(
                self.db,
                {
                    "format": store.FORMAT,
                    "public_key": pem,
                    "key_id": self.key_id,
                    "anchor_seq": "0",
                    "anchor_hash": canonical.GENESIS,
                    "created": canonical.utc_now(),
                    "node": self.node,
                },
            )
            self._sign(0, canonical.GENESIS, canonical.utc_now())

    def _settle_node(self, stored: str | None) -> None:
        """An existing DB: keep its node id, or give one to a DB made before node ids."""
        if stored is None:  # an older DB: its chain continues under this node's id
            self.node = self.node or nodes.default_node()
            store.add_node_column(self.db)
            store.write_meta(self.db, {"node": self.node})
        elif self._node_configured and self.node != stored:
            raise AuditStoreError(
                f"{self.path}: holds the chain of node {stored!r}, but audit.node is "
                f"{self.node!r}; give each node a DB of its own (audit.path) or set "
                f"audit.node: {stored}"
            )
        else:
            self.node = stored

    def digest(self, data: bytes | str) -> str:
        """HMAC-SHA256 (hex) keyed with the per-install secret: the only form content takes."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        return hmac.new(self._hmac_key, data, hashlib.sha256).hexdigest()

    def append(self, record: AuditRecord) -> int:
        """Chain and commit `record`; return its seq. The row is durable when this returns."""
        return self.commit([self.encode(record)])[0]

    def encode(self, record: AuditRecord) -> str:
        """The canonical text of `record` as this log stores it (raises AuditEncodingError)."""
        return canonical.encode_record(record, self.digest, self.node)

    def commit(self, texts: Sequence[str]) -> range:
        """Chain and commit already encoded records in one transaction (group commit).

        All of `texts` become durable together, in order, when this returns: one
        `BEGIN IMMEDIATE ... COMMIT` (and at most one fsync and one signature) serves the
        whole batch. They share one time, the moment of the batch. Returns their seqs."""
        if not texts:
            return range(0)
        with self._transaction():
            seq, prev_hash, time = self._tip()
            time = max(canonical.utc_now(), time)  # the chain's time never goes backwards
            first = seq + 1
            rows = []
            for text in texts:
                seq += 1
                digest = canonical.chain_hash(seq, time, prev_hash, text)
                rows.append((seq, time, text, prev_hash, digest))
                prev_hash = digest
            self._conn.executemany(
                "INSERT INTO records(seq, time, record, prev_hash, hash) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            if self._checkpoint_due(seq, time):
                self._sign(seq, prev_hash, time)
        return range(first, seq + 1)

    def checkpoint(self) -> int | None:
        """Sign the tip now unless it is signed already; return the signed seq."""
        with self._transaction():
            seq, digest, _ = self._tip()
            last = self._conn.execute("SELECT max(seq) FROM checkpoints").fetchone()[0]
            if last is not None and last >= seq:
                return None
            self._sign(seq, digest, canonical.utc_now())
            return seq

    def maybe_checkpoint(self) -> int | None:
        """Sign the tip if `checkpoint_seconds` passed since the last checkpoint.

        The proxy may call this from a periodic task so a quiet tail gets signed too."""
        seq, _, _ = self._tip()
        if self._checkpoint_due(seq, canonical.utc_now(), by_count=False):
            return self.checkpoint()
        return None

    def close(self) -> None:
        """Sign the tip (the final checkpoint) and close the DB."""
        if self._conn is None:
            return
        try:
            self.checkpoint()
        finally:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(
        self, t: type[BaseException] | None, v: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _tip(self) -> tuple[int, str, str]:
        row = self._conn.execute(
            "SELECT seq, hash, time FROM records ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return row[0], row[1], row[2]
        seq, digest = store.anchor(store.read_meta(self.db))
        return seq, digest, ""

    def _checkpoint_due(self, seq: int, time: str, by_count: bool = True) -> bool:
        row = self._conn.execute(
            "SELECT seq, time FROM checkpoints ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return True
        if row[0] >= seq:
            return False
        if by_count and seq - row[0] >= self.checkpoint_every:
            return True
        horizon = canonical.parse_time(time) - timedelta(seconds=self.checkpoint_seconds)
        return row[1] <= canonical.format_time(horizon)

    def _sign(self, seq: int, digest: str, time: str) -> None:
        message = canonical.checkpoint_message(seq, digest, time, self.node)
        signature = self._signing_key.sign(message)
        self._conn.execute(
            "INSERT OR REPLACE INTO checkpoints(seq, hash, time, key_id, signature, node) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (seq, digest, time, self.key_id, signature.hex(), self.node),
        )

    def _transaction(self) -> _Immediate:
        return _Immediate(self._conn)


class _Immediate:
    """BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error: takes the write lock up front so the
    tip read and the insert are serialized against other processes.

    The write lock is waited for here, in steps of at most 2 ms, not by SQLite's busy
    handler: that one sleeps 1, 2, 5, 10 ... up to 100 ms between tries, so processes
    sharing a DB (workers) would hand the lock over in tens of milliseconds."""

    def __init__(self, conn: object) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        conn: Any = self.conn
        deadline = time.monotonic() + store.BUSY_TIMEOUT_S
        pause = 0.0001
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.002)

    def __exit__(
        self, t: type[BaseException] | None, v: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.conn.execute("COMMIT" if t is None else "ROLLBACK")  # type: ignore[attr-defined]
