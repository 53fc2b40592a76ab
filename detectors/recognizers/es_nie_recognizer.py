from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import es_nie_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class EsNieRecognizer(IdentifierRecognizer):
    """Spanish NIE (foreigner identity number): X, Y or Z, seven digits, the DNI letter."""

    ENTITY = "ES_NIE"
    PATTERNS = (
        Pattern("pii.es_nie", r"(?<![\w\-])[XYZxyz][ \-]?\d{7}[ \-]?[A-Za-z](?![\w\-])", 0.9),
    )
    CONTEXT = ("nie", "n.i.e", "extranjero", "foreigner", "residencia", "tie")
    STANDALONE = 0.9

    def check(self, value: str) -> bool:
        return es_nie_ok(value)
