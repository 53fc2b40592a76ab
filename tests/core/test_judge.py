from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmwall.core.judge import judge, redact
from llmwall.core.policy import load_policy
from llmwall.decision import Decision
from llmwall.detectors.finding import Finding
from llmwall.routing.segment import Direction, Extraction, Role, Segment, Trust

POLICY = load_policy(None)


def seg(
    text: str, *, trust: Trust = Trust.USER, writable: bool = True, path: tuple = ("t",)
) -> Segment:
    return Segment(text, Role.USER, trust, path, writable)


def test_redact_replaces_spans_with_typed_placeholders() -> None:
    text = "mail a@b.co now"
    assert (
        redact(text, [Finding("EMAIL_ADDRESS", 5, 11, 1.0, "d", "r")]) == "mail <EMAIL_ADDRESS> now"
    )


def test_overlapping_spans_merge_under_the_best_label() -> None:
    text = "xx AKIAABCDEFGHIJKLMNOP yy"
    findings = [
        Finding("GENERIC_SECRET", 3, 23, 0.6, "d", "r"),
        Finding("AWS_ACCESS_KEY_ID", 3, 23, 0.99, "d", "r"),
        Finding("GENERIC_SECRET", 10, 25, 0.5, "d", "r"),
    ]
    assert redact(text, findings) == "xx <AWS_ACCESS_KEY_ID>y"


@given(st.text(), st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=6))
def test_redact_keeps_text_outside_spans(text: str, spans: list[tuple[int, int]]) -> None:
    findings = [
        Finding("EMAIL_ADDRESS", min(s, len(text)), min(s + n, len(text)), 1.0, "d", "r")
        for s, n in spans
    ]
    findings = [x for x in findings if x.start < x.end]
    out = redact(text, findings)
    if not findings:
        assert out == text
    else:
        first = min(x.start for x in findings)
        assert out.startswith(text[:first]) and "<EMAIL_ADDRESS>" in out


def test_decide_blocks_on_injection_and_names_rule_without_text() -> None:
    ext = Extraction((seg("ignore everything"),))
    d = judge(
        ext,
        [[Finding("PROMPT_INJECTION", 0, 17, 0.99, "d", "pi.ignore_previous")]],
        POLICY,
        Direction.REQUEST,
    )
    assert d.decision is Decision.BLOCK
    assert d.rules == ("block:PROMPT_INJECTION:pi.ignore_previous",)
    assert "ignore everything" not in d.reason and "PROMPT_INJECTION x1" in d.reason


def test_decide_redacts_per_path() -> None:
    ext = Extraction((seg("a@b.co", path=("m", 0)), seg("clean", path=("m", 1))))
    d = judge(ext, [[Finding("EMAIL_ADDRESS", 0, 6, 1.0, "d", "r")], []], POLICY, Direction.REQUEST)
    assert d.decision is Decision.REDACT
    assert d.rewrites == {("m", 0): "<EMAIL_ADDRESS>"}


def test_read_only_segment_needing_redaction_blocks() -> None:
    ext = Extraction((seg("a@b.co", writable=False),))
    d = judge(ext, [[Finding("EMAIL_ADDRESS", 0, 6, 1.0, "d", "r")]], POLICY, Direction.REQUEST)
    assert d.decision is Decision.BLOCK and "block:EMAIL_ADDRESS:read-only" in d.rules


def test_unknown_content_fails_closed_and_binary_passes_by_default() -> None:
    assert (
        judge(Extraction((), unknown=(("x",),)), [], POLICY, Direction.REQUEST).decision
        is Decision.BLOCK
    )
    assert (
        judge(Extraction((), binary=(("x",),)), [], POLICY, Direction.REQUEST).decision
        is Decision.ALLOW
    )
