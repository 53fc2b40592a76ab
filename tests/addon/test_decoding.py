"""Bounded decoding: every encoding round-trips, bombs stop at the limit, fast."""

from __future__ import annotations

import gzip
import time
import zlib

import brotli
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.addon.decoding import decode_body, encodings, stream_decoder
from llmwall.errors import BodyTooLarge, InspectionError

MIB = 1 << 20

ENCODERS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the standard says
    "deflate-raw": lambda b: zlib.compress(b)[2:-4],  # what some servers send
    "br": brotli.compress,
    "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
    "gzip, br": lambda b: brotli.compress(gzip.compress(b)),
}


def _header(name: str) -> str:
    return "deflate" if name == "deflate-raw" else name


@given(st.binary(max_size=4096), st.sampled_from(sorted(ENCODERS)), st.integers(1, 97))
@settings(max_examples=150, deadline=None)
def test_round_trip_whole_and_streamed(body: bytes, name: str, step: int) -> None:
    data = ENCODERS[name](body)
    assert decode_body(data, _header(name), 64 * MIB, 100, "x") == body
    decode = stream_decoder(_header(name), 64 * MIB, 100)
    out = b"".join(decode(data[i : i + step]) for i in range(0, len(data), step)) + decode(b"")
    assert out == body


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", []),
        ("identity", []),
        ("GZIP", ["gzip"]),
        ("gzip, br", ["gzip", "br"]),
        (" br ,", ["br"]),
    ],
)
def test_encodings(header: str, expected: list[str]) -> None:
    assert encodings(header) == expected


def _zeros(encoding: str, size: int) -> bytes:
    if encoding == "br":
        return brotli.compress(b"\0" * size, quality=1)
    if encoding == "zstd":
        return zstandard.ZstdCompressor().compress(b"\0" * size)
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    return z.compress(b"\0" * size) + z.flush()


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_bombs_stop_at_the_ratio_in_milliseconds(encoding: str) -> None:
    bomb = _zeros(encoding, 256 * MIB)
    started = time.perf_counter()
    with pytest.raises(BodyTooLarge, match="max_ratio"):
        decode_body(bomb, encoding, 64 * MIB, 100, "the request body")
    assert time.perf_counter() - started < 0.5


def test_the_size_limit_holds_when_the_ratio_is_modest() -> None:
    body = bytes(range(256)) * (12 * 1024)  # 3 MiB, compresses ~100x or less
    with pytest.raises(BodyTooLarge, match="max_decompressed"):
        decode_body(gzip.compress(body), "gzip", 2 * MIB, 10_000, "x")
    assert decode_body(gzip.compress(body), "gzip", 4 * MIB, 10_000, "x") == body


def test_below_the_ratio_floor_a_high_ratio_is_fine() -> None:
    body = b"a" * (512 * 1024)  # ~1000x, but only 512 KiB decoded
    assert decode_body(gzip.compress(body), "gzip", 64 * MIB, 100, "x") == body


def test_a_stream_is_cut_at_its_own_limit_identity_included() -> None:
    decode = stream_decoder("", 3 * MIB, 100)
    decode(b"x" * (2 * MIB))
    with pytest.raises(BodyTooLarge, match="max_stream"):
        decode(b"x" * (2 * MIB))


@pytest.mark.parametrize(
    ("data", "header"),
    [(b"not gzip at all", "gzip"), (b"\x00\x01\x02", "br"), (b"xx", "zstd"), (b"abc", "compress")],
)
def test_corrupt_or_unknown_encodings_are_inspection_errors(data: bytes, header: str) -> None:
    with pytest.raises(InspectionError) as err:
        decode_body(data, header, MIB, 100, "the request body")
    assert not isinstance(err.value, BodyTooLarge)


def test_gzip_members_are_all_read() -> None:
    data = gzip.compress(b"hello ") + gzip.compress(b"world")
    assert decode_body(data, "gzip", MIB, 100, "x") == b"hello world"
    for step in (1, 3, 7):
        decode = stream_decoder("gzip", MIB, 100)
        out = b"".join(decode(data[i : i + step]) for i in range(0, len(data), step))
        assert out + decode(b"") == b"hello world"


def test_a_body_cut_inside_its_encoding_is_corrupt() -> None:
    with pytest.raises(InspectionError, match="ends inside"):
        decode_body(gzip.compress(b"x" * 1000)[:-10], "gzip", MIB, 100, "x")
