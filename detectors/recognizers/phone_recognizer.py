from __future__ import annotations

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult

from detectors.recognizers.base import FastPatternRecognizer


class PhoneRecognizer(FastPatternRecognizer):
    """libphonenumber validation, run by the engine only on windows around digit runs."""

    ENTITY = "PHONE_NUMBER"
    # The pattern is the candidate shape; phonenumbers decides.
    PATTERNS = (Pattern("pii.phone", r"\+?\(?\d[\d\s().\-/]{5,20}\d", 0.4),)
    CONTEXT = ("phone", "tel", "mobile", "cell", "call", "fax", "number", "whatsapp")
    NUMERIC = True
    REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU")

    def find(self, text: str, lower: str | None = None) -> list[RecognizerResult]:
        pattern = self.PATTERNS[0]
        seen: dict[tuple[int, int], RecognizerResult] = {}
        for region in self.REGIONS:
            for match in phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID
            ):
                span = (match.start, match.end)
                if span in seen:
                    continue
                score = pattern.score
                if lower is None:
                    lower = text.lower()
                window = lower[max(0, match.start - self.CONTEXT_WINDOW) : match.start]
                if any(word in window for word in self.CONTEXT):
                    score = min(1.0, score + self.CONTEXT_BOOST)
                seen[span] = RecognizerResult(
                    self.ENTITY,
                    match.start,
                    match.end,
                    score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        "rule": pattern.name,
                    },
                )
        return list(seen.values())
