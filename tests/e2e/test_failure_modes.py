"""Fail closed by default; fail open only when the operator chose it, and marked."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.e2e.clients import openai_client
from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider

CRASH = {"custom": ["tests.e2e.crashing:CrashingRecognizer"]}


@pytest.fixture(scope="module")
def crashing_closed(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    p = start_proxy(
        tmp_path_factory.mktemp("closed"), base_config(fake, fake_tls[0], detectors=CRASH)
    )
    yield p
    p.stop()


@pytest.fixture(scope="module")
def crashing_open(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple
) -> Iterator[Proxy]:
    p = start_proxy(
        tmp_path_factory.mktemp("open"),
        base_config(fake, fake_tls[0], detectors=CRASH, fail_mode="open"),
    )
    yield p
    p.stop()


def _records(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        return [json.loads(r[0]) for r in conn.execute("select record from records order by seq")]


def test_a_crashing_detector_blocks(crashing_closed: Proxy, fake: FakeProvider) -> None:
    with pytest.raises(openai.PermissionDeniedError) as err:
        openai_client(crashing_closed).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hello there"}]
        )
    assert err.value.body["code"] == "llmwall_inspection_failed"
    assert "hello there" not in str(err.value)
    assert fake.received == []
    assert _records(crashing_closed.audit_db)[-1]["decision"] == "block"
    log = crashing_closed.log.read_text()
    assert "hello there" not in log and "detector exploded" not in log


def test_fail_open_passes_and_marks(crashing_open: Proxy, fake: FakeProvider) -> None:
    raw = openai_client(crashing_open).chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "hello there"}]
    )
    assert raw.headers["x-llmwall-scan"] == "skipped"
    assert raw.parse().choices[0].message.content == "Hello from the fake provider."
    assert len(fake.received) == 1
    request_record = [r for r in _records(crashing_open.audit_db) if r["kind"] == "request"][-1]
    assert request_record["decision"] == "unscanned" and request_record["fail_open"] is True


def test_invalid_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.e2e.conftest import subprocess_env

    cfg = tmp_path / "bad.yaml"
    cfg.write_text("fail_mode: shut\n")
    r = subprocess.run(
        [sys.executable, "-m", "llmwall", "run", "--config", str(cfg), "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert r.returncode == 2
    assert "fail_mode" in r.stderr and "closed, open" in r.stderr
    cfg.write_text("colour: blue\n")
    r = subprocess.run(
        [sys.executable, "-m", "llmwall", "run", "--config", str(cfg), "--home", str(tmp_path)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert r.returncode == 2 and "'colour'" in r.stderr and "allowed keys" in r.stderr
