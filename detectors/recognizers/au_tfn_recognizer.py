from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import au_tfn_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class AuTfnRecognizer(IdentifierRecognizer):
    """Australian Tax File Number: eight or nine digits, weighted sum mod 11 is 0."""

    ENTITY = "AU_TFN"
    PATTERNS = (
        Pattern(
            "pii.au_tfn", r"(?<![\w\-.+/@#])\d{3}([ \-]?)\d{3}\1\d{2,3}(?![\w\-]|[.,/]\d)", 0.3
        ),
        # a whole cell of a delimited row ("...,736 350 826,19/10/1967"), where the next
        # cell's digit stops the rule above (its guard against "123,45")
        Pattern(
            "pii.au_tfn_cell", r"(?<=[,;\t|])\d{3}([ \-]?)\d{3}\1\d{2,3}(?=[,;\t|][ \t]*\d)", 0.3
        ),
    )
    CONTEXT = ("tfn", "tax file", "ato ", "australian taxation")
    COLUMNS = frozenset(("tfn", "tax_file_number", "tax_file_no", "tax_file_no_", "tfn_number"))

    def check(self, value: str) -> bool:
        return au_tfn_ok(value)
