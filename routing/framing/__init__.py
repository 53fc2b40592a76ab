"""Incremental parsers for response stream framings (SSE, NDJSON, AWS eventstream)."""
