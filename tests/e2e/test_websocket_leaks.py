"""Issue 13, "nothing leaves unscanned": the red-team's WebSocket leaks, end to end
through `llmwall run` against the local TLS WebSocket fake. Every probe plants an AWS
key or an e-mail and asserts it never reaches the fake upstream (client frames, the
upgrade's URL and headers) or the client (server frames)."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
import wsproto
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHeaderValue,
    InvalidStatus,
)
from websockets.frames import Frame, Opcode
from wsproto.events import CloseConnection, Message

from tests.e2e.clients import trust
from tests.e2e.conftest import Proxy
from tests.e2e.fake_ws import FakeWebSocketProvider, Session
from tests.e2e.probes import AWS_KEY, EMAIL, PLANTED

REALTIME = "wss://api.openai.com/v1/realtime?model=gpt-realtime"
RESPONSES = "wss://api.openai.com/v1/responses"
LIVE = (
    "wss://generativelanguage.googleapis.com"
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
)
API_KEY = "sk-proj-" + "Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE" * 2


@pytest.fixture(autouse=True)
def _clean(ws_fake: FakeWebSocketProvider) -> None:
    ws_fake.reset()


def options(proxy: Proxy, **more: Any) -> dict[str, Any]:
    return {"proxy": proxy.url, "ssl": trust(proxy), "open_timeout": 30, **more}


def wire(message: str | bytes) -> str:
    """A message as any peer could read it: UTF-8, and UTF-16/32 as json.loads does."""
    if isinstance(message, str):
        return message
    forms = [message.decode("utf-8", "replace")]
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        forms.append(message.decode(codec, "replace"))
    return "\n".join(forms)


def assert_nothing_planted(messages: list[Any], *more: str) -> None:
    for message in messages:
        text = wire(message)
        for value in (*PLANTED, *more):
            assert value not in text, f"{value!r} got through in {text[:200]!r}"


def upstream(ws_fake: FakeWebSocketProvider) -> Session:
    assert ws_fake.sessions, "no session reached the upstream"
    return ws_fake.sessions[-1]


def item(text: str) -> dict[str, Any]:
    return {
        "type": "conversation.item.create",
        "item": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        },
    }


async def settle(ws: ClientConnection) -> None:
    """Make sure the proxy handled what was sent: a harmless event and its echo (or
    llmwall's error event: the session was blocked)."""
    await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime"}}))
    while True:
        got = await asyncio.wait_for(ws.recv(), 10)
        kind = json.loads(got).get("type") if isinstance(got, str) else None
        if kind == "session.updated":
            return
        if kind == "error":  # llmwall blocked the session
            return


async def session_run(proxy: Proxy, url: str, send: Any, **more: Any) -> list[Any]:
    """Connect, let `send(ws)` act, then read until the session settles or closes; the
    messages the client received."""
    got: list[Any] = []
    try:
        async with connect(url, **options(proxy, **more)) as ws:
            if "realtime" in url:
                got.append(await asyncio.wait_for(ws.recv(), 10))  # session.created
            await send(ws)
            if "realtime" in url:
                await settle(ws)
    except ConnectionClosed:
        pass
    return got


# -- 1. JSON (and text) in binary frames ----------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        json.dumps(item(f"my AWS key is {AWS_KEY}")).encode(),
        json.dumps(item(f"mail {EMAIL}")).encode(),
        b"\xef\xbb\xbf" + json.dumps(item(f"mail {EMAIL}")).encode(),  # with a BOM
        json.dumps(item(f"mail {EMAIL}")).encode("utf-16"),  # json.loads reads UTF-16
        f"plain text, no JSON: write to {EMAIL} with {AWS_KEY}".encode(),
    ],
    ids=["json-aws", "json-email", "json-bom", "json-utf16", "plain-text"],
)
def test_realtime_binary_client_frames_are_read_like_text(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, payload: bytes
) -> None:
    async def send(ws: ClientConnection) -> None:
        await ws.send(payload)

    asyncio.run(session_run(ws_proxy, REALTIME, send))
    received = upstream(ws_fake).received
    assert_nothing_planted(received)
    # what arrived (if anything) is still one binary frame, redacted
    binary = [m for m in received if isinstance(m, bytes)]
    assert all(b"<" in m for m in binary), binary


