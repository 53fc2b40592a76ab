"""`multipart/form-data` bodies (file uploads, audio, image edits): each part decoded by
its own content type (a JSONL batch file line by line, a text file as text, an image as
binary). `tree` is a list of parts `{"name", "filename", "type", "kind", "value"}`;
rewrites address `(i, "value", ...)` (inside part i's body) or `(i, "filename")`.
Untouched parts go out byte for byte, with the client's boundary."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmwall.errors import InspectionError
from llmwall.routing.body.base import Body
from llmwall.routing.segment import Path

_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass
class Part:
    head: bytes  # the header block, without the blank line
    name: str
    filename: str | None
    content_type: str
    content: bytes  # as received: an untouched part goes out as it came
    body: Body


def _disposition(head: str) -> tuple[str, str | None, str]:
    name, filename, ctype = "", None, ""
    for line in head.split("\r\n"):
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "content-disposition":
            for pname, pvalue in _PARAM.findall(value):
                pvalue = pvalue.strip()
                if pvalue.startswith('"'):
                    pvalue = re.sub(r"\\(.)", r"\1", pvalue[1:-1])
                if pname.lower() == "name":
                    name = pvalue
                elif pname.lower() == "filename":
                    filename = pvalue
        elif key == "content-type":
            ctype = value.strip()
    return name, filename, ctype


class MultipartBody(Body):
    kind = "multipart"

    def __init__(self, raw: bytes, label: str) -> None:
        from llmwall.routing.body import decode, param

        boundary = param(label, "boundary")
        if not boundary:
            raise InspectionError("multipart body has no boundary")
        delim = b"--" + boundary.encode("latin-1")
        start = 0 if raw.startswith(delim) else raw.find(b"\r\n" + delim)
        if start < 0:
            raise InspectionError("multipart body does not start with its boundary")
        if start > 0:
            start += 2
        self.preamble = raw[:start]
        self.delim = delim
        self.parts: list[Part] = []
        pos = start + len(delim)
        while True:
            if raw[pos : pos + 2] == b"--":
                self.epilogue = raw[pos + 2 :]
                break
            if raw[pos : pos + 2] != b"\r\n":
                raise InspectionError("multipart body is malformed")
            end = raw.find(b"\r\n" + delim, pos + 2)
            if end < 0:
                raise InspectionError("multipart body ends inside a part")
            chunk = raw[pos + 2 : end]
            if chunk.startswith(b"\r\n"):
                head, content = b"", chunk[2:]
            else:
                head, sep, content = chunk.partition(b"\r\n\r\n")
                if not sep:
                    raise InspectionError("multipart part has no header end")
            name, filename, ctype = _disposition(head.decode("utf-8", "replace"))
            self.parts.append(Part(head, name, filename, ctype, content, decode(content, ctype)))
            pos = end + 2 + len(delim)
        self.tree: list[dict[str, Any]] = [
            {
                "name": p.name,
                "filename": p.filename,
                "type": p.content_type,
                "kind": p.body.kind,
                "value": p.body.tree,
            }
            for p in self.parts
        ]

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        inner: dict[int, dict[Path, str]] = defaultdict(dict)
        names: dict[int, str] = {}
        for path, value in rewrites.items():
            if len(path) >= 2 and isinstance(path[0], int) and path[1] == "value":
                inner[path[0]][path[2:]] = value
            elif len(path) == 2 and isinstance(path[0], int) and path[1] == "filename":
                names[path[0]] = value
            else:
                raise InspectionError("a multipart rewrite must name a part's value or filename")
        out = [self.preamble]
        for i, part in enumerate(self.parts):
            head = part.head if i not in names else _rename(part.head, names[i])
            content = part.body.apply(inner[i]) if i in inner else part.content
            head = head + b"\r\n\r\n" if head else b"\r\n"
            out.append(self.delim + b"\r\n" + head + content + b"\r\n")
        out.append(self.delim + b"--" + self.epilogue)
        return b"".join(out)


def _rename(head: bytes, filename: str) -> bytes:
    quoted = filename.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")
    text = head.decode("utf-8", "replace")
    text = re.sub(
        r'(?i)(;\s*filename\s*=\s*)("(?:[^"\\]|\\.)*"|[^;\r\n]*)',
        lambda m: m.group(1) + '"' + quoted + '"',
        text,
        count=1,
    )
    return text.encode("utf-8")
