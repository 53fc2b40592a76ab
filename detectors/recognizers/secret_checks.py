"""Value checks shared by the secret recognizers (not a recognizer itself).

Every check looks at a candidate value only and never logs or returns it."""

from __future__ import annotations

import math
from itertools import pairwise

from llmwall.detectors.recognizers.base import looks_placeholder, shannon_entropy


def char_classes(value: str) -> int:
    """How many of lowercase, uppercase, digit and other characters `value` uses."""
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def looks_sequential(value: str, run: int = 5) -> bool:
    """True when `value` holds `run` or more consecutive ascending or descending
    characters ("123456", "abcdef", "654321"): typed by a person, not generated."""
    up = down = 1
    for a, b in pairwise(value):
        d = ord(b) - ord(a)
        up = up + 1 if d == 1 else 1
        down = down + 1 if d == -1 else 1
        if up >= run or down >= run:
            return True
    return False


def looks_random(body: str, min_distinct: int = 6) -> bool:
    """A token body that is not a placeholder, not a typed sequence and about as varied
    as a random string of its length (entropy grows with length up to ~3 bits/char)."""
    if len(set(body)) < min_distinct or looks_placeholder(body) or looks_sequential(body):
        return False
    return shannon_entropy(body) >= min(3.0, 0.7 * math.log2(max(2, len(body))))


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_valid(value: str) -> bool:
    """The BIP-173 checksum of a bech32 string (`hrp1data`), case-insensitive."""
    value = value.lower()
    hrp, sep, data = value.rpartition("1")
    if not sep or not hrp or len(data) < 6 or any(c not in _BECH32 for c in data):
        return False
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    values += [_BECH32.index(c) for c in data]
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk == 1
