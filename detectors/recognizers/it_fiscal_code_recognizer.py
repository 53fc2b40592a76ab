from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import it_fiscal_code_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer

# the positions that hold digits, or their omocodia letters L M N P Q R S T U V
_D = "[0-9LMNPQRSTUV]"


class ItFiscalCodeRecognizer(IdentifierRecognizer):
    """Italian codice fiscale: three consonant-first letters of the surname and of the
    name, birth year, month letter, day (+40 for women), birthplace code and a check
    letter. Its shape has no six-digit run, so it is searched in the whole text; the
    pattern starts with a letter class (a lookbehind first would cost `re` its
    first-character skip)."""

    ENTITY = "IT_FISCAL_CODE"
    PATTERNS = (
        Pattern(
            "pii.it_fiscal_code",
            r"[A-Z](?<![\w\-][A-Z])[A-Z]{5}" + _D * 2 + r"[ABCDEHLMPRST]" + _D * 2
            + r"[A-Z]" + _D * 3 + r"[A-Z](?![\w\-])",
            1.0,
        ),
    )  # fmt: skip
    CONTEXT = ("codice fiscale", "cod. fisc", "c.f.", "cf", "tax code", "fiscal code")
    STANDALONE = 1.0
    NUMERIC = False

    def check(self, value: str) -> bool:
        return it_fiscal_code_ok(value)
