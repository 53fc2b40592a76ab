"""What a stream's first bytes say it is, whatever its content type claims.

An upstream may label NDJSON as `text/event-stream` or send SSE where NDJSON is expected.
Read by the framing the label names, such a stream would look empty (JSON lines are SSE
fields nobody reads) or broken: the SSE and NDJSON framings look at the first bytes and
read the stream by what it is. A UTF-8 byte order mark before them is skipped (the SSE
spec lets a stream start with one).
"""

from __future__ import annotations

BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_SSE_STARTS = (b"data", b"event", b"id", b"retry", b":")


def strip_bom(head: bytes) -> tuple[bytes, bool]:
    """`head` without a leading BOM, and whether more bytes are needed to tell (`head`
    is a proper prefix of the BOM)."""
    if head.startswith(BOM):
        return head[len(BOM) :], False
    return head, len(head) < len(BOM) and BOM.startswith(head)


def kind(head: bytes) -> str | None:
    """ "ndjson" (a JSON value first), "sse" (an SSE field or comment first), "other",
    or None while only whitespace (or part of a BOM) has arrived."""
    head, more = strip_bom(head)
    if more:
        return None
    text = head.lstrip(_WHITESPACE)
    if not text:
        return None
    if text[:1] in (b"{", b"["):
        return "ndjson"
    if any(text.startswith(s) for s in _SSE_STARTS):
        return "sse"
    if any(s.startswith(text) for s in _SSE_STARTS):
        return None  # a field name still arriving
    return "other"
