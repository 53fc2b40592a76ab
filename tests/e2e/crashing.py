"""A custom recognizer that always raises: stands in for any detector failure."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer


class CrashingRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=["GENERIC_SECRET"], name="CrashingRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("detector exploded")
