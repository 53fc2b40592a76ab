"""Runs the WebSocket coverage cases (tests/matrix/ws_cases.py) through the core's
FrameSession with the real detectors and the default policy."""

from __future__ import annotations

import asyncio
import json
import random

import pytest

from llmwall.core.exchange import Exchange
from llmwall.core.frames import FrameSession
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.decision import Decision
from llmwall.routing.realtime import get
from tests.matrix.harness import PLACEHOLDER, detector, planted_secret
from tests.matrix.ws_cases import CASES, FrameCase, sdk_parser

INSPECTOR: Inspector | None = None


def inspector() -> Inspector:
    global INSPECTOR
    if INSPECTOR is None:
        INSPECTOR = Inspector(load_policy(None), Scanner(detector()), digest=lambda b: "d")
    return INSPECTOR


def run(case: FrameCase, secret: str, seed: int) -> list[bytes]:
    """The frames that leave llmwall for this case's frames."""
    protocol = get(case.protocol)
    assert protocol is not None
    exchange = Exchange("rid", "p", None, "h", "/ws")
    session = FrameSession(inspector(), exchange, protocol, holdback=64)
    out: list[bytes] = []
    for frame in case.build(secret, random.Random(seed)):
        raw = json.dumps(frame).encode()
        if case.direction == "request":
            verdict = asyncio.run(session.client(raw, True))
        else:
            verdict = session.server(raw, True)
        assert verdict.decision is not Decision.BLOCK, verdict.record
        out += [raw] if verdict.send is None else list(verdict.send)
    return out


def test_ws_matrix_size(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        protocols = sorted({c.protocol for c in CASES})
        print(f"\nWebSocket matrix: {len(CASES)} cases over {', '.join(protocols)}")
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_planted_secret_is_redacted_in_frames(case: FrameCase) -> None:
    parse = sdk_parser(case.protocol, case.direction)
    for seed in range(3) if case.direction == "response" else range(1):
        secret = planted_secret()
        out = run(case, secret, seed)
        wire = b"\n".join(out).decode()
        assert secret not in wire, f"secret leaked with split seed {seed}"
        assert PLACEHOLDER in wire
        for frame in out:
            parse(json.loads(frame))  # the provider's SDK still reads every frame
