"""Live SIEM push: every audit record, in order, to each configured sink, at least once.

`SiemPusher(sinks, db_path).start()` runs one thread per sink that reads the audit DB
(its own read connection; WAL readers never block the proxy's appends) after the sink's
cursor, sends batches (`audit.sinks`), and moves the cursor only once a batch is
confirmed delivered. The cursor is durable: `<db>.siem/<sink name>.cursor` (JSON, written
atomically and fsynced), so a restart resumes after the last confirmed record; a batch
that was sent but not confirmed (the sink went away, llmwall was killed) is sent again,
which is why delivery is at-least-once: a receiver may see a record twice, never out of
order within one connection, and never not at all while the record is in the DB.
Records rotated into archives before they were pushed are read from the archives.

Backlog: the records committed but not yet confirmed for a sink (tip seq - cursor seq).
They wait in the DB, not in memory: the pusher holds one batch at a time. A backlog over
`max_backlog` is full; `on_full` decides what happens:
    drop   (default) skip the oldest undelivered records down to max_backlog, log an
           alarm naming the skipped seq range (they stay in the audit DB: `llmwall audit
           export` can send them later), count them in dropped_total; the proxy serves on.
    block  skip nothing; `admits()` turns False until the backlog drains, and the proxy is
           expected to refuse new requests meanwhile (nothing goes unshipped).
`stats()` gives per-sink figures for metrics (`llmwall_siem_backlog{sink}` ...).
Log lines name the sink, seq numbers and error types, never record content.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmwall.audit import nodes, rotate, store
from llmwall.audit.export import Row
from llmwall.audit.siem_config import SinkConfig, parse_siem
from llmwall.audit.sinks import Sink, make_sink
from llmwall.errors import AuditStoreError, ConfigError, SiemError

__all__ = ["SiemPusher", "SinkConfig", "SinkStats", "parse_siem"]

log = logging.getLogger("llmwall.siem")

POLL_S = 0.2  # how often an idle pusher looks for new records
MAX_BACKOFF_S = 30.0
_ROWS = "SELECT seq, time, record, prev_hash, hash FROM records"
_ARCHIVE = re.compile(r"-(\d{12})-(\d{12})\.db$")


@dataclass
class SinkStats:
    backlog: int = 0  # records committed, not yet confirmed delivered
    delivered_total: int = 0  # records confirmed (each once)
    sent_total: int = 0  # records sent, resends included
    dropped_total: int = 0  # records skipped by on_full: drop (or rotated away unsent)
    errors_total: int = 0  # failed sends and lost connections
    full: bool = False  # the backlog is over max_backlog (on_full: block)
    connected: bool = False  # the last send or check succeeded
    cursor: int = 0  # the last confirmed seq


class SiemPusher:
    """Pushes the audit DB at `db_path` to `sinks`; `start()` and `stop()` from the proxy."""

    def __init__(
        self,
        sinks: Sequence[SinkConfig],
        db_path: Path,
        *,
        poll: float = POLL_S,
        sink_factory: Callable[[SinkConfig, str | None], Sink] = make_sink,
    ) -> None:
        self.db_path = Path(db_path)
        self._pushers = [_SinkPusher(c, self.db_path, poll, sink_factory) for c in sinks]

    def start(self) -> None:
        """Check every sink can be built (a missing token is a ConfigError), then start."""
        for p in self._pushers:
            p.prepare()
        for p in self._pushers:
            p.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every sink's thread; a batch in flight is finished or left for a resend."""
        for p in self._pushers:
            p.halt.set()
            p.wake.set()
        for p in self._pushers:
            if p.thread.is_alive():
                p.thread.join(timeout)

    def notify(self) -> None:
        """New records were committed: look now instead of at the next poll."""
        for p in self._pushers:
            p.wake.set()

    def stats(self) -> dict[str, SinkStats]:
        return {p.config.name: p.stats for p in self._pushers}

    def admits(self) -> bool:
        """False while a sink with on_full: block has a full backlog."""
        return not any(p.stats.full for p in self._pushers if p.config.on_full == "block")

    def drained(self) -> bool:
        """Every sink has confirmed every record committed so far."""
        return all(p.stats.backlog == 0 and p.checked for p in self._pushers)


