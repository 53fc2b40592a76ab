"""Body codecs: decode by content type, write back by path, keep what was not touched."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmwall.errors import InspectionError
from llmwall.routing.body import decode
from llmwall.routing.segment import KEY

MP = "multipart/form-data; boundary=XX"


def _multipart(*parts: tuple[str, str | None, str, bytes]) -> bytes:
    out = b""
    for name, filename, ctype, content in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"Content-Disposition: {disp}\r\n" + (f"Content-Type: {ctype}\r\n" if ctype else "")
        out += b"--XX\r\n" + head.encode() + b"\r\n" + content + b"\r\n"
    return out + b"--XX--\r\n"


@pytest.mark.parametrize(
    ("content", "label", "kind"),
    [
        (b'{"a": 1}', "application/json", "json"),
        (b'{"a": 1}', "", "json"),
        (b'{"a": 1}', "text/plain", "json"),  # JSON under another label is still JSON
        (b'{"a":1}\n{"b":2}\n', "application/x-ndjson", "jsonl"),
        (b'{"a":1}\n{"b":2}\n', "application/octet-stream", "jsonl"),
        (b"a=1&b=2", "application/x-www-form-urlencoded", "form"),
        (b"hello", "text/plain; charset=utf-8", "text"),
        (b"hello", "application/octet-stream", "text"),
        (b"hello", "image/png", "text"),  # text under a binary label is still read
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "binary"),
        (b"RIFF\x00\x00\x00\x00WAVE", "audio/wav", "binary"),
        (b"%PDF-1.4 broken", "application/pdf", "pdf"),
        (_multipart(("a", None, "", b"x")), MP, "multipart"),
    ],
)
def test_decode_picks_the_codec(content: bytes, label: str, kind: str) -> None:
    assert decode(content, label).kind == kind


@pytest.mark.parametrize(
    ("content", "label", "reason"),
    [
        (b'{"a": 1, "a": 2}', "application/json", "duplicate key"),
        (b'{"a": {"b": 1, "b": 2}}', "application/json", "duplicate key"),
        (b'{"a": NaN}', "application/json", "NaN"),
        (b'{"a": Infinity}', "application/json", "Infinity"),
        (b'{"a": -Infinity}', "application/json", "Infinity"),
        (b'{"a": ', "application/json", "not valid JSON"),
        (b'{"a": ', "", "not valid JSON"),
        (b'{"a":1,"a":2}\n', "application/x-ndjson", "duplicate key"),
        (b'{"a": 1}', "application/json; charset=klingon", "charset"),
        (b"--XX\r\nbroken", MP, "multipart"),
        (b"x", "multipart/form-data", "boundary"),
    ],
)
def test_refused_bodies(content: bytes, label: str, reason: str) -> None:
    with pytest.raises(InspectionError, match=reason):
        decode(content, label)


def test_a_raw_chunk_labelled_json_is_sniffed() -> None:
    assert decode(b"hello {", "application/json", raw=True).kind == "text"


@pytest.mark.parametrize(
    ("content", "rewrites", "expected"),
    [
        # a number no float holds is re-sent as written, never as Infinity
        (b'{"a": 1e400, "b": "x"}', {("b",): "y"}, b'{"a": 1e400, "b": "y"}'),
        (b'{"a":-1e999,"b":"x","c":[1.5,2]}', {("b",): "y"}, b'{"a":-1e999,"b":"y","c":[1.5,2]}'),
        # compact stays compact; spaced stays spaced
        (b'{"a":"x","b":[1,2]}', {("a",): "y"}, b'{"a":"y","b":[1,2]}'),
        (b'{"a": "x"}', {("a",): "y"}, b'{"a": "y"}'),
        # a key is renamed where it stands
        (b'{"x":1,"k":2,"z":3}', {(KEY, "k"): "<K>"}, b'{"x":1,"<K>":2,"z":3}'),
        (
            b'{"k":{"k":"v"}}',
            {("k", KEY, "k"): "a", (KEY, "k"): "b", ("k", "k"): "w"},
            b'{"b":{"a":"w"}}',
        ),
        (b"{}", {}, b"{}"),
    ],
)
def test_json_write_back(content: bytes, rewrites: dict, expected: bytes) -> None:
    assert decode(content, "application/json").apply(rewrites) == expected


@pytest.mark.parametrize("charset", ["utf-16", "utf-16-le", "utf-32", "latin-1", "utf-8-sig"])
def test_a_charset_is_kept(charset: str) -> None:
    content = json.dumps({"a": "café secret"}, ensure_ascii=False).encode(charset)
    body = decode(content, f"application/json; charset={charset}")
    assert body.tree == {"a": "café secret"}
    out = body.apply({("a",): "café <X>"})
    assert json.loads(out.decode(charset)) == {"a": "café <X>"}


def test_utf16_without_a_label_is_detected_and_kept() -> None:
    content = json.dumps({"a": "b"}).encode("utf-16-le")
    body = decode(content, "application/json")
    assert json.loads(body.apply({("a",): "c"}).decode("utf-16-le")) == {"a": "c"}


def test_jsonl_rewrites_only_the_touched_lines() -> None:
    content = b'{"a": "x"}\r\nnot json\n{"b":"y"}\n'
    body = decode(content, "application/x-ndjson")
    assert body.tree == [{"a": "x"}, "not json", {"b": "y"}]
    assert body.apply({(2, "b"): "z", (1,): "plain"}) == b'{"a": "x"}\r\nplain\n{"b":"z"}\n'


def test_form_rewrites_only_the_touched_pairs() -> None:
    body = decode(b"a=1+2&u=joe%40x.com&flag", "application/x-www-form-urlencoded")
    assert body.tree == [["a", "1 2"], ["u", "joe@x.com"], ["flag", ""]]
    assert body.apply({(1, 1): "<E>"}) == b"a=1+2&u=%3CE%3E&flag"


def test_multipart_parts_by_their_own_type_and_write_back() -> None:
    lines = b'{"custom_id":"1","body":{"x":"secret"}}\n{"custom_id":"2"}\n'
    content = _multipart(
        ("purpose", None, "", b"batch"),
        ("file", "b.jsonl", "application/jsonl", lines),
        ("image", "i.png", "image/png", b"\x89PNG\r\n\x1a\n\x00"),
    )
    body = decode(content, MP)
    assert [p["kind"] for p in body.tree] == ["text", "jsonl", "binary"]
    assert body.tree[1]["filename"] == "b.jsonl"
    out = body.apply({(1, "value", 0, "body", "x"): "<S>", (1, "filename"): 'c"d.jsonl'})
    again = decode(out, MP)
    assert again.tree[1]["value"][0]["body"]["x"] == "<S>"
    assert again.tree[1]["value"][1] == {"custom_id": "2"}
    assert again.tree[1]["filename"] == "c%22d.jsonl"
    assert again.parts[2].content == body.parts[2].content  # untouched bytes
    assert decode(content, MP).apply({}) == content


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@given(_json)
def test_json_round_trips_unchanged(value: object) -> None:
    content = json.dumps(value, ensure_ascii=False).encode()
    body = decode(content, "application/json")
    assert body.apply({}) == content
    assert json.loads(
        decode(content, "application/json").apply({(): "x"} if isinstance(value, str) else {})
    ) == ("x" if isinstance(value, str) else value)


@given(st.lists(st.tuples(_text, _text), max_size=6))
def test_form_round_trips(pairs: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    content = urlencode(pairs).encode()
    body = decode(content, "application/x-www-form-urlencoded")
    assert [tuple(p) for p in body.tree] == ([(n, v) for n, v in pairs] if content else [])
    touched = {(i, 1): v + "!" for i, (_, v) in enumerate(pairs)}
    again = decode(body.apply(touched), "application/x-www-form-urlencoded")
    assert [tuple(p) for p in again.tree] == [(n, v + "!") for n, v in pairs]


@given(
    st.lists(
        st.binary(max_size=30).filter(lambda b: b"--XX" not in b and b"\r\n" not in b),
        min_size=1,
        max_size=4,
    )
)
def test_multipart_round_trips_bytes(contents: list[bytes]) -> None:
    content = _multipart(
        *((f"p{i}", None, "application/octet-stream", c) for i, c in enumerate(contents))
    )
    assert decode(content, MP).apply({}) == content
