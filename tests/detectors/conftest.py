import pytest

from llmwall.detectors.engine import Detector


@pytest.fixture(scope="session")
def detector():
    d = Detector()
    yield d
    d.close()