def test_realtime_redacted_binary_json_arrives_as_binary_json(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    async def send(ws: ClientConnection) -> None:
        await ws.send(json.dumps(item(f"mail {EMAIL} now")).encode())

    asyncio.run(session_run(ws_proxy, REALTIME, send))
    (frame,) = [m for m in upstream(ws_fake).received if isinstance(m, bytes)]
    sent = json.loads(frame)
    assert sent["item"]["content"][0]["text"] == "mail <EMAIL_ADDRESS> now"


def test_responses_ws_binary_client_frame_is_read(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    create = {
        "type": "response.create",
        "model": "gpt-test",
        "input": [{"role": "user", "content": f"key {AWS_KEY} and {EMAIL}"}],
    }

    async def send(ws: ClientConnection) -> None:
        await ws.send(json.dumps(create).encode())
        await ws.send(json.dumps({**create, "input": "hello"}))  # text: the fake answers
        while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "response.completed":
            pass

    asyncio.run(session_run(ws_proxy, RESPONSES, send))
    assert_nothing_planted(upstream(ws_fake).received)


def test_gemini_live_binary_non_object_json_and_text_are_read(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    async def send(ws: ClientConnection) -> None:
        await ws.send(json.dumps({"setup": {"model": "models/gemini-live-test"}}))
        await asyncio.wait_for(ws.recv(), 10)
        await ws.send(json.dumps([f"mail {EMAIL}"]).encode())
        await ws.send(f"key {AWS_KEY}".encode())
        await ws.send(json.dumps({"setup": {}}))  # answered: both were handled
        await asyncio.wait_for(ws.recv(), 10)

    asyncio.run(session_run(ws_proxy, LIVE, send))
    assert_nothing_planted(upstream(ws_fake).received)


def test_true_binary_audio_still_passes_both_ways(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    audio = bytes(range(256)) * 16  # not UTF-8
    ws_fake.extra = [audio]

    async def send(ws: ClientConnection) -> None:
        await ws.send(audio)
        await ws.send(json.dumps({"type": "response.create"}))
        while (await asyncio.wait_for(ws.recv(), 10)) != audio:
            pass

    asyncio.run(session_run(ws_proxy, REALTIME, send))
    assert audio in upstream(ws_fake).received


def _server_frames(proxy: Proxy) -> list[Any]:
    async def run() -> list[Any]:
        got: list[Any] = []
        try:
            async with connect(REALTIME, **options(proxy)) as ws:
                await ws.recv()
                await ws.send(json.dumps({"type": "response.create"}))
                await ws.send(json.dumps({"type": "session.update", "session": {}}))
                while True:
                    message = await asyncio.wait_for(ws.recv(), 10)
                    got.append(message)
                    if isinstance(message, str) and '"session.updated"' in message:
                        return got
                    if isinstance(message, str) and '"llmwall_' in message:
                        return got  # llmwall's error event: the session was blocked
        except ConnectionClosed:
            return got

    return asyncio.run(run())


def server_event(kind: str, **body: Any) -> str:
    return json.dumps({"type": kind, "event_id": "event_x", **body})


@pytest.mark.parametrize(
    "frame",
    [
        server_event("conversation.item.created", item={"type": "message", "content": [
            {"type": "input_text", "text": f"mail {EMAIL}"}]}).encode(),
        server_event("response.output_text.done", item_id="i", content_index=0,
                     text=f"key {AWS_KEY}").encode(),
        f"plain server text with {EMAIL}".encode(),
    ],
    ids=["item-json", "done-json", "plain-text"],
)  # fmt: skip
def test_realtime_binary_server_frames_are_read_like_text(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, frame: bytes
) -> None:
    ws_fake.extra = [frame]
    got = _server_frames(ws_proxy)
    assert got, "the client received nothing"
    assert_nothing_planted(got)


# -- 2. fragmented messages and control frames -----------------------------------------


async def send_fragments(ws: ClientConnection, parts: list[bytes], *, text: bool = True) -> None:
    """One message in `parts` frames, a ping between every two (RFC 6455 lets control
    frames interleave with a fragmented message)."""
    async with ws.send_context():
        first, *rest = parts
        if text:
            ws.protocol.send_text(first, fin=not rest)
        else:
            ws.protocol.send_binary(first, fin=not rest)
        for i, part in enumerate(rest):
            ws.protocol.send_ping(f"p{i}".encode())
            ws.protocol.send_continuation(part, fin=i == len(rest) - 1)


def split(data: bytes, *cuts: int) -> list[bytes]:
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@pytest.mark.parametrize("text", [True, False], ids=["text", "binary"])
@pytest.mark.parametrize("compression", ["deflate", None], ids=["deflate", "plain"])
def test_a_fragmented_client_message_is_scanned_whole_and_sent_redacted(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, text: bool, compression: str | None
) -> None:
    frame = json.dumps(item(f"key {AWS_KEY}, mail {EMAIL}, Grüße ☃"), ensure_ascii=False)
    raw = frame.encode()
    at = raw.index(AWS_KEY.encode()) + 7
    mail = raw.index(EMAIL.encode()) + 5
    snowman = raw.index("☃".encode()) + 1  # inside the character: legal between frames
    parts = split(raw, 10, at, mail, snowman)

    async def send(ws: ClientConnection) -> None:
        await send_fragments(ws, parts, text=text)

    asyncio.run(session_run(ws_proxy, REALTIME, send, compression=compression))
    session = upstream(ws_fake)
    assert_nothing_planted(session.received)
    (got,) = [m for m in session.received if "conversation.item.create" in wire(m)]
    assert isinstance(got, str) is text  # the frame type is kept
    sent = json.loads(got)["item"]["content"][0]["text"]
    assert sent == "key <AWS_ACCESS_KEY_ID>, mail <EMAIL_ADDRESS>, Grüße ☃"
    assert not session.control  # the interleaved pings were answered by llmwall


def test_a_fragmented_server_message_is_scanned_whole(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    done = server_event("response.output_text.done", item_id="i", content_index=0,
                        text=f"key {AWS_KEY} and {EMAIL}")  # fmt: skip
    cut_key, cut_mail = done.index(AWS_KEY) + 9, done.index(EMAIL) + 4
    ws_fake.extra = [[done[:cut_key], done[cut_key:cut_mail], done[cut_mail:]]]
    got = _server_frames(ws_proxy)
    assert any("response.output_text.done" in wire(m) for m in got)
    assert_nothing_planted(got)


def test_ping_and_pong_payloads_never_cross_and_pings_are_answered(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    async def send(ws: ClientConnection) -> None:
        for payload in (EMAIL, f"k={AWS_KEY}"):
            pong = await ws.ping(payload)  # the matching pong: llmwall answers it
            await asyncio.wait_for(pong, 10)
            async with ws.send_context():
                ws.protocol.send_pong(payload.encode())  # unsolicited: dropped

    asyncio.run(session_run(ws_proxy, REALTIME, send))
    assert upstream(ws_fake).control == []


def test_server_pings_are_answered_and_never_reach_the_client(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    ws_fake.ping_payload = f"mail {EMAIL}".encode()
    got: list[bytes] = []

    async def send(ws: ClientConnection) -> None:
        receive = ws.protocol.recv_frame

        def recv_frame(frame: Frame) -> None:
            if frame.opcode in (Opcode.PING, Opcode.PONG):
                got.append(bytes(frame.data))
            receive(frame)

        ws.protocol.recv_frame = recv_frame  # type: ignore[method-assign]
        await ws.send(json.dumps({"type": "response.create"}))

    asyncio.run(session_run(ws_proxy, REALTIME, send))
    assert got == []
    assert upstream(ws_fake).pong_received  # llmwall answered the fake's ping


# -- 3. the upgrade request: its URL query and headers ---------------------------------


def upgrade(proxy: Proxy, url: str, **more: Any) -> InvalidStatus | None:
    """Open a session and wait for its first message; the refusal, if refused."""

    async def run() -> InvalidStatus | None:
        try:
            async with connect(url, **options(proxy, **more)) as ws:
                if "realtime" in url:
                    await asyncio.wait_for(ws.recv(), 10)
        except InvalidStatus as refused:
            return refused
        return None

    return asyncio.run(run())


def test_a_planted_value_in_the_upgrade_query_is_redacted(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    url = f"{REALTIME}&user={EMAIL}&note=key%20{AWS_KEY}"
    refused = upgrade(ws_proxy, url)
    if refused is None:
        session = upstream(ws_fake)
        assert_nothing_planted([session.path])
        assert "model=gpt-realtime" in session.path
    else:
        assert refused.response.status_code in (400, 403) and not ws_fake.sessions


@pytest.mark.parametrize(
    "header",
    ["X-End-User", "X-Request-Note", "Openai-Organization-Note"],
)
def test_a_planted_value_in_an_upgrade_header_is_redacted(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, header: str
) -> None:
    refused = upgrade(ws_proxy, REALTIME, additional_headers={header: f"{EMAIL} / {AWS_KEY}"})
    assert refused is None
    session = upstream(ws_fake)
    assert_nothing_planted([json.dumps(session.headers), session.path])
    assert header.lower() in session.headers  # redacted in place, not dropped


def test_credentials_of_the_upgrade_pass_untouched(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    protocols = ["realtime", f"openai-insecure-api-key.{API_KEY}", "openai-beta.realtime-v1"]
    refused = upgrade(ws_proxy, REALTIME, subprotocols=protocols)  # type: ignore[arg-type]
    assert refused is None
    offered = upstream(ws_fake).headers["sec-websocket-protocol"]
    assert f"openai-insecure-api-key.{API_KEY}" in offered
    ws_fake.reset()
    refused = upgrade(ws_proxy, f"{LIVE}?key=AIzaSyD-credential-{AWS_KEY[4:]}")
    assert refused is None
    assert f"key=AIzaSyD-credential-{AWS_KEY[4:]}" in upstream(ws_fake).path


def handshakes(ws_fake: FakeWebSocketProvider) -> list[str]:
    return [path + json.dumps(headers) for path, headers in ws_fake.handshakes]


@pytest.mark.parametrize(
    ("headers", "protocols"),
    [
        ({}, ["realtime", f"x-note.{AWS_KEY}"]),
        ({"Sec-Note": EMAIL}, None),  # any header named Sec-*
        ({"Sec-WebSocket-Key": f"{AWS_KEY}AA=="}, None),  # 24 base64 characters
        ({"Sec-WebSocket-Extensions": f"permessage-deflate; x={AWS_KEY}, x-{EMAIL}"}, None),
    ],
    ids=["subprotocol", "sec-header", "websocket-key", "extensions"],
)
def test_the_handshake_headers_carry_no_planted_value(
    ws_proxy: Proxy,
    ws_fake: FakeWebSocketProvider,
    headers: dict[str, str],
    protocols: list[str] | None,
) -> None:
    async def run() -> None:
        try:
            async with connect(
                REALTIME,
                **options(ws_proxy, additional_headers=headers, subprotocols=protocols),
            ) as ws:
                await asyncio.wait_for(ws.recv(), 10)
        except InvalidStatus:  # refused by llmwall (a finding in a header it cannot
            pass  # rewrite blocks) or by the fake (a redacted token is no valid token)
        except InvalidHeaderValue:  # two keys (the client's and the planted one)
            assert "Sec-WebSocket-Key" in headers

    asyncio.run(run())
    # either refused before the upstream or arrived with nothing planted
    assert_nothing_planted(handshakes(ws_fake))
    if "Sec-WebSocket-Key" in headers:
        assert ws_fake.handshakes, "a planted key is replaced, not refused"


def test_the_client_still_completes_the_handshake_with_its_own_key(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    async def run() -> str:
        async with connect(REALTIME, **options(ws_proxy)) as ws:
            assert ws.request is not None
            return ws.request.headers["Sec-WebSocket-Key"]

    key = asyncio.run(run())
    (_, headers) = ws_fake.handshakes[-1]
    upstream_key = dict(headers)["sec-websocket-key"]
    assert upstream_key != key and len(upstream_key) == 24
    assert dict(headers)["sec-websocket-extensions"].startswith("permessage-deflate")


# -- 4. other tricks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        ("\ufeff" + json.dumps(item(f"mail {EMAIL}"))).encode(),  # a text frame with a BOM
        json.dumps(item("x")).replace('"x"', json.dumps(f"mail {EMAIL}").replace("@", "\\u0040")),
        json.dumps({**item(f"mail {EMAIL}"), "item": {}, "type": "conversation.item.create"}),
        '{"type":"conversation.item.create","item":{}, "item":'
        + json.dumps(item(f"mail {EMAIL}")["item"]) + "}",  # a duplicate key
        json.dumps({"type": "conversation.item.create", "event_id": EMAIL, **item("hi")}),
        json.dumps({"type": "x.unknown", "event_id": "e1", "deep": {"n": [{"v": AWS_KEY}]}}),
        json.dumps({**item("hi"), "note": {EMAIL: AWS_KEY}}),  # a field no reader knows
        json.dumps({"type": "input_audio_buffer.append", "audio": "UklGRg==", "x": EMAIL}),
        json.dumps(item(("filler text. " * 400_000) + f"mail {EMAIL}")),  # a 5 MB frame
    ],
    ids=[
        "bom-text", "escaped", "overwritten", "duplicate-key", "event-id", "unknown",
        "unknown-field", "audio-extra-field", "huge",
    ],
)  # fmt: skip
def test_client_frame_tricks(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, payload: str | bytes
) -> None:
    async def send(ws: ClientConnection) -> None:
        await ws.send(payload)

    asyncio.run(session_run(ws_proxy, REALTIME, send, max_size=None))
    assert_nothing_planted(upstream(ws_fake).received)


@pytest.mark.parametrize(
    "frame",
    [
        server_event("x.new_event_type", payload={"text": f"mail {EMAIL}"}),
        server_event("response.new_thing.done", text=f"key {AWS_KEY}"),
        server_event("response.output_text.delta", item_id="i", content_index=0,
                     delta=f"mail {EMAIL}", event_id=EMAIL),
        server_event("conversation.item.created", item={"id": EMAIL, "type": "message"}),
        server_event("response.output_text.delta", item_id="i", content_index=0, delta="hi",
                     note=f"mail {EMAIL}"),
        server_event("response.done", response={"id": "r", "output": [], "x": {EMAIL: 1}}),
        server_event("response.output_audio.delta", item_id="i", delta="UklGRg==",
                     transcript_hint=f"key {AWS_KEY}"),
        "\ufeff" + server_event("response.output_text.done", text=f"key {AWS_KEY}"),
        f"not json from the server: {EMAIL}",
    ],
    ids=[
        "unknown-type", "unknown-done", "id-field", "item-id", "delta-extra-field",
        "response-key", "audio-extra-field", "bom", "not-json",
    ],
)  # fmt: skip
def test_server_frame_tricks(ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, frame: str) -> None:
    ws_fake.extra = [frame]
    got = _server_frames(ws_proxy)
    assert got, "the client received nothing"
    assert_nothing_planted(got)


async def raw_upgrade(
    proxy: Proxy, host: str, path: str, upgrade: str = "Upgrade: websocket\r\n"
) -> tuple[int, list[Any]]:
    """An upgrade through the proxy by hand (CONNECT, TLS, the GET), by a client that
    checks nothing in the answer; (its status, the WebSocket events until the first
    message or a close)."""
    port = int(proxy.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    await writer.start_tls(trust(proxy), server_hostname=host)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{upgrade}"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    writer.write(request.encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status = int(head.split(b" ", 2)[1])
    conn = wsproto.Connection(wsproto.ConnectionType.CLIENT)
    events: list[Any] = []
    while status == 101 and not any(isinstance(e, (CloseConnection, Message)) for e in events):
        data = await asyncio.wait_for(reader.read(65536), 10)
        conn.receive_data(data or None)
        events += list(conn.events())
        if not data:
            break
    writer.close()
    return status, events


def test_an_answer_with_an_extension_llmwall_cannot_read_closes_the_session(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    path = "/v1/realtime?model=gpt-realtime"
    ws_fake.answer_extensions = "x-scramble; key=1"
    status, events = asyncio.run(raw_upgrade(ws_proxy, "api.openai.com", path))
    assert status == 101
    (close,) = [e for e in events if isinstance(e, CloseConnection)]
    assert close.code == 1008 and "websocket_unreadable_extension" in close.reason
    assert not any(isinstance(e, Message) for e in events)  # no frame got through
    # the same client without the odd extension holds a session
    ws_fake.answer_extensions = None
    status, events = asyncio.run(raw_upgrade(ws_proxy, "api.openai.com", path))
    assert status == 101 and any(isinstance(e, Message) for e in events)
    assert not any(isinstance(e, CloseConnection) for e in events)


def test_gemini_live_realtime_blobs_that_are_text_are_read(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    import base64

    def blob(text: str, mime: str) -> dict[str, str]:
        return {"data": base64.b64encode(text.encode()).decode(), "mimeType": mime}

    async def send(ws: ClientConnection) -> None:
        await ws.send(json.dumps({"setup": {"model": "models/gemini-live-test"}}))
        await asyncio.wait_for(ws.recv(), 10)
        chunks = [blob(f"mail {EMAIL}", "text/plain"), blob(f"key {AWS_KEY}", "audio/pcm")]
        await ws.send(json.dumps({"realtimeInput": {"mediaChunks": chunks}}))
        await ws.send(json.dumps({"realtime_input": {"video": blob(EMAIL, "image/jpeg")}}))
        await ws.send(json.dumps({"setup": {}}))  # answered: all were handled
        await asyncio.wait_for(ws.recv(), 10)

    asyncio.run(session_run(ws_proxy, LIVE, send))
    received = upstream(ws_fake).received
    assert len(received) == 4
    decoded = []
    for message in received:
        data = json.loads(message)
        realtime = data.get("realtimeInput") or data.get("realtime_input") or {}
        for part in [*realtime.get("mediaChunks", []), *filter(None, [realtime.get("video")])]:
            decoded.append(base64.b64decode(part["data"]).decode())
    assert decoded == ["mail <EMAIL_ADDRESS>", "key <AWS_ACCESS_KEY_ID>", "<EMAIL_ADDRESS>"]
    assert_nothing_planted(received)


@pytest.mark.parametrize(
    ("url", "frame"),
    [
        (LIVE, {"newServerThing": {"text": f"mail {EMAIL}"}}),
        (LIVE, {"serverContent": {"modelTurn": {"parts": [{"newPart": {"t": AWS_KEY}}]}}}),
        (LIVE, {"toolCall": {"functionCalls": [{"id": "c", "name": "f",
                                               "args": {"to": EMAIL}}]}}),
        (RESPONSES, {"type": "response.new_event", "payload": {"text": f"mail {EMAIL}"}}),
        (RESPONSES, {"type": "response.output_text.done", "item_id": "m", "output_index": 0,
                     "content_index": 0, "text": f"key {AWS_KEY}", "x": {EMAIL: 1}}),
    ],
    ids=["live-unknown", "live-unknown-part", "live-tool-args", "responses-unknown",
         "responses-done-extra"],
)  # fmt: skip
def test_server_frames_of_other_protocols(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, url: str, frame: dict[str, Any]
) -> None:
    ws_fake.extra = [json.dumps(frame), json.dumps(frame).encode()]  # text, then binary
    got: list[Any] = []

    async def run() -> None:
        try:
            async with connect(url, **options(ws_proxy)) as ws:
                if url == LIVE:
                    await ws.send(json.dumps({"setup": {"model": "models/gemini-live-test"}}))
                    await asyncio.wait_for(ws.recv(), 10)
                    turn = {"turns": [{"role": "user", "parts": [{"text": "hi"}]}]}
                    await ws.send(json.dumps({"clientContent": turn}))
                else:
                    create = {"type": "response.create", "model": "m", "input": "hi"}
                    await ws.send(json.dumps(create))
                while True:  # until the fake has sent everything (then a quiet 3 s)
                    got.append(await asyncio.wait_for(ws.recv(), 3))
        except (ConnectionClosed, TimeoutError):
            pass

    asyncio.run(run())
    assert got, "the client received nothing"
    assert_nothing_planted(got)


@pytest.mark.parametrize(
    "upgrade_header",
    [{"Upgrade": "foo"}, {"Upgrade": "WebSocket"}],
    ids=["token-list", "second-line"],
)
def test_an_upgrade_header_llmwall_did_not_expect_still_gets_the_session_read(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, upgrade_header: dict[str, str]
) -> None:
    # websockets sends its own `Upgrade: websocket` too: the request has a token list
    # (`websocket, foo`) that a provider's WebSocket library may accept
    create = {"type": "response.create", "model": "m", "input": f"key {AWS_KEY} {EMAIL}"}

    async def send(ws: ClientConnection) -> None:
        await ws.send(json.dumps(create))
        await asyncio.wait_for(ws.recv(), 10)

    asyncio.run(session_run(ws_proxy, RESPONSES, send, additional_headers=upgrade_header))
    (session,) = ws_fake.sessions
    assert_nothing_planted(session.received)
    assert "key <AWS_ACCESS_KEY_ID> <EMAIL_ADDRESS>" in wire(session.received[0])  # read


def test_a_session_whose_upgrade_llmwall_did_not_see_is_closed_at_its_start(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    # no `Upgrade` header at all, and a provider that answers 101 anyway
    ws_fake.accept_any_upgrade = True
    status, events = asyncio.run(raw_upgrade(ws_proxy, "api.openai.com", "/v1/responses", ""))
    assert status == 101
    (close,) = [e for e in events if isinstance(e, CloseConnection)]
    assert close.code == 1008 and "websocket_unchecked" in close.reason


def test_a_101_to_another_protocol_is_refused_not_tunnelled(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    ws_fake.answer_upgrade = "tcp-tunnel"
    status, _ = asyncio.run(raw_upgrade(ws_proxy, "api.openai.com", "/v1/responses"))
    assert status == 502


def test_a_client_close_reason_reaches_the_upstream_redacted(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    async def run() -> None:
        async with connect(REALTIME, **options(ws_proxy)) as ws:
            await asyncio.wait_for(ws.recv(), 10)
            await ws.close(4000, f"bye {EMAIL} {AWS_KEY}")

    asyncio.run(run())
    session = upstream(ws_fake)
    asyncio.run(wait_closed(session))
    assert session.close_code == 4000
    assert session.close_reason == "bye <EMAIL_ADDRESS> <AWS_ACCESS_KEY_ID>"


def test_a_server_close_reason_reaches_the_client_redacted(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider
) -> None:
    ws_fake.close_with = (4001, f"quota for {EMAIL} exceeded")

    async def run() -> ConnectionClosed:
        async with connect(REALTIME, **options(ws_proxy)) as ws:
            await asyncio.wait_for(ws.recv(), 10)
            await ws.send(json.dumps({"type": "response.create"}))
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed as closed:
                return closed

    closed = asyncio.run(run())
    assert closed.rcvd is not None and closed.rcvd.code == 4001
    assert closed.rcvd.reason == "quota for <EMAIL_ADDRESS> exceeded"


async def wait_closed(session: Session) -> None:
    for _ in range(200):
        if session.close_code is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the upstream's side never closed")


@pytest.mark.parametrize(
    ("url", "protocols"),
    [
        (f"{LIVE}?key={EMAIL}", None),
        (REALTIME, ["realtime", f"openai-insecure-api-key.{AWS_KEY}"]),
        (f"{REALTIME}&api_key=x{EMAIL}", None),
    ],
    ids=["query-key", "api-key-subprotocol", "query-api-key"],
)
def test_a_planted_value_in_a_credential_slot_never_reaches_the_upstream(
    ws_proxy: Proxy, ws_fake: FakeWebSocketProvider, url: str, protocols: list[str] | None
) -> None:
    async def run() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, **options(ws_proxy, subprotocols=protocols)) as ws:
                if url == REALTIME:
                    await asyncio.wait_for(ws.recv(), 10)
        assert refused.value.response.status_code == 403
        assert "credential" in json.loads(refused.value.response.body)["error"]["message"]

    asyncio.run(run())
    assert_nothing_planted(handshakes(ws_fake))
    assert not ws_fake.handshakes  # refused: a credential slot is no place for these
