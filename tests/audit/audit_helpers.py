"""Records and strategies shared by the audit tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from llmwall.audit.log import AuditLog
from llmwall.audit.record import AuditRecord, FindingSummary


def sample(i: int = 0, **kw: object) -> AuditRecord:
    base: dict[str, object] = dict(
        request_id=f"req-{i}",
        kind="request",
        decision=("allow", "redact", "block")[i % 3],
        client=f"10.0.0.{i % 250}:5{i % 1000:03d}",
        identity="alice" if i % 2 else None,
        provider=("openai", "anthropic")[i % 2],
        host=("api.openai.com", "api.anthropic.com")[i % 2],
        path=("/v1/chat/completions", "/v1/messages")[i % 2],
        model="gpt-4o-mini",
        rules=("pii.email",) if i % 3 else (),
        findings=(FindingSummary("EMAIL_ADDRESS", 1 + i % 3, 0.85),) if i % 3 else (),
        detector_version="d1",
        policy_digest="p" * 64,
        body_digest=None,
        status=200,
        usage={"input_tokens": 10 + i, "output_tokens": 3},
        latency_ms=1.5 + i,
    )
    base.update(kw)
    return AuditRecord(**base)  # type: ignore[arg-type]


def fill(db: Path, home: Path, n: int, every: int = 5) -> None:
    with AuditLog.open(db, home, checkpoint_every=every) as log:
        for i in range(n):
            log.append(sample(i))


_text = st.text(max_size=12)
_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | _text
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
)
records = st.builds(
    AuditRecord,
    request_id=_text,
    kind=st.sampled_from(["request", "response"]),
    decision=st.sampled_from(["allow", "redact", "block", "reroute", "unscanned", "error"]),
    client=_text,
    identity=st.none() | _text,
    provider=_text,
    host=_text,
    path=_text,
    model=st.none() | _text,
    rules=st.lists(_text, max_size=3).map(tuple),
    findings=st.lists(
        st.builds(FindingSummary, _text, st.integers(0, 99), st.floats(0, 1)), max_size=3
    ).map(tuple),
    status=st.none() | st.integers(100, 599),
    usage=st.none() | st.dictionaries(_text, st.integers(0, 10**6), max_size=3),
    latency_ms=st.none() | st.floats(0, 1e6),
    fail_open=st.booleans(),
    extra=st.dictionaries(_text, _scalar | st.lists(_scalar, max_size=3), max_size=3),
)
