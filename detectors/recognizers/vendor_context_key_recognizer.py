"""Vendor credentials that have no prefix of their own, found near the vendor's name.

Twilio account SIDs (`AC` + 32 hex), API key SIDs (`SK` + 32 hex) and 32-hex auth tokens;
Azure OpenAI / AI services keys (32 hex, or the newer 84 characters); Heroku API keys
(UUIDs); Discord bot tokens (base64 of the bot's numeric id, a dot, 6 characters, a dot,
27 to 40 characters: the first part is decoded and must be a 17-20 digit id).

Each rule wakes only on its own vendor words (the anchors), searches the window around
them, and for a bare hex string or UUID also needs a credential word (key, token,
secret, password, auth) just before the value, so that request ids, trace ids and
object ids next to a vendor's name stay unflagged.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, context_window
from llmwall.detectors.recognizers.secret_checks import doc_placeholder, looks_random

_NOT_AFTER = r"(?<![A-Za-z0-9])"
_NOT_BEFORE = r"(?![A-Za-z0-9])"
_HEX32 = r"(?<![A-Za-z0-9\-])[0-9a-f]{32}(?![A-Za-z0-9\-])"
_UUID = (
    r"(?<![A-Za-z0-9\-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}(?![A-Za-z0-9\-])"
)
_CREDENTIAL_WORD = re.compile(
    r"(?:key|token|secret|password|passwd|pwd|auth|credential|api)[\w\-]*[\"']?\s*"
    r"(?:[:=]|=>|,|\s(?:is|was|=)\s|\s)?\s*[\"'`(]?\s*$"
)
# anchors of each rule, so that each runs only near its own vendor words
_TWILIO = ("twilio",)
_AZURE = ("azure",)  # also in openai.azure.com and cognitiveservices.azure.com
_HEROKU = ("heroku",)
_DISCORD = ("discord", "client.run(", "bot.run(", ".login(", "bot token", "bot_token")


class VendorContextKeyRecognizer(FastPatternRecognizer):
    ENTITY = "API_TOKEN"
    PATTERNS = (
        Pattern(
            "secret.twilio_account_sid", r"(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])", 0.85
        ),
        Pattern("secret.twilio_api_key", r"(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])", 0.85),
        Pattern("secret.twilio_auth_token", _HEX32, 0.8),
        Pattern("secret.azure_openai_key", _HEX32, 0.8),
        Pattern("secret.azure_ai_key", r"(?<![A-Za-z0-9])[A-Za-z0-9]{84}(?![A-Za-z0-9+/=])", 0.8),
        Pattern("secret.heroku_api_key", _UUID, 0.8),
        Pattern(
            "secret.discord_bot_token",
            r"(?<![\w\-.])(?P<id>[MNO][A-Za-z0-9_\-]{22,27})\.[A-Za-z0-9_\-]{6}\."
            r"[A-Za-z0-9_\-]{27,40}(?![\w\-])",
            0.9,
        ),
    )
    ANCHORS = tuple(sorted({*_TWILIO, *_AZURE, *_HEROKU, *_DISCORD}))
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "secret.twilio_account_sid": _TWILIO,
        "secret.twilio_api_key": _TWILIO,
        "secret.twilio_auth_token": _TWILIO,
        "secret.azure_openai_key": _AZURE,
        "secret.azure_ai_key": _AZURE,
        "secret.heroku_api_key": _HEROKU,
        "secret.discord_bot_token": _DISCORD,
    }
    REACH = (240, 480)
    # rules whose value alone says nothing: a credential word must come just before it
    _NEEDS_WORD = frozenset(
        {
            "secret.twilio_auth_token",
            "secret.azure_openai_key",
            "secret.azure_ai_key",
            "secret.heroku_api_key",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self._rule = {rx: p.name for p, rx in self._compiled}

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        rule = self._rule[match.re]
        if doc_placeholder(value):
            return False
        if rule == "secret.discord_bot_token":
            return _snowflake(match.group("id"))
        if rule in self._NEEDS_WORD:
            before = context_window(match.string.lower(), match.start(), 48)
            if _CREDENTIAL_WORD.search(before) is None and not _after_sid(before):
                return False
        body = (
            value[2:] if rule.startswith("secret.twilio_a") and value[:2] in ("AC", "SK") else value
        )
        return None if looks_random(body.replace("-", "")) else False


def _after_sid(before: str) -> bool:
    """`Client("AC...", "<token>")`: the value right after an account SID."""
    return re.search(r"ac[0-9a-f]{32}[\"']?\s*[,:]\s*[\"']?$", before) is not None


def _snowflake(part: str) -> bool:
    """The first part of a Discord bot token: base64 of the bot's 17-20 digit user id."""
    try:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    return decoded.isdigit() and 17 <= len(decoded) <= 20
