"""A circuit breaker per upstream.

    closed --N failures within `window` s--> open --`cooldown` s--> half-open
    half-open --probe succeeds--> closed;  half-open --probe fails--> open
    any state --failure with retry-after--> open until then (capped at `max_open`)

While open, `allow` is False and traffic goes straight to the next fallback; after the
cooldown one request at a time is let through as a probe. A probe that never reports
(its flow was killed) is given up after another cooldown. Transitions are logged and
counted; `snapshot()` is what metrics and the audit read. The clock is injected.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from llmwall.errors import ConfigError

log = logging.getLogger("llmwall.breaker")


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerConfig:
    failures: int = 3  # failures within `window` that open the circuit
    window: float = 30.0  # seconds
    cooldown: float = 30.0  # seconds open before a probe is let through
    max_open: float = 600.0  # cap for a provider's retry-after

    @classmethod
    def from_mapping(cls, raw: Any, where: str = "breaker") -> BreakerConfig:
        """Validate the config's `breaker:` block; errors name the key and the fix."""
        if raw is None:
            return cls()
        keys = "cooldown, failures, max_open, window"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a mapping with keys {keys}")
        for key, value in raw.items():
            if key not in keys.split(", "):
                raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {keys}")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or value <= 0
                or (key == "failures" and not isinstance(value, int))
            ):
                raise ConfigError(
                    f"{where}.{key}: expected a number above 0"
                    + (" (a whole number)" if key == "failures" else "")
                )
        return cls(**raw)


@dataclass
class _Circuit:
    state: State = State.CLOSED
    failures: deque[float] = field(default_factory=deque)
    open_until: float = 0.0
    probe_started: float | None = None


class Breaker:
    def __init__(
        self, config: BreakerConfig = BreakerConfig(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config
        self.clock = clock
        self._circuits: dict[str, _Circuit] = {}
        self.counters: Counter[str] = Counter()

    def upstreams(self) -> list[str]:
        """The upstreams this breaker has seen."""
        return list(self._circuits)

    def state(self, key: str) -> State:
        return self._circuits.get(key, _Circuit()).state

    def allow(self, key: str) -> bool:
        """May a request go to `key` now? In half-open state the caller that gets True
        is the probe and must report `success` or `failure`."""
        c = self._circuits.setdefault(key, _Circuit())
        now = self.clock()
        if c.state is State.OPEN and now >= c.open_until:
            self._move(key, c, State.HALF_OPEN, "cooldown over")
        if c.state is State.CLOSED:
            return True
        probe_due = c.probe_started is None or now - c.probe_started >= self.config.cooldown
        if c.state is State.HALF_OPEN and probe_due:
            c.probe_started = now
            self.counters["probes"] += 1
            return True
        self.counters["short_circuited"] += 1
        return False

    def success(self, key: str) -> None:
        c = self._circuits.setdefault(key, _Circuit())
        c.failures.clear()
        c.probe_started = None
        if c.state is not State.CLOSED:
            self._move(key, c, State.CLOSED, "probe succeeded")

    def failure(self, key: str, retry_after: float | None = None) -> None:
        c = self._circuits.setdefault(key, _Circuit())
        now = self.clock()
        self.counters["failures"] += 1
        if retry_after is not None and retry_after > 0:
            until = now + min(retry_after, self.config.max_open)
            c.open_until = max(c.open_until, until) if c.state is State.OPEN else until
            c.probe_started = None
            if c.state is not State.OPEN:
                self._move(key, c, State.OPEN, f"retry-after {retry_after:g} s")
            return
        if c.state is State.HALF_OPEN:
            c.open_until = now + self.config.cooldown
            c.probe_started = None
            self._move(key, c, State.OPEN, "probe failed")
            return
        c.failures.append(now)
        while c.failures and now - c.failures[0] > self.config.window:
            c.failures.popleft()
        if c.state is State.CLOSED and len(c.failures) >= self.config.failures:
            c.open_until = now + self.config.cooldown
            self._move(
                key, c, State.OPEN, f"{len(c.failures)} failures within {self.config.window:g} s"
            )

    def _move(self, key: str, c: _Circuit, to: State, why: str) -> None:
        log.warning("circuit %s: %s -> %s (%s)", key, c.state.value, to.value, why)
        self.counters[f"to_{to.value}"] += 1
        c.state = to
        if to is State.CLOSED:
            c.failures.clear()

    def snapshot(self) -> dict[str, object]:
        """Counters and the state of every circuit that is not closed."""
        return {
            "counters": dict(self.counters),
            "circuits": {
                k: c.state.value for k, c in self._circuits.items() if c.state is not State.CLOSED
            },
        }


def parse_retry_after(
    headers: dict[str, str] | object, get: Callable[[str], str | None] | None = None
) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds form only; an HTTP date
    is ignored)."""
    lookup = get or (lambda k: headers.get(k) if isinstance(headers, dict) else None)  # type: ignore[union-attr]
    ms = lookup("retry-after-ms")
    try:
        if ms is not None:
            return float(ms) / 1000
        value = lookup("retry-after")
        return float(value) if value is not None else None
    except ValueError:
        return None
