"""The WebSocket layer's Fragmentizer as llmwall installs it: unmodified messages keep
their frames, changed text is cut only on character boundaries, several messages can
replace one, and an injected CloseRequest becomes a close with a chosen code."""

from __future__ import annotations

import pytest
import wsproto.events
from mitmproxy.proxy.layers import websocket as ws_layer

from llmwall.addon.ws_frames import CloseRequest, Fragmentizer, Messages, install


def frames(fragments: list[bytes], is_text: bool, content: bytes) -> list[wsproto.events.Event]:
    return list(Fragmentizer(fragments, is_text)(content))


def data(events: list[wsproto.events.Event]) -> list[tuple[bytes | str, bool]]:
    return [(e.data, e.message_finished) for e in events if isinstance(e, wsproto.events.Message)]


def test_an_unmodified_message_keeps_its_frames() -> None:
    original = [b"hello ", b"world"]
    assert data(frames(original, True, b"hello world")) == [("hello ", False), ("world", True)]


def test_a_changed_message_sent_as_one_frame_stays_one_frame() -> None:
    big = ("ü" * 5000).encode()
    assert data(frames([b"x" * 10], True, big)) == [("ü" * 5000, True)]


@pytest.mark.parametrize("size", [7, 8, 9])
def test_changed_fragmented_text_is_cut_on_character_boundaries(size: int) -> None:
    text = "aé☃😀" * 40
    out = data(frames([b"x" * size, b"y" * size], True, text.encode()))
    assert "".join(str(d) for d, _ in out) == text
    assert all("\ufffd" not in str(d) for d, _ in out)
    assert [finished for _, finished in out] == [False] * (len(out) - 1) + [True]
    assert all(len(str(d).encode()) <= size for d, _ in out)


def test_same_length_text_with_a_split_character_is_reframed() -> None:
    content = "ab☃".encode()  # 5 bytes; the original cut at 3 falls inside the snowman
    out = data(frames([b"abc", b"de"], True, content))
    assert "".join(str(d) for d, _ in out) == "ab☃" and all("\ufffd" not in str(d) for d, _ in out)


def test_binary_is_cut_anywhere() -> None:
    blob = bytes(range(256)) * 20
    out = data(frames([b"x" * 1000, b"y" * 1000], False, blob))
    assert b"".join(d for d, _ in out) == blob  # type: ignore[misc]


def test_messages_go_out_separately_in_order() -> None:
    out = data(frames([b"x" * 20], True, Messages([b'{"a":1}', b'{"b":2}'])))
    assert out == [('{"a":1}', True), ('{"b":2}', True)]
    assert Messages([b"ab", b"c"]) == b"abc"  # what mitmproxy stores


def test_a_close_request_is_a_close_with_its_code_and_reason() -> None:
    (event,) = frames([], True, CloseRequest(1008, "llmwall blocked: block:X"))
    assert isinstance(event, wsproto.events.CloseConnection)
    assert (event.code, event.reason) == (1008, "llmwall blocked: block:X")


def test_install_replaces_the_layers_fragmentizer() -> None:
    original = ws_layer.Fragmentizer
    try:
        install()
        assert ws_layer.Fragmentizer is Fragmentizer
        assert Fragmentizer.__bases__[0].__module__ == "mitmproxy.proxy.layers.websocket"
    finally:
        ws_layer.Fragmentizer = original  # type: ignore[misc]


def _deflate_pair() -> tuple[wsproto.Connection, wsproto.Connection]:
    """A client and a server wsproto connection that negotiated permessage-deflate
    (the server side built the way mitmproxy's layer builds it)."""
    import wsproto.extensions
    from wsproto import ConnectionType

    install()
    offer = wsproto.extensions.PerMessageDeflate()
    offered = offer.offer()
    server_ext = wsproto.extensions.PerMessageDeflate()  # llmwall's, after install()
    accepted = server_ext.accept(offered if isinstance(offered, str) else "")
    assert isinstance(accepted, str)
    offer.finalize(accepted)
    client = wsproto.Connection(ConnectionType.CLIENT, [offer])
    server = wsproto.Connection(ConnectionType.SERVER, [server_ext])
    return client, server


def test_a_ping_between_compressed_fragments_keeps_the_message_readable() -> None:
    client, server = _deflate_pair()
    wire = client.send(wsproto.events.TextMessage("mail maria.lopez@", message_finished=False))
    wire += client.send(wsproto.events.Ping(b"p"))
    wire += client.send(wsproto.events.TextMessage("example.com please", message_finished=True))
    server.receive_data(wire)
    events = list(server.events())
    text = "".join(e.data for e in events if isinstance(e, wsproto.events.TextMessage))
    assert text == "mail maria.lopez@example.com please"
    assert any(isinstance(e, wsproto.events.Ping) for e in events)
    assert not any(isinstance(e, wsproto.events.CloseConnection) for e in events)


def test_a_compressed_control_frame_is_still_a_protocol_error() -> None:
    _, server = _deflate_pair()
    # a ping with RSV1 set (unmasked is a protocol error too; this one is masked)
    server.receive_data(bytes([0xC9, 0x81, 1, 2, 3, 4, ord("p") ^ 1]))
    (event,) = list(server.events())
    assert isinstance(event, wsproto.events.CloseConnection) and event.code == 1002
