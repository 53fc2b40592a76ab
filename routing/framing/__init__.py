"""Incremental parsers for response stream framings (SSE, NDJSON, AWS eventstream)."""

SSE = "text/event-stream"
NDJSON = "application/x-ndjson"
EVENTSTREAM = "application/vnd.amazon.eventstream"
# Content types of a streamed answer: the one list the proxy checks before it hands a
# response to the stream inspector instead of buffering it.
STREAM_CONTENT_TYPES = frozenset({SSE, NDJSON, EVENTSTREAM})
