from __future__ import annotations

import re

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


class PrivateKeyRecognizer(FastPatternRecognizer):
    ENTITY = "PRIVATE_KEY"
    PATTERNS = (
        # the whole block when it is complete, else from the header to the end of the body
        Pattern(
            "secret.private_key",
            r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----"
            r"(?P<body>[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: "
            r"BLOCK)?-----|[A-Za-z0-9+/=\s:\-,]*)",
            1.0,
        ),
    )
    REACH = (0, 8192)
    ANCHORS = ("-----begin",)
    FLAGS = re.DOTALL

    def validate_match(self, match, value):  # type: ignore[no-untyped-def]
        if any(w in match.group("kind") for w in ("FAKE", "EMPTY", "EXAMPLE", "DUMMY", "TEST")):
            return False
        body = match.group("body")
        # encrypted keys need their passphrase; "..." marks an elided documentation key
        if "ENCRYPTED" in body or "..." in body:
            return False
        # a header alone (documentation, a parser's constant) is not a key
        return not sum(c.isalnum() for c in body.split("-----END")[0]) < 40
