from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import br_cpf_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class BrCpfRecognizer(IdentifierRecognizer):
    """Brazilian CPF: nine digits and two mod-11 check digits (one number in a hundred
    passes), written 123.456.789-09 (a shape of its own) or run together."""

    ENTITY = "BR_CPF"
    PATTERNS = (
        Pattern(
            "pii.br_cpf",
            r"(?<![\w\-.+/@#])\d{3}(\.?)\d{3}\1\d{3}[\-.]?\d{2}(?![\w\-]|[.,/]\d)",
            0.5,
        ),
    )
    CONTEXT = ("cpf", "cadastro de pessoas", "contribuinte", "taxpayer", "receita federal")

    def check(self, value: str) -> bool:
        return br_cpf_ok(value)

    def standalone_score(self, value: str, rule: str) -> float:
        return 0.9 if "." in value else 0.5
