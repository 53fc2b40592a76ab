"""Taint that outlives one request: untrusted text an agent fetched through an MCP
server (a tool result, a resource, a prompt) that scored for prompt injection taints
that agent's identity for a while, so the tool calls it makes next (through an LLM
answer or straight to an MCP server) meet `policy.taint.block_tools`.

A request's own untrusted segments taint its answer directly (`core/agent.py`); this
ledger carries the score across flows. In memory only, bounded, with a time to live.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_TTL = 600.0  # seconds an identity stays tainted after the last tainted result
MAX_IDENTITIES = 4096


class TaintLedger:
    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        max_identities: int = MAX_IDENTITIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_identities = max_identities
        self.clock = clock
        self._scores: OrderedDict[str, tuple[float, float]] = OrderedDict()  # id -> (score, at)

    def taint(self, identity: str, score: float) -> None:
        if score <= 0:
            return
        now = self.clock()
        old = self._scores.pop(identity, None)
        if old is not None and now - old[1] <= self.ttl:
            score = max(score, old[0])
        self._scores[identity] = (score, now)
        while len(self._scores) > self.max_identities:
            self._scores.popitem(last=False)

    def score(self, identity: str) -> float:
        if not self._scores:
            return 0.0
        entry = self._scores.get(identity)
        if entry is None:
            return 0.0
        if self.clock() - entry[1] > self.ttl:
            del self._scores[identity]
            return 0.0
        return entry[0]
