from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class UsItinRecognizer(IdentifierRecognizer):
    """US Individual Taxpayer Identification Number: 9XX-GG-NNNN with group GG in 50-65,
    70-88, 90-92 or 94-99 (SSNs never start with 9). No check digit."""

    ENTITY = "US_ITIN"
    PATTERNS = (
        Pattern(
            "pii.us_itin",
            r"(?<![\w\-.+/@#])9\d{2}([ \-]?)(?:5\d|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])\1\d{4}"
            r"(?![\w\-]|[.,/]\d)",
            0.3,
        ),
    )
    CONTEXT = ("itin", "taxpayer", "tax id", "tin", "irs", "w-7")

    def standalone_score(self, value: str, rule: str) -> float:
        return 0.55 if "-" in value else 0.3
