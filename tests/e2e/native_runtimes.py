"""Shared body of the Go, Ruby and PHP client tests: run a program of that runtime under
`llmwall wrap` with public DNS failing, and check the provider got it redacted."""

from __future__ import annotations

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import (
    PROMPT,
    REPLY,
    assert_redacted_upstream,
    offline,
    run,
    user_env,
    wrap_cmd,
)


def goes_through_llmwall(proxy: Proxy, fake: FakeProvider, cmd: list[str]) -> None:
    r = run(offline(wrap_cmd(proxy, [*cmd, PROMPT])), env=user_env())
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


def fails_without_wrap(fake: FakeProvider, cmd: list[str]) -> str:
    r = run(offline([*cmd, PROMPT]), env=user_env())
    assert r.returncode != 0
    assert fake.received == []
    return r.stderr
