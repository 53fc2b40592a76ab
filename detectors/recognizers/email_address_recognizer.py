from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

# The bundled public-suffix snapshot only: never fetch the list over the network.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class EmailAddressRecognizer(FastPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        Pattern(
            "pii.email",
            r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b",
            0.5,
        ),
    )
    CONTEXT = ("email", "e-mail", "mail", "contact")
    ANCHORS = ("@",)

    def __init__(self) -> None:
        super().__init__()
        _TLD("example.com")  # load the bundled suffix list now, once, not in a request thread

    def validate_result(self, pattern_text: str) -> bool | None:
        domain = pattern_text.rpartition("@")[2]
        return bool(_TLD(domain).suffix)
