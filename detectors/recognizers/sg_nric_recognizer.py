from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import sg_nric_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class SgNricRecognizer(IdentifierRecognizer):
    """Singapore NRIC / FIN: S, T, F, G or M, seven digits and a check letter."""

    ENTITY = "SG_NRIC_FIN"
    PATTERNS = (Pattern("pii.sg_nric_fin", r"(?<![\w\-])[STFGMstfgm]\d{7}[A-Za-z](?![\w\-])", 0.9),)
    CONTEXT = ("nric", "fin", "ic no", "identity card", "singpass")
    STANDALONE = 0.9

    def check(self, value: str) -> bool:
        return sg_nric_ok(value)
