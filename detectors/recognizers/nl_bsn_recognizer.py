from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import nl_bsn_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class NlBsnRecognizer(IdentifierRecognizer):
    """Dutch BSN (burgerservicenummer, formerly sofinummer): nine digits passing the
    11-proof; one nine-digit number in eleven does, so a word is needed."""

    ENTITY = "NL_BSN"
    PATTERNS = (
        Pattern("pii.nl_bsn", r"(?<![\w\-.+/@#])\d{4}([ .]?)\d{2}\1\d{3}(?![\w\-]|[.,/]\d)", 0.3),
        # "859 556 475": three groups of three, as BSNs are also written
        Pattern("pii.nl_bsn_3", r"(?<![\w\-.+/@#])\d{3}([ .])\d{3}\1\d{3}(?![\w\-]|[.,/]\d)", 0.3),
        # a whole cell of a delimited row, where the next cell's digit stops the rules above
        Pattern("pii.nl_bsn_cell", r"(?<=[,;\t|])\d{9}(?=[,;\t|][ \t]*\d)", 0.3),
    )
    CONTEXT = (
        "bsn", "burgerservicenummer", "burger service nummer", "sofinummer", "sofi",
        "citizen service number", "persoonsnummer",
    )  # fmt: skip
    # three groups of three are also how amounts and other ids are written: only looked
    # for in a text that names a BSN somewhere
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "pii.nl_bsn_3": ("bsn", "burger", "sofi")
    }
    COLUMNS = frozenset(("bsn", "burgerservicenummer", "sofinummer", "sofi_nummer"))

    def check(self, value: str) -> bool:
        return nl_bsn_ok(value)
