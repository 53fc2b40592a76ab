"""The WebSocket handshake's own headers (issue 13): the key replaced, extensions kept
to permessage-deflate, the subprotocol header read without its API-key token, other
`Sec-*` headers read, and credential slots checked for what no credential is."""

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


def test_the_subprotocol_header_is_read_without_the_api_key_token_and_never_rewritten() -> None:
    value = f"realtime, openai-insecure-api-key.sk-proj-abc, x-note.{AWS}"
    env = Envelope.read("/v1/realtime", "", (("Sec-WebSocket-Protocol", value),))
    (segment,) = [s for s in env.segments if s.path == (ENVELOPE, "header", 0)]
    assert "sk-proj-abc" not in segment.text and f"x-note.{AWS}" in segment.text
    assert segment.locked  # a finding that needs redaction blocks the upgrade


@pytest.mark.parametrize(
    ("name", "value", "scanned"),
    [
        ("Sec-Note", "maria.lopez@example.com", True),
        ("Sec-WebSocket-Extensions", f"permessage-deflate; x={AWS}", True),
        ("Sec-Fetch-Mode", "maria.lopez@example.com", True),
        ("Sec-WebSocket-Key", f"{AWS}AA==", False),  # a nonce: replaced upstream instead
    ],
)
def test_sec_headers_are_read_but_the_handshake_nonce(name: str, value: str, scanned: bool) -> None:
    env = Envelope.read("/v1/x", "", ((name, value),))
    values = [s for s in env.segments if s.path == (ENVELOPE, "header", 0)]
    assert bool(values) is scanned


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
    from llmwall.core.credential_slots import planted_in_credentials
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
