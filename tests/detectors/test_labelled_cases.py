"""The labelled case format (detectors/labelled_cases.py) and the secret case files.

The dev split is the one rules are tuned on: its recall and precision are a regression
guard here. The heldout split is only loaded (well-formed, spans in bounds), never scored
in a test, so that no one tunes against it (scripts/eval_secrets.py reports it)."""

import base64
from pathlib import Path

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.labelled_cases import Gold, expand_case, load_cases, score_cases

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("raw", "text", "gold"),
    [
        ("plain", "plain", ()),
        ("pw=⟦s:abc⟧!", "pw=abc!", (Gold("secret", 3, 6),)),
        (
            "⟦p:<token>⟧ and ⟦i:x⟧",
            "<token> and x",
            (Gold("placeholder", 0, 7), Gold("ignore", 12, 13)),
        ),
        ("a ⟦s:⟪b64:u:p⟫⟧", "a " + base64.b64encode(b"u:p").decode(), (Gold("secret", 2, 6),)),
        (
            "⟦s:⟪b64u:12⟫⟧",
            base64.urlsafe_b64encode(b"12").decode().rstrip("="),
            (Gold("secret", 0, 3),),
        ),
    ],
)
def test_markers_expand_to_text_and_spans(raw, text, gold):
    assert expand_case("t", raw) == (text, gold)


def test_random_bodies_are_seeded_by_case_id():
    a, _ = expand_case("case-1", "⟪A32⟫ ⟪H8⟫ ⟪uuid⟫")
    b, _ = expand_case("case-1", "⟪A32⟫ ⟪H8⟫ ⟪uuid⟫")
    c, _ = expand_case("case-2", "⟪A32⟫ ⟪H8⟫ ⟪uuid⟫")
    assert a == b != c
    body, hex8, uid = a.split()
    assert len(body) == 32 and len(hex8) == 8 and set(hex8) <= set("0123456789abcdef")
    assert len(uid) == 36 and uid[14] == "4"


@pytest.mark.parametrize(
    "raw", ["⟦s:unclosed", "⟦x:bad label⟧", "⟪b64:⟦s:inside⟧⟫"], ids=["open", "label", "nested"]
)
def test_malformed_markers_raise(raw):
    with pytest.raises((ValueError, KeyError)):
        expand_case("t", raw)


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_case_files_are_well_formed(split):
    cases = load_cases(DATA / f"secret_cases_{split}.yaml", split)
    assert len(cases) >= 50
    for case in cases:
        assert case.split == split
        assert all(0 <= g.start < g.end <= len(case.text) for g in case.gold)
        assert "⟦" not in case.text and "⟪" not in case.text


def test_dev_cases_regression():
    det = Detector(DetectorConfig(cache_size=0, disabled=frozenset({"PROMPT_INJECTION"})))
    result = score_cases(det, load_cases(DATA / "secret_cases_dev.yaml", "dev"))
    assert result["secret"]["recall"] >= 0.95 and result["secret"]["precision"] >= 0.95
    assert result["placeholder"]["recall"] >= 0.9
