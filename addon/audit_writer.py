"""Audit appends on one dedicated thread, off the proxy's event loop, with group commit.

An append is a short SQLite transaction, but its tail reaches several milliseconds (WAL
checkpoints, fsync); on the event loop that would stall every connection. One writer
thread takes the records in submission order. Whatever arrived while the previous
commit ran goes into the next one (`AuditLog.commit`: one transaction, at most one
fsync and one signature per batch), so under load the cost of a commit is shared by
every record waiting for it, and a lone record still waits for one commit only: there
is no timer, no batch is held back to fill up.

A future resolves only after its batch's COMMIT returned, so a hook that awaits it
before the flow moves on knows the decision's record is durable (on the OS's page
cache with synchronous=NORMAL: it survives `kill -9`; fsynced with FULL) before the
client sees the answer. A record that cannot be encoded fails its own future only;
a failed commit fails every future of its batch (the proxy then fails closed).
A future cancelled by its waiter is still written: an audit record is not optional.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from typing import Any

from llmwall.audit.log import AuditLog
from llmwall.audit.record import AuditRecord

log = logging.getLogger("llmwall.audit")

MAX_BATCH = 2048  # records per transaction: bounds one commit's latency under a flood

_TICK = object()
_STOP = object()


class AuditWriter:
    """`on_commit(last_seq)` runs on the writer thread after each committed batch (e.g.
    `SiemPusher.notify`); it must be quick and must not raise. `records_total` counts the
    records committed (the `llmwall_audit_records_total` metric)."""

    def __init__(
        self,
        audit: AuditLog,
        *,
        max_batch: int = MAX_BATCH,
        on_commit: Callable[[int], None] | None = None,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self.audit = audit
        self.max_batch = max_batch
        self.on_commit = on_commit
        self.records_total = 0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()  # orders close() against submit()
        self._thread = threading.Thread(target=self._run, name="llmwall-audit", daemon=True)
        self._thread.start()

    def digest(self, data: bytes | str) -> str:
        return self.audit.digest(data)

    def submit(self, record: AuditRecord) -> Future[int]:
        """Queue `record`; the future gives its seq once it is committed."""
        fut: Future[int] = Future()
        with self._lock:
            if not self._closed:
                self._queue.put((record, fut))
                return fut
        fut.set_exception(RuntimeError("audit log is closed"))
        return fut

    def tick(self) -> None:
        """Sign a checkpoint if one is due by time (quiet proxies too)."""
        if not self._closed:
            self._queue.put(_TICK)

    def close(self) -> None:
        """Commit everything submitted so far, sign the final checkpoint, close the DB."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()
        self.audit.close()

    # -- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        get, get_nowait = self._queue.get, self._queue.get_nowait
        while True:
            item = get()
            batch: list[tuple[AuditRecord, Future[int]]] = []
            stop = False
            while True:
                if item is _STOP:
                    stop = True
                    break
                if item is _TICK:
                    self._commit(batch)
                    batch = []
                    self._checkpoint()
                else:
                    batch.append(item)
                    if len(batch) >= self.max_batch:
                        break
                try:
                    item = get_nowait()
                except queue.Empty:
                    break
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[AuditRecord, Future[int]]]) -> None:
        if not batch:
            return
        texts: list[str] = []
        waiting: list[Future[int]] = []
        encode = self.audit.encode
        for record, fut in batch:
            try:
                texts.append(encode(record))
            except Exception as exc:
                _settle(fut, exc)
                continue
            waiting.append(fut)
        try:
            seqs = self.audit.commit(texts)
        except Exception as exc:
            log.error("audit commit of %d records failed: %s", len(texts), type(exc).__name__)
            for fut in waiting:
                _settle(fut, exc)
            return
        self.records_total += len(seqs)
        for fut, seq in zip(waiting, seqs, strict=True):
            # a future cancelled by its waiter: the record is written all the same
            with contextlib.suppress(InvalidStateError):
                fut.set_result(seq)
        if self.on_commit is not None and seqs:
            try:
                self.on_commit(seqs[-1])
            except Exception:
                log.exception("audit on_commit callback failed")

    def _checkpoint(self) -> None:
        try:
            self.audit.maybe_checkpoint()
        except Exception:
            log.exception("periodic audit checkpoint failed")


def _settle(fut: Future[int], exc: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):  # cancelled by its waiter
        fut.set_exception(exc)
