"""Audit appends on one dedicated thread, off the proxy's event loop.

An append is a short SQLite transaction (p50 ~0.2 ms) but its tail reaches several
milliseconds (WAL checkpoints, fsync); on the event loop that would stall every
connection. One writer thread keeps the records in submission order; hooks await the
returned futures before the flow moves on, so a decision's record is committed before
the client sees the answer.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from llmwall.audit.log import AuditLog
from llmwall.audit.record import AuditRecord

log = logging.getLogger("llmwall.audit")


class AuditWriter:
    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llmwall-audit")
        self._closed = False

    def digest(self, data: bytes | str) -> str:
        return self.audit.digest(data)

    def submit(self, record: AuditRecord) -> Future[int]:
        if self._closed:
            failed: Future[int] = Future()
            failed.set_exception(RuntimeError("audit log is closed"))
            return failed
        return self._pool.submit(self.audit.append, record)

    def tick(self) -> None:
        """Sign a checkpoint if one is due by time (quiet proxies too)."""
        if not self._closed:
            self._pool.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            self.audit.maybe_checkpoint()
        except Exception:
            log.exception("periodic audit checkpoint failed")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._pool.shutdown(wait=True)
        self.audit.close()
