"""The WebSocket handshake's own headers (issue 13): the key replaced, extensions kept
to permessage-deflate, subprotocol tokens scanned one by one with the API-key token
left alone, any other `Sec-*` header read like a custom one."""

from __future__ import annotations

import pytest

from llmwall.routing.envelope import Envelope
from llmwall.routing.realtime import handshake
from llmwall.routing.segment import ENVELOPE

AWS = "AKIAQ7RZP4XK2M5TNWLB"


def test_accept_is_rfc_6455s() -> None:
    # the example of RFC 6455 section 1.3
    assert handshake.accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_a_fresh_key_is_a_new_16_byte_nonce() -> None:
    keys = {handshake.fresh_key() for _ in range(50)}
    assert len(keys) == 50 and all(len(k) == 24 and k.endswith("==") for k in keys)


@pytest.mark.parametrize(
    ("offer", "kept"),
    [
        ("permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits"),  # noqa: E501
        (
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=12",
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=12",
        ),
        ('permessage-deflate; server_max_window_bits="10"', "permessage-deflate; server_max_window_bits=10"),  # noqa: E501
        (f"permessage-deflate; x={AWS}", None),
        (f"x-webkit-deflate-frame, permessage-deflate, x-{AWS}", "permessage-deflate"),
        ("permessage-deflate; server_max_window_bits=99", None),
        ("", None),
    ],
)  # fmt: skip
def test_extension_offers_keep_only_permessage_deflate(offer: str, kept: str | None) -> None:
    assert handshake.extension_offer(offer) == kept


@pytest.mark.parametrize(
    ("answer", "ok"),
    [
        ("", True),
        ("permessage-deflate", True),
        ("permessage-deflate; server_no_context_takeover; client_max_window_bits=15", True),
        ("permessage-deflate; client_max_window_bits", False),  # an answer gives a value
        ("x-custom-extension", False),
        ("permessage-deflate, permessage-deflate", False),
    ],
)
def test_an_answer_may_name_one_permessage_deflate(answer: str, ok: bool) -> None:
    assert handshake.extensions_answer_ok(answer) is ok


def test_subprotocol_tokens_are_scanned_one_by_one_but_the_api_key_token() -> None:
    value = f"realtime, openai-insecure-api-key.sk-proj-abc, x-note.{AWS}"
    env = Envelope.read("/v1/realtime", "", (("Sec-WebSocket-Protocol", value),))
    texts = {s.path: s.text for s in env.segments}
    assert texts == {
        (ENVELOPE, "header", 0, 0): "realtime",
        (ENVELOPE, "header", 0, 2): f"x-note.{AWS}",
    }
    _, headers = env.apply({(ENVELOPE, "header", 0, 2): "x-note.<AWS_ACCESS_KEY_ID>"})
    assert headers == (
        (
            0,
            "Sec-WebSocket-Protocol",
            "realtime, openai-insecure-api-key.sk-proj-abc, x-note.<AWS_ACCESS_KEY_ID>",
        ),
    )


@pytest.mark.parametrize(
    ("name", "scanned"),
    [
        ("Sec-Note", True),
        ("Sec-WebSocket-Custom", True),
        ("Sec-WebSocket-Key", False),  # replaced by a fresh nonce instead
        ("Sec-WebSocket-Extensions", False),  # kept to permessage-deflate instead
        ("Sec-WebSocket-Version", False),
        ("Sec-Fetch-Mode", False),
        ("Sec-CH-UA", False),
    ],
)
def test_sec_headers_are_read_unless_the_handshake_or_the_browser_owns_them(
    name: str, scanned: bool
) -> None:
    env = Envelope.read("/v1/x", "", ((name, "maria.lopez@example.com"),))
    assert bool(env.segments) is scanned


def test_credential_values_are_what_the_envelope_leaves_unread() -> None:
    from llmwall.routing.envelope import credential_values

    headers = (
        ("Authorization", "Bearer sk-test"),
        ("X-Goog-Api-Key", "AIza-k"),
        ("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.sk-proj-1"),
        ("X-End-User", "bob"),
    )
    got = credential_values("model=m&key=AIza-q&user=u", headers)
    assert got == ["AIza-q", "Bearer sk-test", "AIza-k", "sk-proj-1"]


def test_planted_values_in_credentials_are_named_but_real_keys_are_not() -> None:
    from llmwall.core.frames import planted_in_credentials
    from llmwall.core.scanner import Scanner
    from llmwall.detectors.engine import Detector

    scanner = Scanner(Detector())
    real = [
        "Bearer sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2,
        "AIzaSyD3f8Kx0qLm2Pz9Vb7Nc4Hj6Tw1Rs5Ue8Y",
    ]
    assert planted_in_credentials(scanner, real) == ()
    planted = ["maria.lopez@example.com", f"Bearer {AWS}"]
    assert planted_in_credentials(scanner, planted) == ("AWS_ACCESS_KEY_ID", "EMAIL_ADDRESS")
