"""`multipart/form-data` bodies (file uploads, audio, image edits): each part decoded by
its own content type (a JSONL batch file line by line, a text file as text, an image as
binary). `tree` is a list of parts `{"name", "filename", "type", "kind", "value"}`;
rewrites address `(i, "value", ...)` (inside part i's body) or `(i, "filename")`.
Untouched parts go out byte for byte, with the client's boundary.

A file name may come as `filename="..."`, as RFC 5987 `filename*=UTF-8''...` (which
most servers prefer) or in RFC 2231 pieces (`filename*0=`, `filename*1*=`): the name
read is the one a server would use, and a part whose `filename` and `filename*` differ
is refused (the server could read the one llmwall did not). Everything else in a
part's header block (its field name, other parameters, other header lines) is
`Part.head_text`, scanned but never rewritten."""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from llmwall.errors import InspectionError
from llmwall.routing.body.base import Body
from llmwall.routing.segment import Path

_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass
class Part:
    head: bytes  # the header block, without the blank line
    name: str
    filename: str | None  # the name a server would read (filename*, else filename)
    content_type: str
    content: bytes  # as received: an untouched part goes out as it came
    body: Body
    head_text: str = ""  # the header block without its file name parameters
    filename_pieces: bool = False  # an RFC 2231 `filename*0=` name: read, not rewritten


_FILENAME_PARAM = re.compile(r"(?i)filename(\*\d*\*?)?")


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _ext_value(value: str, charset: str | None = None) -> tuple[str, str]:
    """(text, charset) of an RFC 5987 `charset'lang'%xx` value (charset given: a later
    RFC 2231 piece, which has no prefix)."""
    if charset is None:
        charset, sep, rest = value.partition("'")
        _lang, sep2, value = rest.partition("'")
        if not (sep and sep2):
            raise InspectionError("multipart file name parameter is malformed")
    try:
        codecs.lookup(charset or "utf-8")
        return unquote(value, encoding=charset or "utf-8", errors="strict"), charset
    except (LookupError, UnicodeDecodeError):
        raise InspectionError("multipart file name parameter is malformed") from None


def _filename(params: list[tuple[str, str]]) -> tuple[str | None, bool]:
    """(the file name a server reads, whether it came in RFC 2231 pieces)."""
    plain: str | None = None
    star: str | None = None
    pieces: dict[int, tuple[bool, str]] = {}
    for pname, raw in params:
        m = _FILENAME_PARAM.fullmatch(pname)
        if m is None:
            continue
        suffix = m.group(1) or ""
        if not suffix:
            plain = _unquote(raw)
        elif suffix == "*":
            star = _ext_value(_unquote(raw))[0]
        else:
            encoded = suffix.endswith("*")
            pieces[int(suffix.strip("*"))] = (encoded, _unquote(raw))
    if pieces:
        if sorted(pieces) != list(range(len(pieces))):
            raise InspectionError("multipart file name pieces are not numbered 0, 1, ...")
        charset: str | None = None
        text = []
        for n in range(len(pieces)):
            encoded, raw = pieces[n]
            if encoded:
                piece, charset = _ext_value(raw, None if n == 0 else charset or "utf-8")
            else:
                piece = raw
            text.append(piece)
        star = "".join(text) if star is None else star
    if plain is not None and star is not None and plain != star:
        raise InspectionError("multipart part names two different files (filename, filename*)")
    name = star if star is not None else plain
    return name, bool(pieces)


def _disposition(head: str) -> tuple[str, str | None, str, str, bool]:
    """(field name, file name, content type, the head without file names, pieces)."""
    name, filename, ctype, pieces = "", None, "", False
    rest: list[str] = []
    for line in head.split("\r\n"):
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "content-disposition":
            params = [(p, v.strip()) for p, v in _PARAM.findall(value)]
            for pname, pvalue in params:
                if pname.lower() == "name":
                    name = _unquote(pvalue)
            filename, pieces = _filename(params)
            line = _PARAM.sub(
                lambda m: "" if _FILENAME_PARAM.fullmatch(m.group(1)) else m.group(0), line
            )
        elif key == "content-type":
            ctype = value.strip()
        rest.append(line)
    return name, filename, ctype, "\n".join(rest), pieces


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
            name, filename, ctype, rest, pieces = _disposition(head.decode("utf-8", "replace"))
            body = decode(content, ctype)
            self.parts.append(Part(head, name, filename, ctype, content, body, rest, pieces))
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
    """The head with every file name parameter set to `filename` (RFC 2231 pieces are
    never rewritten: the dialects lock them)."""
    clean = filename.replace("\r", "").replace("\n", "")
    quoted = clean.replace("\\", "\\\\").replace('"', "%22")

    def sub(m: re.Match[str]) -> str:
        if m.group(2).strip() == "*":
            return m.group(1) + "UTF-8''" + quote(clean, safe="")
        return m.group(1) + '"' + quoted + '"'

    text = head.decode("utf-8", "replace")
    text = re.sub(
        r'(?i)(;\s*filename(\s*\*?)\s*=\s*)("(?:[^"\\]|\\.)*"|[^;\r\n]*)',
        lambda m: sub(m) if m.group(2).strip() in ("", "*") else m.group(0),
        text,
    )
    return text.encode("utf-8")
