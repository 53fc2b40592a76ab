from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class InPanRecognizer(IdentifierRecognizer):
    """Indian Permanent Account Number: five letters (the fourth the holder type: P for a
    person, C company, H HUF, F firm, ...), four digits and a letter. Its check letter's
    algorithm is not public, so it is looked for next to a word that names it."""

    ENTITY = "IN_PAN"
    PATTERNS = (
        Pattern(
            "pii.in_pan",
            r"(?<![\w\-])[A-Za-z]{3}[ABCFGHLJPTabcfghljpt][A-Za-z]\d{4}[A-Za-z](?![\w\-])",
            0.4,
        ),
    )
    CONTEXT = ("pan", "permanent account", "income tax", "आयकर", "itr")
    WORD_ANCHORS = True
    ANCHORS = ("pan", "permanent account", "income tax", "आयकर", "itr")
    NUMERIC = False
    REACH = (40, 48)
    STANDALONE = 0.0

    def check(self, value: str) -> bool:
        return value[:5].isalpha() and value[5:9].isdigit()
