from __future__ import annotations

import ipaddress

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer


class IpAddressRecognizer(FastPatternRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = (
        Pattern(
            "pii.ipv4",
            r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
            r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)",
            0.6,
        ),
        Pattern(
            "pii.ipv6",
            r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})"
            r"(?![\w:])",
            0.6,
        ),
    )
    CONTEXT = ("ip", "address", "host", "server", "client")
    NUMERIC = True

    def validate_result(self, pattern_text: str) -> bool | None:
        try:
            addr = ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        if addr.version == 6:
            # "ad::be" or "12:30::" parse as IPv6 too; demand a realistic shape
            groups = [g for g in pattern_text.split(":") if g]
            if len(groups) < 3 or sum(c.isdigit() for c in pattern_text) < 2:
                return False
        return None
