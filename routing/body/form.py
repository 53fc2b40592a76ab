"""`application/x-www-form-urlencoded` bodies: a list of [name, value] pairs. Names and
values are both text; only rewritten pairs are re-encoded."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote_plus, unquote_plus

from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.body.base import Body, decode_text, text_codec
from llmwall.routing.segment import Path


def parse_pairs(text: str, codec: str = "utf-8") -> tuple[list[str], list[list[str]]]:
    """(raw pieces, [name, value] pairs) of a query string or form body."""
    pieces = text.split("&") if text else []
    pairs = []
    for piece in pieces:
        name, _, value = piece.partition("=")
        try:
            pairs.append(
                [unquote_plus(name, codec, "strict"), unquote_plus(value, codec, "strict")]
            )
        except UnicodeDecodeError:
            raise InspectionError("form or query value is not valid text") from None
    return pieces, pairs


def encode_pairs(
    pieces: list[str], pairs: list[list[str]], touched: set[int], codec: str = "utf-8"
) -> str:
    out = []
    for i, piece in enumerate(pieces):
        if i in touched:
            name, value = pairs[i]
            sep = "=" if "=" in piece else ""
            out.append(quote_plus(name, encoding=codec) + sep + quote_plus(value, encoding=codec))
        else:
            out.append(piece)
    return "&".join(out)


class FormBody(Body):
    kind = "form"

    def __init__(self, raw: bytes, charset: str = "") -> None:
        self.codec = text_codec(charset)
        self.pieces, self.tree = parse_pairs(decode_text(raw, self.codec), self.codec)

    def apply(self, rewrites: Mapping[Path, str]) -> bytes:
        jsonpath.set_many(self.tree, rewrites)
        touched = {p[0] for p in rewrites if p and isinstance(p[0], int)}
        return encode_pairs(self.pieces, self.tree, touched, self.codec).encode("ascii")
