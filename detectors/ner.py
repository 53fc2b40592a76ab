"""Optional NER (PERSON, LOCATION) through Presidio's AnalyzerEngine, in a process pool.

The AnalyzerEngine is built with an explicit SpacyNlpEngine and a registry holding only
the SpacyRecognizer: Presidio's pattern recognizers are replaced by llmwall's fast path.
The model must be an installed package; nothing is ever downloaded.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

NER_ENTITIES = ("PERSON", "LOCATION")
_ENGINE = None


def check_installed(model: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(model))


def build_analyzer(model: str):  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    if not check_installed(model):  # SpacyNlpEngine.load would try to download it
        raise RuntimeError(f"spaCy model {model!r} is not installed")
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
    nlp_engine.load()
    registry = RecognizerRegistry(
        recognizers=[SpacyRecognizer(supported_entities=list(NER_ENTITIES))],
        supported_languages=["en"],
    )
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def _init(model: str) -> None:
    global _ENGINE
    _ENGINE = build_analyzer(model)


def _analyze(text: str) -> list[tuple[str, int, int, float]]:
    assert _ENGINE is not None
    results = _ENGINE.analyze(text, language="en", entities=list(NER_ENTITIES))
    return [(r.entity_type, r.start, r.end, r.score) for r in results]


class NerPool:
    """A forkserver process pool whose workers each hold one AnalyzerEngine."""

    def __init__(self, model: str, workers: int) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_init,
            initargs=(model,),
        )
        # fail at start-up, not on the first request
        self._pool.submit(_analyze, "warm up").result()

    def submit(self, text: str) -> Future[list[tuple[str, int, int, float]]]:
        return self._pool.submit(_analyze, text)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
