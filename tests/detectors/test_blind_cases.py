"""The dev half of the blind PII and secret cases (tests/detectors/data/blind, written
without reading the detectors) keeps its recall and stays free of false positives. The
held-out half is for reporting only (scripts/blind_eval.py --split heldout)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmwall.detectors.engine import Detector
from llmwall.detectors.entities import Category

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import blind_eval


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


@pytest.mark.parametrize(
    ("name", "category", "recall"),
    [("pii.jsonl", Category.PII, 0.97), ("secrets.jsonl", Category.SECRET, 0.97)],
)
def test_dev_recall_and_no_false_positive(
    det: Detector, name: str, category: Category, recall: float
) -> None:
    result = blind_eval._score(det, blind_eval._rows(name, "dev"), category, explain=False)
    assert result["recall"] >= recall, result
    assert result["false_positives"] == 0, result
