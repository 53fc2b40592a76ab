"""The circuit breaker: opens on N failures in a window, probes half-open, honours retry-after."""

from __future__ import annotations

import pytest

from llmwall.routing.breaker import Breaker, BreakerConfig, State, parse_retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> Breaker:
    return Breaker(BreakerConfig(failures=3, window=10, cooldown=5), clock)


def test_opens_after_n_failures_within_the_window(breaker: Breaker, clock: Clock) -> None:
    for _ in range(2):
        breaker.failure("a")
        assert breaker.allow("a")
    breaker.failure("a")
    assert breaker.state("a") is State.OPEN
    assert not breaker.allow("a")
    assert breaker.counters["short_circuited"] == 1
    assert breaker.allow("b"), "circuits are per upstream"


def test_failures_outside_the_window_do_not_count(breaker: Breaker, clock: Clock) -> None:
    breaker.failure("a")
    breaker.failure("a")
    clock.now += 11
    breaker.failure("a")
    assert breaker.state("a") is State.CLOSED


def test_half_open_lets_one_probe_through_then_closes_on_success(
    breaker: Breaker, clock: Clock
) -> None:
    for _ in range(3):
        breaker.failure("a")
    clock.now += 5
    assert breaker.allow("a")  # the probe
    assert breaker.state("a") is State.HALF_OPEN
    assert not breaker.allow("a"), "only one probe at a time"
    breaker.success("a")
    assert breaker.state("a") is State.CLOSED
    assert breaker.allow("a") and breaker.allow("a")
    assert (
        breaker.counters["to_closed"] == 1
        and breaker.counters["to_open"] == 1
        and breaker.counters["probes"] == 1
    )


def test_failed_probe_reopens_for_another_cooldown(breaker: Breaker, clock: Clock) -> None:
    for _ in range(3):
        breaker.failure("a")
    clock.now += 5
    assert breaker.allow("a")
    breaker.failure("a")
    assert breaker.state("a") is State.OPEN
    clock.now += 4.9
    assert not breaker.allow("a")
    clock.now += 0.2
    assert breaker.allow("a")


def test_a_lost_probe_is_given_up_after_a_cooldown(breaker: Breaker, clock: Clock) -> None:
    for _ in range(3):
        breaker.failure("a")
    clock.now += 5
    assert breaker.allow("a")
    clock.now += 5
    assert breaker.allow("a"), "a probe that never reported must not wedge the circuit"


def test_retry_after_opens_at_once_for_that_long(breaker: Breaker, clock: Clock) -> None:
    breaker.failure("a", retry_after=20)
    assert breaker.state("a") is State.OPEN
    clock.now += 19
    assert not breaker.allow("a")
    clock.now += 1
    assert breaker.allow("a")


def test_retry_after_is_capped(clock: Clock) -> None:
    b = Breaker(BreakerConfig(max_open=60), clock)
    b.failure("a", retry_after=10_000)
    clock.now += 60
    assert b.allow("a")


def test_snapshot_lists_open_circuits_and_counters(breaker: Breaker) -> None:
    breaker.failure("a", retry_after=1)
    snap = breaker.snapshot()
    assert snap["circuits"] == {"a": "open"}
    assert snap["counters"]["to_open"] == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected
