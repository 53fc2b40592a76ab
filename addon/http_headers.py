"""HTTP facts the adapter needs, in one place."""

from __future__ import annotations

# Hop-by-hop headers (RFC 9110 7.6.1), plus content-length: a message llmwall re-frames
# (a relayed stream, a fallback's answer) gets framing of its own.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)
# ... and what llmwall's own upstream request must not copy from the client's.
NOT_FORWARDED = HOP_BY_HOP | {"host", "proxy-authorization"}
# A response body httpx already decoded is re-sent without its content-encoding.
NOT_RELAYED_DECODED = HOP_BY_HOP | {"content-encoding"}
