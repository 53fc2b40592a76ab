from __future__ import annotations

import re

from presidio_analyzer import Pattern

from detectors.recognizers.base import FastPatternRecognizer


class PrivateKeyRecognizer(FastPatternRecognizer):
    ENTITY = "PRIVATE_KEY"
    PATTERNS = (
        # the whole block when it is complete, else from the header to the end of the body
        Pattern(
            "secret.private_key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:\-,]*)",
            1.0,
        ),
    )
    REACH = (0, 8192)
    ANCHORS = ("-----begin",)
    FLAGS = re.DOTALL
