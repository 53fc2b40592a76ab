from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import fr_nir_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class FrNirRecognizer(IdentifierRecognizer):
    """French NIR (numéro de sécurité sociale, INSEE number): sex, year, month, department
    (2A/2B for Corsica), commune, order number and a two-digit key (97 - number mod 97),
    written whole or grouped 1 84 12 76 451 089 46."""

    ENTITY = "FR_NIR"
    PATTERNS = (
        Pattern(
            "pii.fr_nir",
            r"(?<![\w\-.+/@#])[1278](?P<s> ?)\d{2}(?P=s)\d{2}(?P=s)"
            r"(?:\d{2}|2[ABab])(?P=s)\d{3}(?P=s)\d{3}"
            r"(?P=s)\d{2}(?![\w\-]|[.,/]\d)",
            0.9,
        ),
    )
    CONTEXT = (
        "sécurité sociale", "securite sociale", "sécu", "secu", "insee", "nir", "vitale",
        "social security", "assuré", "numéro d'inscription",
    )  # fmt: skip
    STANDALONE = 0.9

    def check(self, value: str) -> bool:
        return fr_nir_ok(value)
