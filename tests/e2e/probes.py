"""What every probe asserts: the planted values never reach the fake upstream, and the
client always gets an answer in the provider's own error shape."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from tests.e2e.fake_provider import FakeProvider
from tests.e2e.raw_client import Answer

AWS_KEY = "AKIAQ7RZP4XK2M5TNWLB"
EMAIL = "maria.lopez@example.com"
PLANTED = (AWS_KEY, EMAIL)


def assert_nothing_planted_reached(fake: FakeProvider, *forms: str) -> None:
    for got in fake.received:
        text = got.body.decode("utf-8", "replace") + got.path + json.dumps(got.headers)
        for value in (*PLANTED, *forms):
            assert value not in text, f"{value!r} reached the upstream at {got.path}"


def assert_provider_shaped(
    answer: Answer, dialect: str = "openai", status: int | None = None
) -> Any:
    if status is not None:
        assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers.get("content-type", "").startswith("application/json"), answer.headers
    assert answer.headers.get("x-should-retry") == "false", answer.headers
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers.get("x-llmwall-request-id", "")), (
        answer.headers
    )
    body = answer.json()
    if dialect == "anthropic":
        assert body["type"] == "error" and body["error"]["message"], body
    elif dialect == "gemini":
        assert body["error"]["status"] and body["error"]["message"], body
    else:
        assert body["error"]["message"] and body["error"]["code"], body
    return body


def records(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        return [json.loads(r[0]) for r in conn.execute("select record from records order by seq")]


def record_for(db: Path, request_id: str) -> list[dict[str, Any]]:
    return [r for r in records(db) if r["request_id"] == request_id]


def peak_rss_reset(pid: int) -> None:
    """Reset the process's peak RSS (VmHWM) so the next reading covers one probe."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")
