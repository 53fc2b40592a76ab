"""Content-encoding decoding that stops at a size limit, for whole bodies and streams.

mitmproxy decodes a body in one call with no bound (a 204 KB gzip request became 7.8 GB).
Here every decompressor is asked for at most the bytes still allowed, so memory stays
within `limit` whatever the input claims, and decoding stops as soon as the output passes
the limit or `ratio` times the input consumed (once past `RATIO_FLOOR`), raising
`BodyTooLarge`. Encodings: gzip (and x-gzip), deflate (zlib-wrapped or raw), br, zstd,
identity, and stacked ones (`gzip, br`: decoded last first).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

from llmwall.core.guard_config import RATIO_FLOOR
from llmwall.errors import BodyTooLarge, InspectionError

STEP = 1 << 20  # output asked for per call
ZSTD_PIECE = 256  # zstd has no output bound per call: feed it this many bytes at a time

Step = Callable[[bytes, int], tuple[bytes, bytes]]  # (data, max out) -> (out, unconsumed input)


def encodings(header: str) -> list[str]:
    """The encodings of a Content-Encoding header, in the order they were applied."""
    return [
        e.strip().lower() for e in header.split(",") if e.strip().lower() not in ("", "identity")
    ]


def _zlib(wbits: int) -> tuple[Step, Callable[[], bytes], Callable[[], bool]]:
    state = [zlib.decompressobj(wbits)]
    gzip = wbits > zlib.MAX_WBITS

    def step(data: bytes, room: int) -> tuple[bytes, bytes]:
        d = state[0]
        if gzip and d.eof and data:  # another gzip member begins
            d = state[0] = zlib.decompressobj(wbits)
        out = d.decompress(data, room)
        if gzip and d.eof and d.unused_data:  # the next member is already here
            state[0] = zlib.decompressobj(wbits)
            return out, d.unused_data
        return out, d.unconsumed_tail

    return step, lambda: state[0].flush(), lambda: bool(state[0].eof)


def _deflate() -> tuple[Step, Callable[[], bytes], Callable[[], bool]]:
    """`deflate` is zlib-wrapped by the standard, raw deflate by some servers: the first
    two bytes tell (held until both arrived)."""
    chosen: list[tuple[Step, Callable[[], bytes], Callable[[], bool]]] = []
    held = bytearray()

    def choose(head: bytes) -> None:
        wrapped = len(head) >= 2 and (head[0] & 0x0F) == 8 and (head[0] << 8 | head[1]) % 31 == 0
        chosen.append(_zlib(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS))

    def step(data: bytes, room: int) -> tuple[bytes, bytes]:
        if not chosen:
            held.extend(data)
            if len(held) < 2:
                return b"", b""
            data = bytes(held)
            held.clear()
            choose(data)
        return chosen[0][0](data, room)

    def flush() -> bytes:
        if not chosen and held:
            choose(bytes(held))
            out, _ = chosen[0][0](bytes(held), STEP)
            return out + chosen[0][1]()
        return chosen[0][1]() if chosen else b""

    return step, flush, lambda: bool(chosen) and chosen[0][2]()


def _brotli() -> tuple[Step, Callable[[], bytes], Callable[[], bool]]:
    import brotli

    d = brotli.Decompressor()

    def step(data: bytes, room: int) -> tuple[bytes, bytes]:
        # once the output limit was hit, brotli must be drained with empty input
        if not d.can_accept_more_data():
            return d.process(b"", output_buffer_limit=room), data
        return d.process(data, output_buffer_limit=room), b""

    return step, lambda: b"", d.is_finished


def _zstd() -> tuple[Step, Callable[[], bytes], Callable[[], bool]]:
    import zstandard

    d = zstandard.ZstdDecompressor().decompressobj()

    def step(data: bytes, room: int) -> tuple[bytes, bytes]:
        if d.eof:  # the frame ended: later bytes are not part of it
            return b"", b""
        return d.decompress(data[:ZSTD_PIECE]), data[ZSTD_PIECE:]

    return step, lambda: b"", lambda: bool(d.eof)


def _decompressor(encoding: str) -> tuple[Step, Callable[[], bytes], Callable[[], bool]]:
    if encoding in ("gzip", "x-gzip"):
        return _zlib(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _deflate()
    if encoding == "br":
        return _brotli()
    if encoding == "zstd":
        return _zstd()
    raise InspectionError(f"unsupported content-encoding {encoding!r}")


class BoundedDecoder:
    """One encoding, fed chunk by chunk; the output never passes `limit` bytes."""

    def __init__(self, encoding: str, limit: int, ratio: float, what: str) -> None:
        self.step, self.flush, self.eof = _decompressor(encoding)
        self.limit, self.ratio, self.what = limit, ratio, what
        self.consumed = 0
        self.produced = 0

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        base = self.consumed
        size = len(data)
        try:
            while True:
                room = min(STEP, self.limit - self.produced + 1)
                piece, data = self.step(data, room)
                out += piece
                self.produced += len(piece)
                self.consumed = base + size - len(data)  # input read so far
                self._check()
                if not data and len(piece) < room:
                    break
                if not piece and data and self.eof():
                    break  # trailing bytes after the end of the stream: ignored
        except (zlib.error, ValueError, OSError, EOFError) as exc:
            raise InspectionError(f"{self.what} has a corrupt content-encoding") from exc
        except Exception as exc:
            if isinstance(exc, BodyTooLarge):
                raise
            raise InspectionError(f"{self.what} has a corrupt content-encoding") from exc
        return bytes(out)

    def _check(self) -> None:
        if self.produced > self.limit:
            raise BodyTooLarge(f"{self.what} decodes to more than limits.max_decompressed")
        if self.produced > RATIO_FLOOR and self.produced > self.ratio * max(self.consumed, 1):
            raise BodyTooLarge(f"{self.what} decodes beyond limits.max_ratio (a compression bomb)")

    def finish(self) -> bytes:
        """The end of the body: the rest of the output; a stream cut short is corrupt."""
        try:
            tail = self.flush()
        except (zlib.error, ValueError, OSError, EOFError) as exc:
            raise InspectionError(f"{self.what} has a corrupt content-encoding") from exc
        self.produced += len(tail)
        self._check()
        if self.consumed and not self.eof():
            raise InspectionError(f"{self.what} ends inside its content-encoding")
        return tail


def decode_body(data: bytes, header: str, limit: int, ratio: float, what: str) -> bytes:
    """A whole body decoded through every encoding of `header`, within the limits."""
    for encoding in reversed(encodings(header)):
        decoder = BoundedDecoder(encoding, limit, ratio, what)
        data = decoder.feed(data) + decoder.finish()
    return data


def stream_decoder(header: str, limit: int, ratio: float) -> Callable[[bytes], bytes]:
    """For a streamed response: `decoder(chunk)` decoded bytes, `decoder(b"")` the end.
    Counts identity streams too: the decoded stream never passes `limit` bytes."""
    chain = [
        BoundedDecoder(e, limit, ratio, "the response stream") for e in reversed(encodings(header))
    ]
    total = [0]

    def decode(chunk: bytes) -> bytes:
        data = chunk
        for decoder in chain:
            data = decoder.feed(data) if chunk else decoder.feed(data) + decoder.finish()
        total[0] += len(data)
        if total[0] > limit:
            raise BodyTooLarge("the response stream is longer than limits.max_stream")
        return data

    return decode
