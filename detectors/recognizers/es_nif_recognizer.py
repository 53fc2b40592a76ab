from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import es_dni_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class EsNifRecognizer(IdentifierRecognizer):
    """Spanish DNI/NIF: eight digits and the check letter of their value mod 23."""

    ENTITY = "ES_NIF"
    PATTERNS = (Pattern("pii.es_nif", r"(?<![\w\-.+/@#])\d{8}[ \-]?[A-Za-z](?![\w\-])", 0.85),)
    CONTEXT = ("dni", "nif", "d.n.i", "n.i.f", "documento nacional", "identidad", "spanish id")
    STANDALONE = 0.85

    def check(self, value: str) -> bool:
        return es_dni_ok(value)
