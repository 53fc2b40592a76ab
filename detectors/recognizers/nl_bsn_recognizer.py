from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import nl_bsn_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class NlBsnRecognizer(IdentifierRecognizer):
    """Dutch BSN (burgerservicenummer, formerly sofinummer): nine digits passing the
    11-proof; one nine-digit number in eleven does, so a word is needed."""

    ENTITY = "NL_BSN"
    PATTERNS = (
        Pattern("pii.nl_bsn", r"(?<![\w\-.+/@#])\d{4}([ .]?)\d{2}\1\d{3}(?![\w\-]|[.,/]\d)", 0.3),
    )
    CONTEXT = (
        "bsn", "burgerservicenummer", "burger service nummer", "sofinummer", "sofi",
        "citizen service number", "persoonsnummer",
    )  # fmt: skip

    def check(self, value: str) -> bool:
        return nl_bsn_ok(value)
