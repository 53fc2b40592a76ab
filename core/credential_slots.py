"""What may stand in a credential slot, and what must not travel there unread.

A credential (an API key header, `?key=`, the WebSocket API-key subprotocol token) is
never scanned as text: redacting it would only break the request. But an app can put
anything there. The slot may hold the provider's key; an e-mail address, an AWS key id
or another service's token there is no LLM API credential, so the request carrying it
is refused (`block:<ENTITY>:credential`). Shared by the HTTP request path
(`core.inspect`) and the WebSocket upgrade (`addon.websocket`).
"""

from __future__ import annotations

import re
from typing import Any

# What a string the protocol does not read as text (an id, an enum, a field no reader
# knows, an object key) is checked for: shapes a random id does not take by chance (an
# e-mail address, credentials with their fixed prefixes). Other findings in such strings
# would be false positives on random ids, whose redaction breaks the session.
ID_ENTITIES = frozenset(
    {
        "EMAIL_ADDRESS", "AWS_ACCESS_KEY_ID", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
        "GOOGLE_API_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN", "SLACK_TOKEN", "STRIPE_KEY",
        "HUGGINGFACE_TOKEN", "PRIVATE_KEY", "CONNECTION_STRING",
    }
)  # fmt: skip
# What a credential slot (an API key header, `?key=`, the API-key subprotocol token) may
# hold: the provider's key. Any other of ID_ENTITIES there (an e-mail, an AWS key id) is
# no credential of an LLM API: it was put there to travel unread.
SLOT_CREDENTIALS = frozenset({"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY"})
# A string can only hold one of ID_ENTITIES if it has one of these (an e-mail's "@", a
# credential's prefix): the other strings of a frame (audio, ids, enums) are not scanned
# for them, which keeps the check off every audio delta.
MAY_HOLD_ID_ENTITY = re.compile(
    r"@|(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{12}|"
    r"sk-|sk_|rk_|pk_|AIza|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hf_|-----BEGIN|://",
)


def planted_in_credentials(scanner: Any, values: list[str]) -> tuple[str, ...]:
    """The entity types in credential values that no LLM API credential is (sorted):
    the upgrade that carries them is refused rather than let them pass unread."""
    found = {
        f.entity
        for value in values
        if MAY_HOLD_ID_ENTITY.search(value)
        for f in scanner.scan_text(value, False)
        if f.entity in ID_ENTITIES and f.entity not in SLOT_CREDENTIALS
    }
    return tuple(sorted(found))
