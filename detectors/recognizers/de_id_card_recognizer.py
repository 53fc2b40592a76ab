from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import icao_check_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class DeIdCardRecognizer(IdentifierRecognizer):
    """German identity card (Personalausweis, since 2010) and passport document number:
    nine characters of C F G H J K L M N P R T V W X Y Z and digits, then an ICAO 9303
    check digit. It is looked for only next to a word that names the document."""

    ENTITY = "DE_ID_CARD"
    PATTERNS = (
        Pattern(
            "pii.de_id_card",
            r"(?<![\w\-])[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d(?![\w\-])",
            0.3,
        ),
    )
    CONTEXT = (
        "personalausweis", "ausweis", "id card", "identity card", "id-karte", "dokumentennummer",
        "document number", "seriennummer", "perso",
    )  # fmt: skip
    ANCHORS = ("ausweis", "id card", "identity card", "id-karte", "dokumentennummer",
               "document number", "seriennummer", "perso")  # fmt: skip
    NUMERIC = False
    REACH = (24, 80)

    def check(self, value: str) -> bool:
        return sum(c.isdigit() for c in value) >= 2 and icao_check_ok(value)
