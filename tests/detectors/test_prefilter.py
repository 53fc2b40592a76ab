"""The Aho-Corasick anchor pass finds every anchor occurrence str.find would."""

from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.detectors.prefilter import MAX_OCCURRENCES, SHORT_ANCHOR, Prefilter
from llmwall.detectors.recognizers import PII_AND_SECRETS

PREFILTER = Prefilter([cls() for cls in PII_AND_SECRETS])


def _reference(lower: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for a in PREFILTER.anchors:
        pos = lower.find(a)
        while pos >= 0 and len(found.setdefault(a, [])) <= MAX_OCCURRENCES:
            found[a].append(pos)
            pos = lower.find(a, pos + 1)
    return found


def _windows(lower: str) -> list[tuple[str, list[tuple[int, int]] | None]]:
    return [(type(r).__name__, spans) for r, spans in PREFILTER.anchored_for(lower)]


def _expected(lower: str) -> list[tuple[str, list[tuple[int, int]] | None]]:
    found = _reference(lower)
    out: list[tuple[str, list[tuple[int, int]] | None]] = []
    for r in PREFILTER.anchored:
        positions = sorted(
            p
            for a in r.ANCHORS
            for p in found.get(a, ())
            if not (
                (r.WORD_ANCHORS is True or (r.WORD_ANCHORS and a in r.WORD_ANCHORS))
                and len(a) <= SHORT_ANCHOR
                and a[:1].isalnum()
            )
            or p == 0
            or not lower[p - 1].isalnum()
        )
        if not positions:
            continue
        if len(positions) > MAX_OCCURRENCES:
            out.append((type(r).__name__, None))
            continue
        back, fwd = r.REACH
        merged: list[tuple[int, int]] = []
        for s, e in sorted((max(0, p - back), min(len(lower), p + fwd)) for p in positions):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        out.append((type(r).__name__, merged))
    out += [(type(r).__name__, None) for r in PREFILTER.always]
    return out


def test_overlapping_and_repeated_anchors() -> None:
    # anchors inside anchors, back to back, and more than MAX_OCCURRENCES of one
    text = " ".join(PREFILTER.anchors) + "".join(PREFILTER.anchors) + " sk-" * 70
    assert _windows(text) == _expected(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(PREFILTER.anchors), st.text(max_size=12)),
        max_size=40,
    )
)
def test_same_windows_as_str_find(parts: list[str]) -> None:
    lower = "".join(parts).lower()
    assert _windows(lower) == _expected(lower)
