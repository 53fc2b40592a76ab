from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class UkNinoRecognizer(IdentifierRecognizer):
    """UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; second not
    O; not BG, GB, KN, NK, NT, TN, ZZ), six digits, a suffix A-D. No check digit: the
    shape alone scores just below the policy's redaction threshold."""

    ENTITY = "UK_NINO"
    PATTERNS = (
        Pattern(
            "pii.uk_nino",
            r"(?<![\w\-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r"(?P<s> ?)\d{2}(?P=s)\d{2}(?P=s)\d{2}(?P=s)[A-D](?![\w\-])",
            0.45,
        ),
    )
    CONTEXT = (
        "national insurance", "insurance no", "insurance number", "ni number", "ni no",
        "ni:", "ni ", "nino", "nin", "hmrc", "payroll", "p60", "p45",
    )  # fmt: skip
    STANDALONE = 0.45
