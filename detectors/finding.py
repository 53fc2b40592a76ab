"""What a detector reports: a typed span with a score, never the matched text itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    entity: str  # entity type, one of detectors.entities (e.g. "EMAIL_ADDRESS")
    start: int  # span in the scanned text, [start, end)
    end: int
    score: float  # confidence in [0, 1]; for PROMPT_INJECTION the combined risk score
    detector: str  # recognizer name, e.g. "EmailAddressRecognizer"
    rule: str  # stable rule id, e.g. "pii.email", "secret.openai_key", "pi.ignore_previous"

    def shifted(self, offset: int) -> Finding:
        return Finding(
            self.entity,
            self.start + offset,
            self.end + offset,
            self.score,
            self.detector,
            self.rule,
        )
