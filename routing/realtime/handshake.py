"""The WebSocket opening handshake's own headers, so that none of them carries text past
llmwall (RFC 6455 section 4; RFC 7692 for permessage-deflate). Pure: values in, values
out; the addon (`llmwall.addon.websocket`) applies them to the upgrade.

    Sec-WebSocket-Key         a nonce, but any 16 bytes a client picks (24 base64
                              characters can spell an AWS key id): the upstream gets a
                              fresh random key, and the client gets the accept value of
                              its own key back (`accept`)
    Sec-WebSocket-Extensions  only permessage-deflate offers with its four parameters
                              go upstream (`extension_offer`): mitmproxy reads no other
                              extension, so frames another one transformed would pass
                              unread; an answer naming anything else refuses the
                              upgrade (`extensions_answer_ok`)

Sec-WebSocket-Protocol is scanned like any header, token by token, its credential
tokens excepted (`llmwall.routing.envelope`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
DEFLATE = "permessage-deflate"
_FLAGS = frozenset({"server_no_context_takeover", "client_no_context_takeover"})
_BITS = frozenset({"server_max_window_bits", "client_max_window_bits"})
_WINDOW = re.compile(r'"?(?:[89]|1[0-5])"?')


def fresh_key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def accept(key: str) -> str:
    """The Sec-WebSocket-Accept value for a Sec-WebSocket-Key."""
    digest = hashlib.sha1(key.strip().encode() + GUID, usedforsecurity=False).digest()
    return base64.b64encode(digest).decode()


def _deflate(offer: str, *, answer: bool) -> str | None:
    """One permessage-deflate offer (or answer) rebuilt from the parameters it may
    have, or None when it is another extension or has anything else in it."""
    name, *params = (p.strip() for p in offer.split(";"))
    if name.lower() != DEFLATE:
        return None
    kept = [DEFLATE]
    for param in params:
        key, eq, value = (x.strip() for x in param.partition("="))
        key = key.lower()
        # a flag, or an offer's bare client_max_window_bits ("I can take any")
        bare = key in _FLAGS or (key == "client_max_window_bits" and not answer)
        if bare and not eq:
            kept.append(key)
        elif key in _BITS and eq and _WINDOW.fullmatch(value):
            kept.append(f"{key}={value.strip(chr(34))}")
        else:
            return None
    return "; ".join(kept)


def extension_offer(value: str) -> str | None:
    """The client's Sec-WebSocket-Extensions with only the permessage-deflate offers it
    makes, rebuilt; None when none is left (the header is then removed)."""
    offers = [_deflate(o, answer=False) for o in value.split(",") if o.strip()]
    kept = [o for o in offers if o is not None]
    return ", ".join(kept) if kept else None


def extensions_answer_ok(value: str) -> bool:
    """The server's answer names nothing but one permessage-deflate."""
    answers = [o for o in value.split(",") if o.strip()]
    return not answers or (len(answers) == 1 and _deflate(answers[0], answer=True) is not None)
