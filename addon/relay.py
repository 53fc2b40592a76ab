"""A loopback relay: lets mitmproxy stream a response that llmwall fetched itself.

mitmproxy can stream a response only from a server it is connected to; a response an
addon produces from a hook is always sent whole. When llmwall calls an upstream itself
(to see connect errors, timeouts and error statuses before the first byte, and to fall
back), a streamed answer is parked here under a random token and the flow is pointed at
this relay, which writes status, headers and the body chunks as they arrive. Listens on
127.0.0.1 only; a token is used once and expires if never collected.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from llmwall.addon.http_headers import HOP_BY_HOP

log = logging.getLogger("llmwall.relay")

EXPIRY_S = 30.0


@dataclass
class Parked:
    status: int
    headers: list[tuple[str, str]]
    first: bytes
    body: AsyncIterator[bytes]
    close: Callable[[], Awaitable[None]]
    cut: bool = False  # the upstream failed after the first byte


class Relay:
    def __init__(self) -> None:
        self._parked: dict[str, Parked] = {}
        self._server: asyncio.Server | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=65536)
            self.port = self._server.sockets[0].getsockname()[1]

    async def park(self, parked: Parked) -> str:
        await self.start()
        token = secrets.token_hex(16)
        self._parked[token] = parked
        asyncio.get_running_loop().call_later(EXPIRY_S, self._expire, token)
        return token

    def _expire(self, token: str) -> None:
        parked = self._parked.pop(token, None)
        if parked is not None:
            task = asyncio.ensure_future(parked.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        for token in list(self._parked):
            self._expire(token)
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 2 else ""
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length" and value.strip().isdigit():
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                parked = self._parked.pop(path.rsplit("/", 1)[-1], None)
                if parked is None:
                    writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                await self._write(writer, parked)
        finally:
            writer.close()

    async def _write(self, writer: asyncio.StreamWriter, parked: Parked) -> None:
        head = [f"HTTP/1.1 {parked.status} R"]
        head += [f"{k}: {v}" for k, v in parked.headers if k.lower() not in HOP_BY_HOP]
        head.append("transfer-encoding: chunked")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        try:
            if parked.first:
                writer.write(b"%x\r\n%s\r\n" % (len(parked.first), parked.first))
            await writer.drain()
            async for chunk in parked.body:
                if chunk:
                    writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    await writer.drain()
        except Exception as exc:  # the upstream died mid-stream: end the body cleanly so
            # that the stream inspector sees an incomplete stream and says so in-dialect
            parked.cut = True
            log.warning("relayed stream from upstream ended early: %s", type(exc).__name__)
        finally:
            await parked.close()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
