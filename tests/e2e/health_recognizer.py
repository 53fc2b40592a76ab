"""A custom recognizer for NHS numbers (health data), for the policy-routing tests."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

_NHS = re.compile(r"\b(\d{3}) ?(\d{3}) ?(\d{4})\b")


def _valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


class NHSNumberRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=["UK_NHS"], name="NHSNumberRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        out = []
        for m in _NHS.finditer(text):
            if _valid("".join(m.groups())):
                out.append(
                    RecognizerResult(
                        "UK_NHS",
                        m.start(),
                        m.end(),
                        0.9,
                        recognition_metadata={
                            "rule": "health.uk_nhs",
                            RecognizerResult.RECOGNIZER_NAME_KEY: "NHSNumberRecognizer",
                        },
                    )
                )
        return out
