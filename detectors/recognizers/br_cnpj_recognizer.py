from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import br_cnpj_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class BrCnpjRecognizer(IdentifierRecognizer):
    """Brazilian CNPJ (company registry): twelve digits and two mod-11 check digits,
    written 12.345.678/0001-95 or run together."""

    ENTITY = "BR_CNPJ"
    PATTERNS = (
        Pattern(
            "pii.br_cnpj",
            r"(?<![\w\-.+/@#])\d{2}(\.?)\d{3}\1\d{3}(?:/|\1)\d{4}[\-.]?\d{2}(?![\w\-]|[.,/]\d)",
            0.6,
        ),
    )
    CONTEXT = ("cnpj", "cadastro nacional", "pessoa jurídica", "empresa", "company registry")

    def check(self, value: str) -> bool:
        return br_cnpj_ok(value)

    def standalone_score(self, value: str, rule: str) -> float:
        return 0.95 if "/" in value else 0.6
