"""JSONL (NDJSON) bodies: batch input and output files, fine-tuning data. Each line is
its own JSON value (a line that is not JSON is a plain string); only the lines that are
rewritten are re-encoded, the others go out byte for byte."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.body.base import Body, decode_text, text_codec
from llmwall.routing.body.json_body import NOT_JSON, dumps, loads
from llmwall.routing.segment import Path

JSONL_TYPES = frozenset(
    {"application/jsonl", "application/x-ndjson", "application/x-jsonlines", "application/ndjson"}
)


def looks_like_jsonl(text: str) -> bool:
    lines = [line for line in text.splitlines()[:3] if line.strip()]
    if len(lines) < 1 or not all(line.lstrip().startswith(("{", "[")) for line in lines):
        return False
    try:
        for line in lines:
            loads(line)
    except InspectionError:
        return False
    return True


class JsonlBody(Body):
    kind = "jsonl"

    def __init__(self, raw: bytes, charset: str = "") -> None:
        self.codec = text_codec(charset)
        text = decode_text(raw, self.codec)
        self.lines = text.splitlines(keepends=True)
        self.tree: list[Any] = []
        for line in self.lines:
            content = line.rstrip("\r\n")
            if content.strip():
                try:
                    self.tree.append(loads(content))
                    continue
                except InspectionError as exc:
                    if str(exc) != NOT_JSON:  # duplicate keys, NaN: refused, not text
                        raise
            self.tree.append(content)

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        by_line: dict[int, dict[Path, str]] = defaultdict(dict)
        for path, value in rewrites.items():
            if not path or not isinstance(path[0], int):
                raise InspectionError("a JSONL rewrite must name a line")
            by_line[path[0]][path[1:]] = value
        out = []
        for i, line in enumerate(self.lines):
            if i not in by_line:
                out.append(line)
                continue
            ending = line[len(line.rstrip("\r\n")) :]
            node = self.tree[i]
            if isinstance(node, str):
                out.append(jsonpath.set_many(node, by_line[i]) + ending)
            else:
                original = line.rstrip("\r\n")
                out.append(
                    dumps(jsonpath.set_many(node, by_line[i]), original, by_line[i]) + ending
                )
        return "".join(out).encode(self.codec)