class _SinkPusher:
    def __init__(
        self,
        config: SinkConfig,
        db_path: Path,
        poll: float,
        sink_factory: Callable[[SinkConfig, str | None], Sink],
    ) -> None:
        self.config = config
        self.reader = _Reader(db_path)
        self.cursor_file = Cursor(Path(f"{db_path}.siem") / f"{config.name}.cursor")
        self.poll = poll
        self.sink_factory = sink_factory
        self.sink: Sink | None = None
        self.stats = SinkStats()
        self.halt = threading.Event()
        self.wake = threading.Event()
        self.checked = False  # the backlog was measured at least once
        self.thread = threading.Thread(
            target=self._run, name=f"llmwall-siem-{config.name}", daemon=True
        )

    def prepare(self) -> None:
        node = None
        with contextlib.suppress(AuditStoreError):
            node = nodes.node_of(self.reader.db_path)
        self.sink = self.sink_factory(self.config, node)

    # -- the sink's thread -------------------------------------------------------------

    def _run(self) -> None:
        assert self.sink is not None
        sink, name = self.sink, self.config.name
        cursor, cursor_hash = self.cursor_file.load()
        sent = cursor
        pending: deque[tuple[int, str, float]] = deque()  # sent, not yet confirmed
        backoff, failing, validated = 0.0, False, False
        try:
            while not self.halt.is_set():
                try:
                    if not validated:
                        cursor = sent = self._validate(cursor, cursor_hash)
                        validated = True
                    tip = self.reader.tip()
                    cursor, sent = self._bound(tip, cursor, sent, pending)
                    cursor = self._confirm(sink, cursor, pending)
                    self.stats.backlog, self.stats.cursor = tip - cursor, cursor
                    self.checked = True
                    rows = self.reader.rows_after(sent, self.config.batch) if sent < tip else []
                    if rows and rows[0][0] != sent + 1:  # rotated away and the archive gone
                        self._skip(cursor, rows[0][0] - 1, "were rotated away unsent")
                        cursor = rows[0][0] - 1
                    if rows:
                        sink.send(rows)
                        sent = rows[-1][0]
                        pending.append((sent, rows[-1][4], time.monotonic()))
                        self.stats.sent_total += len(rows)
                        cursor = self._confirm(sink, cursor, pending)
                        self.stats.backlog, self.stats.cursor = tip - cursor, cursor
                    if failing:
                        log.warning("siem %s: delivering again from seq %d", name, cursor + 1)
                    backoff, failing = 0.0, False
                    self.stats.connected = True
                    if not rows or sent >= tip:
                        self._sleep(
                            self.poll if not pending else min(self.poll, sink.confirm_after)
                        )
                except (SiemError, AuditStoreError, OSError) as exc:
                    self.stats.errors_total += 1
                    self.stats.connected = False
                    if not failing:
                        log.warning("siem %s: %s; will resend from seq %d", name, exc, cursor + 1)
                    failing = True
                    sent = cursor  # resend whatever was not confirmed
                    pending.clear()
                    backoff = min(max(self.poll, backoff * 2), MAX_BACKOFF_S)
                    self._sleep(backoff)
            self._finish(sink, cursor, pending)
        except Exception:
            log.exception("siem %s: the pusher stopped", name)
        finally:
            sink.close()
            self.reader.close()

    def _validate(self, cursor: int, cursor_hash: str) -> int:
        """The cursor must point at the same record it was saved at (a replaced DB
        starts a new chain: push it from its start)."""
        if cursor == 0:
            return 0
        found = self.reader.hash_of(cursor)
        if found is not None and found != cursor_hash:
            log.error(
                "siem %s: the audit DB no longer holds the record the cursor names (seq %d); "
                "it was replaced: pushing the new chain from its start",
                self.config.name,
                cursor,
            )
            self.cursor_file.save(0, "")
            return 0
        if found is None and cursor > self.reader.tip():
            log.error(
                "siem %s: the cursor (seq %d) is past the DB's end; a new DB: pushing it "
                "from its start",
                self.config.name,
                cursor,
            )
            self.cursor_file.save(0, "")
            return 0
        return cursor

    def _bound(
        self, tip: int, cursor: int, sent: int, pending: deque[tuple[int, str, float]]
    ) -> tuple[int, int]:
        backlog = tip - cursor
        limit = self.config.max_backlog
        if backlog <= limit:
            self.stats.full = False
            return cursor, sent
        if self.config.on_full == "block":
            if not self.stats.full:
                log.error(
                    "siem %s: backlog full (%d records undelivered, max_backlog %d); "
                    "on_full: block: refusing new requests until it drains",
                    self.config.name,
                    backlog,
                    limit,
                )
            self.stats.full = True
            return cursor, sent
        new = tip - limit
        self._skip(cursor, new, f"were dropped: backlog over max_backlog {limit}")
        while pending and pending[0][0] <= new:
            pending.popleft()
        return new, max(sent, new)

    def _skip(self, cursor: int, new: int, why: str) -> None:
        log.error(
            "siem %s: ALARM records seq %d..%d %s; they are still in the audit log "
            "(llmwall audit export) but this sink will not get them",
            self.config.name,
            cursor + 1,
            new,
            why,
        )
        self.stats.dropped_total += new - cursor
        self.cursor_file.save(new, self.reader.hash_of(new) or "")

    def _confirm(self, sink: Sink, cursor: int, pending: deque[tuple[int, str, float]]) -> int:
        """Move the cursor over the batches that count as delivered; raise SiemError if
        the connection they went out on is gone (they will be sent again)."""
        if not pending:
            return cursor
        now = time.monotonic()
        last: tuple[int, str] | None = None
        while pending and now - pending[0][2] >= sink.confirm_after:
            if sink.confirm_after and not sink.alive():
                raise SiemError(f"{self.config.name}: the receiver closed the connection")
            seq, digest, _ = pending.popleft()
            self.stats.delivered_total += seq - cursor
            cursor, last = seq, (seq, digest)
        if last is not None:
            self.cursor_file.save(*last)
        return cursor

    def _finish(self, sink: Sink, cursor: int, pending: deque[tuple[int, str, float]]) -> None:
        """On stop: wait out the confirmation of what was sent (bounded), then save."""
        deadline = time.monotonic() + sink.confirm_after + 0.1
        with contextlib.suppress(SiemError, OSError):
            while pending and time.monotonic() < deadline:
                cursor = self._confirm(sink, cursor, pending)
                if pending:
                    time.sleep(0.05)

    def _sleep(self, seconds: float) -> None:
        if self.wake.wait(seconds):
            self.wake.clear()


