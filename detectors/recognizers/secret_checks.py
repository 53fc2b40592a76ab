"""Value checks shared by the secret recognizers (not a recognizer itself).

Every check looks at a candidate value only and never logs or returns it."""

from __future__ import annotations

import base64
import binascii
import math
import re
from itertools import pairwise

from llmwall.detectors.recognizers.base import LONG_VALUE, looks_placeholder, shannon_entropy


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
    characters ("123456", "abcdef", "654321"): typed by a person, not generated. In a
    long value (LONG_VALUE characters or more) a run marks an example only at its start
    or end ("rubygems_1234567…", "…nkNTvg654321") or when runs cover a third of it: a
    generated 48-character key holds one in the middle by chance ("…cepqfbijklmTnq…")."""
    covered = 0
    edge = False
    up = down = 1
    last = len(value) - 1
    for i, (a, b) in enumerate(pairwise(value), 1):
        d = ord(b) - ord(a)
        up = up + 1 if d == 1 else 1
        down = down + 1 if d == -1 else 1
        length = max(up, down)
        if length >= run:
            if len(value) < LONG_VALUE:
                return True
            covered += run if length == run else 1
            edge = edge or i - length + 1 <= 1 or i >= last - 1
    return edge or covered * 3 >= len(value)


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


# Values that documentation uses as stand-ins for a secret. A value that only refers to
# one (`${DB_PASSWORD}`, `$TOKEN`, `os.environ[...]`, `{{ .Values.x }}`) or is empty
# (`null`, `""`) is neither a secret nor a placeholder.
_DOC_PLACEHOLDER = re.compile(
    r"<[^<>\n]{1,60}>|your[_\- ]?|x{4,}|\*{3,}|•{3,}|#{4,}|\.{3}|…|"
    r"example|changeme|change[_\-]me|placeholder|dummy|redacted|replace[_\-]?(?:me|this|with)|"
    r"insert[_\-]|[_\-]here\b|fake[_\-]|notreal|not[_\-]a[_\-]real|"
    r"^(?:password|passw0rd|passwd|secret|token|admin|root|pass|test|qwerty|123456\d*|abc123|"
    r"letmein|default|mypassword|apikey|api[_\-]key|foo|bar|baz|s3cr3t|p@ssw0rd|p@ssword)$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"^(?:\$|%|\{\{|#\{|<%|@\{|(?:os|process|self|this|env|config|settings)\.|getenv|env\[)"
    r"|^(?:null|none|nil|true|false|undefined|empty|string|required|optional)$",
    re.IGNORECASE,
)
_FILLER_CHARS = frozenset("xX*0•#-_.")
_ENTITY_TAG = re.compile(r"<([A-Z][A-Z0-9_]+)>")

# keys published in vendors' documentation (AWS's example key pair, ...): matched whole
DOCUMENTATION_KEYS = frozenset(
    {
        "AKIAIOSFODNN7EXAMPLE",
        "AKIAI44QH8DHBEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    }
)


def doc_placeholder(value: str) -> bool:
    """True for a documentation stand-in for a secret (`<token>`, `YOUR_API_KEY`, `sk-...`,
    `xxxx`, `********`, `changeme`, AWS's example keys), False for a reference to one or an
    empty value, and for a redaction tag that names an entity type (`<GENERIC_SECRET>`,
    so that redacting twice changes nothing)."""
    from llmwall.detectors.entities import ENTITIES

    value = value.strip("\"'` ")
    if not value or _REFERENCE.search(value):
        return False
    tag = _ENTITY_TAG.fullmatch(value)
    if tag is not None and tag.group(1) in ENTITIES:
        return False
    if value in DOCUMENTATION_KEYS:
        return True
    if len(value) >= 4 and set(value) <= _FILLER_CHARS:
        return True  # "xxxx", "0000", "****", "x-x-x"
    return _DOC_PLACEHOLDER.search(value) is not None


def basic_credentials(encoded: str) -> tuple[str, str] | None:
    """(user, password) when `encoded` is the base64 of `user:password` in printable text
    (an HTTP Basic credential, a Docker `auth` value), else None."""
    try:
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, sep, password = text.partition(":")
    if not sep or not password or not text.isprintable() or len(user) > 256:
        return None
    return user, password


_PUBLIC_PREFIXES = ("pk_live_", "pk_test_")


def published_key(value: str) -> bool:
    """Keys that are public by design (Stripe publishable keys go into web pages)."""
    return value.strip("\"'").startswith(_PUBLIC_PREFIXES)