class Cursor:
    """The last confirmed (seq, hash) of one sink, in a small JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[int, str]:
        try:
            data = json.loads(self.path.read_text())
            return int(data["seq"]), str(data["hash"])
        except FileNotFoundError:
            return 0, ""
        except (ValueError, KeyError, TypeError):
            raise ConfigError(
                f"{self.path}: not a SIEM cursor file; move it away to push this sink "
                "from the start of the audit log"
            ) from None

    def save(self, seq: int, digest: str) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"seq": seq, "hash": digest}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class _Reader:
    """Rows of the live DB, and of its archives for seqs rotated out of it."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._db: Any = None

    def _conn(self) -> Any:
        if self._db is None:
            self._db = store.connect(self.db_path, create=False)
        return self._db.conn

    def close(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def anchor(self) -> int:
        row = self._conn().execute("SELECT value FROM meta WHERE key='anchor_seq'").fetchone()
        return int(row[0]) if row else 0

    def tip(self) -> int:
        seq = self._conn().execute("SELECT max(seq) FROM records").fetchone()[0]
        return int(seq) if seq is not None else self.anchor()

    def rows_after(self, seq: int, limit: int) -> list[Row]:
        if seq < self.anchor():
            for archive, _first, last in self._archives():
                if last > seq:
                    rows = self._query(archive, seq, limit)
                    if rows:
                        return rows
        return list(
            self._conn().execute(_ROWS + " WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        )

    def hash_of(self, seq: int) -> str | None:
        row = self._conn().execute("SELECT hash FROM records WHERE seq = ?", (seq,)).fetchone()
        if row is not None:
            return str(row[0])
        for archive, first, last in self._archives():
            if first <= seq <= last:
                rows = self._query(archive, seq - 1, 1)
                return rows[0][4] if rows and rows[0][0] == seq else None
        return None

    def _archives(self) -> list[tuple[Path, int, int]]:
        out = []
        for path in rotate.archives_of(self.db_path):
            m = _ARCHIVE.search(path.name)
            if m:
                out.append((path, int(m[1]), int(m[2])))
        return sorted(out, key=lambda a: a[1])

    @staticmethod
    def _query(path: Path, seq: int, limit: int) -> list[Row]:
        db = store.connect(path, create=False)
        try:
            return list(
                db.conn.execute(_ROWS + " WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
            )
        finally:
            db.conn.close()
