"""The answer side of "nothing leaves unscanned" (issue 13): a fake upstream answers with
a planted AWS key or e-mail hidden where a dialect does not look (a BOM before the first
SSE event, SSE comments and unknown fields, NDJSON on an SSE endpoint and the reverse,
unknown JSON fields in bodies and stream events, error bodies, response headers,
encoded and oddly framed streams), and a raw client behind the real proxy must never
receive it."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.clients import openai_client, trust
from tests.e2e.conftest import Proxy, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import AWS_KEY, EMAIL, PLANTED, record_for
from tests.e2e.raw_client import chat_body, http2, tunnel

OPENAI = "https://api.openai.com/v1/chat/completions"
ANTHROPIC = "https://api.anthropic.com/v1/messages"
GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:generateContent"
GEMINI_STREAM = (
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent"
)
OLLAMA = "https://ollama.com/api/chat"
RESPONSES = "https://api.openai.com/v1/responses"
COMPLETIONS = "https://api.openai.com/v1/completions"
SSE = {"content-type": "text/event-stream"}
JSON_TYPE = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def answers_proxy(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeProvider, fake_tls: tuple[Path, Path, Path]
) -> Iterator[Proxy]:
    upstream = {"upstream": fake.url}
    config = {
        "upstream_ca": str(fake_tls[0]),
        "providers": {name: upstream for name in ("openai", "anthropic", "gemini", "ollama")},
    }
    p = start_proxy(tmp_path_factory.mktemp("llmwall-answers"), config)
    yield p
    p.stop()


def _chunk(delta: dict[str, Any], finish: str | None = None, **top: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-x",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **top,
    }


def _data(obj: Any, nl: bytes = b"\n") -> bytes:
    return b"data: " + json.dumps(obj).encode() + nl + nl


def _openai_sse(*events: bytes, first: bytes = b"", last: bytes = b"", **top: Any) -> bytes:
    """A chat stream; `first` and `last` are lines put inside the first and the finish
    event (whose text is never held back, so they are forwarded as received)."""
    end = last + _data(_chunk({}, "stop", **top)) + b"data: [DONE]\n\n"
    return first + _data(_chunk({"role": "assistant", "content": ""})) + b"".join(events) + end


def _hello() -> bytes:
    return _data(_chunk({"content": "hello "}))


def _completion(message: dict[str, Any], **top: Any) -> bytes:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-x",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        **top,
    }
    return json.dumps(body).encode()


def _call(
    proxy: Proxy,
    fake: FakeProvider,
    url: str,
    status: int,
    headers: dict[str, str],
    body: bytes | list[bytes],
    request: dict[str, Any] | None = None,
) -> httpx.Response:
    fake.next(exact=(status, headers, body))
    payload = request or {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    with httpx.Client(proxy=proxy.url, verify=trust(proxy), timeout=30) as http:
        return http.post(url, json=payload, headers={"authorization": "Bearer sk-test"})


def _assert_clean(answer: httpx.Response) -> None:
    seen = answer.content.decode("utf-8", "replace") + json.dumps(dict(answer.headers))
    for value in PLANTED:
        assert value not in seen, f"{value!r} reached the client: {seen[:600]!r}"


# -- SSE framing ------------------------------------------------------------------------

STREAMS: dict[str, tuple[str, bytes | list[bytes]]] = {
    "bom-first-event": (
        OPENAI,
        b"\xef\xbb\xbf" + _data(_chunk({"content": f"key {AWS_KEY} "})) + _openai_sse(),
    ),
    "comment-own-event": (OPENAI, _openai_sse(f": {AWS_KEY}\n\n".encode(), _hello())),
    "comment-inside-event": (
        OPENAI,
        _openai_sse(_hello(), first=f": mail {EMAIL}\n".encode()),
    ),
    "unknown-field": (OPENAI, _openai_sse(_hello(), last=f"foo: {AWS_KEY}\n".encode())),
    "unknown-field-alone": (OPENAI, _openai_sse(f"x-debug: {EMAIL}\n\n".encode(), _hello())),
    "id-field": (OPENAI, _openai_sse(_hello(), last=f"id: {EMAIL}\n".encode())),
    "event-name": (OPENAI, _openai_sse(_hello(), first=f"event: {AWS_KEY}\n".encode())),
    "retry-field": (OPENAI, _openai_sse(_hello(), last=f"retry: {AWS_KEY}\n".encode())),
    "bare-line": (OPENAI, _openai_sse(f"{AWS_KEY}\n\n".encode(), _hello())),
    "data-no-space": (
        OPENAI,
        _openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "})).replace(b"data: ", b"data:")),
    ),
    "cr-only": (
        OPENAI,
        _openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "}))).replace(b"\n", b"\r"),
    ),
    "mixed-line-endings": (
        OPENAI,
        _openai_sse(
            b"data: " + json.dumps(_chunk({"content": f"mail {EMAIL} "})).encode() + b"\n\r\n"
        ),
    ),
    "split-every-byte": (
        OPENAI,
        [bytes([b]) for b in _openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "})))],
    ),
    "event-over-holdback": (
        OPENAI,
        _openai_sse(_data(_chunk({"content": "word " * 400 + f"key {AWS_KEY} " + "word " * 400}))),
    ),
    "unknown-delta-field": (
        OPENAI,
        _openai_sse(_data(_chunk({"content": "hi ", "some_new_field": f"key {AWS_KEY}"}))),
    ),
    "unknown-top-field": (
        OPENAI,
        _openai_sse(_hello(), debug={"echo": f"mail {EMAIL}"}),
    ),
    "unknown-choice-field": (
        OPENAI,
        _openai_sse(
            _data(
                {**_chunk({"content": "hi "}), "choices": [{"index": 0, "delta": {}, "x": EMAIL}]}
            )
        ),
    ),
    "ndjson-on-sse": (
        OPENAI,
        b"".join(
            json.dumps(c).encode() + b"\n"
            for c in (_chunk({"content": f"key {AWS_KEY} "}), {"text": f"mail {EMAIL}"})
        ),
    ),
    "responses-unknown-event-field": (
        RESPONSES,
        b"".join(
            f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode()
            for e in (
                {
                    "type": "response.created",
                    "sequence_number": 0,
                    "response": {
                        "id": "resp_1",
                        "object": "response",
                        "status": "in_progress",
                        "output": [],
                    },
                },
                {
                    "type": "response.output_text.delta",
                    "item_id": "msg_1",
                    "output_index": 0,
                    "content_index": 0,
                    "delta": "hi ",
                    "hint": f"key {AWS_KEY}",
                    "sequence_number": 1,
                },
                {
                    "type": "response.completed",
                    "sequence_number": 2,
                    "response": {
                        "id": "resp_1",
                        "object": "response",
                        "status": "completed",
                        "output": [],
                        "debug": EMAIL,
                    },
                },
            )
        ),
    ),
    "anthropic-unknown-delta-field": (
        ANTHROPIC,
        b"".join(
            f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode()
            for e in (
                {
                    "type": "message_start",
                    "message": {
                        "id": "msg_1",
                        "type": "message",
                        "role": "assistant",
                        "model": "c",
                        "content": [],
                        "stop_reason": None,
                        "usage": {"input_tokens": 1, "output_tokens": 1},
                    },
                },
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": "hi ", "note": f"key {AWS_KEY}"},
                },
                {"type": "content_block_stop", "index": 0},
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 2},
                    "debug": EMAIL,
                },
                {"type": "message_stop"},
            )
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_a_planted_value_in_a_stream_never_reaches_the_client(
    answers_proxy: Proxy, fake: FakeProvider, name: str
) -> None:
    url, body = STREAMS[name]
    request = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    if url == ANTHROPIC:
        request["max_tokens"] = 10
    answer = _call(answers_proxy, fake, url, 200, SSE, body, request)
    _assert_clean(answer)


def test_a_bom_stream_still_delivers_its_first_event(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    body = b"\xef\xbb\xbf" + _data(_chunk({"content": "first "})) + _openai_sse(_hello())
    answer = _call(answers_proxy, fake, OPENAI, 200, SSE, body, {"model": "m", "stream": True})
    assert "first " in answer.text and "hello " in answer.text


@pytest.mark.parametrize("ends", [b"\r\r", b"\n\r\n"], ids=["cr-only", "lf-crlf"])
def test_odd_line_ends_are_delivered_redacted_not_blocked(
    answers_proxy: Proxy, fake: FakeProvider, ends: bytes
) -> None:
    body = _openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "}))).replace(b"\n\n", ends)
    answer = _call(answers_proxy, fake, OPENAI, 200, SSE, body, {"model": "m", "stream": True})
    _assert_clean(answer)
    assert "<AWS_ACCESS_KEY_ID>" in answer.text and "[DONE]" in answer.text


def test_a_harmless_comment_is_kept(answers_proxy: Proxy, fake: FakeProvider) -> None:
    body = _openai_sse(b": keep-alive\n\n", _hello())
    answer = _call(answers_proxy, fake, OPENAI, 200, SSE, body, {"model": "m", "stream": True})
    assert ": keep-alive" in answer.text and "hello " in answer.text


def test_a_gzip_stream_is_read(answers_proxy: Proxy, fake: FakeProvider) -> None:
    body = gzip.compress(_openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "}))))
    headers = {**SSE, "content-encoding": "gzip"}
    answer = _call(
        answers_proxy,
        fake,
        OPENAI,
        200,
        headers,
        [body[:7], body[7:]],
        {"model": "m", "stream": True},
    )
    _assert_clean(answer)
    assert "<AWS_ACCESS_KEY>" in answer.text or "[DONE]" in answer.text


def test_a_br_stream_is_read(answers_proxy: Proxy, fake: FakeProvider) -> None:
    brotli = pytest.importorskip("brotli")
    body = brotli.compress(_openai_sse(_data(_chunk({"content": f"key {AWS_KEY} "}))))
    headers = {**SSE, "content-encoding": "br"}
    answer = _call(
        answers_proxy, fake, OPENAI, 200, headers, [body], {"model": "m", "stream": True}
    )
    _assert_clean(answer)


def test_sse_on_an_ndjson_endpoint(answers_proxy: Proxy, fake: FakeProvider) -> None:
    line = {
        "model": "l",
        "message": {"role": "assistant", "content": f"key {AWS_KEY}"},
        "done": False,
    }
    body = _data(line) + _data({"model": "l", "done": True, "x": EMAIL})
    answer = _call(
        answers_proxy,
        fake,
        OLLAMA,
        200,
        {"content-type": "application/x-ndjson"},
        body,
        {"model": "l", "messages": [{"role": "user", "content": "hi"}]},
    )
    _assert_clean(answer)


def test_a_json_array_stream_with_an_unknown_field(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    element = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "hi", "newField": AWS_KEY}]},
                "finishReason": "STOP",
            }
        ],
        "debug": EMAIL,
    }
    body = [b"[", json.dumps(element).encode(), b"]"]
    answer = _call(
        answers_proxy,
        fake,
        GEMINI_STREAM,
        200,
        JSON_TYPE,
        body,
        {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
    )
    _assert_clean(answer)


# -- whole answers ----------------------------------------------------------------------

BODIES: dict[str, tuple[str, bytes]] = {
    "openai-message-field": (
        OPENAI,
        _completion({"role": "assistant", "content": "hi", "some_new_field": f"key {AWS_KEY}"}),
    ),
    "openai-top-field": (
        OPENAI,
        _completion({"role": "assistant", "content": "hi"}, debug={"echo": EMAIL}),
    ),
    "anthropic-block-field": (
        ANTHROPIC,
        json.dumps(
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "c",
                "content": [{"type": "text", "text": "hi", "note": f"key {AWS_KEY}"}],
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 1, "output_tokens": 1},
                "debug": EMAIL,
            }
        ).encode(),
    ),
    "gemini-part-field": (
        GEMINI,
        json.dumps(
            {
                "candidates": [
                    {
                        "content": {
                            "role": "model",
                            "parts": [{"text": "hi", "newField": AWS_KEY}],
                        },
                        "finishReason": "STOP",
                    }
                ],
                "modelVersion": "gemini-x",
                "debug": EMAIL,
            }
        ).encode(),
    ),
    "responses-item-field": (
        RESPONSES,
        json.dumps(
            {
                "id": "resp_1",
                "object": "response",
                "status": "completed",
                "model": "gpt-x",
                "output": [
                    {
                        "type": "message",
                        "id": "msg_1",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": "hi", "annotations": []}],
                        "note": f"key {AWS_KEY}",
                    }
                ],
                "debug": EMAIL,
            }
        ).encode(),
    ),
    "completions-choice-field": (
        COMPLETIONS,
        json.dumps(
            {
                "id": "cmpl-1",
                "object": "text_completion",
                "model": "m",
                "choices": [{"index": 0, "text": "hi", "finish_reason": "stop", "x": EMAIL}],
            }
        ).encode(),
    ),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_planted_value_in_an_unknown_field_never_reaches_the_client(
    answers_proxy: Proxy, fake: FakeProvider, name: str
) -> None:
    url, body = BODIES[name]
    answer = _call(answers_proxy, fake, url, 200, JSON_TYPE, body)
    assert answer.status_code == 200
    _assert_clean(answer)


def test_known_ids_and_enums_are_left_alone(answers_proxy: Proxy, fake: FakeProvider) -> None:
    body = _completion(
        {"role": "assistant", "content": "hi", "extra": "nothing to see"},
        system_fingerprint="fp_44709d6fcb",
        service_tier="default",
    )
    answer = _call(answers_proxy, fake, OPENAI, 200, JSON_TYPE, body)
    assert answer.json() == json.loads(body)


# -- errors and headers -----------------------------------------------------------------

ERRORS = {
    "400-key": (400, {"error": {"message": f"invalid key {AWS_KEY}", "type": "invalid"}}),
    "500-email": (500, {"error": {"message": f"no account for {EMAIL}"}}),
    "429-nested": (429, {"error": {"message": "slow down", "details": [{"user": EMAIL}]}}),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_an_error_body_is_scanned(answers_proxy: Proxy, fake: FakeProvider, name: str) -> None:
    status, body = ERRORS[name]
    answer = _call(answers_proxy, fake, OPENAI, status, JSON_TYPE, json.dumps(body).encode())
    assert answer.status_code == status
    _assert_clean(answer)
    assert answer.json()["error"]["message"]


def test_a_text_error_body_is_scanned(answers_proxy: Proxy, fake: FakeProvider) -> None:
    answer = _call(
        answers_proxy,
        fake,
        OPENAI,
        502,
        {"content-type": "text/html"},
        f"<html>bad gateway for {EMAIL}</html>".encode(),
    )
    assert answer.status_code == 502
    _assert_clean(answer)


@pytest.mark.parametrize("streamed", [False, True], ids=["body", "stream"])
def test_a_custom_response_header_is_scanned(
    answers_proxy: Proxy, fake: FakeProvider, streamed: bool
) -> None:
    headers = {"x-debug": f"user {EMAIL}", "x-trace-note": AWS_KEY, "x-request-id": "req_123"}
    if streamed:
        body: bytes = _openai_sse(_hello())
        headers.update(SSE)
    else:
        body = _completion({"role": "assistant", "content": "hi"})
        headers.update(JSON_TYPE)
    answer = _call(
        answers_proxy, fake, OPENAI, 200, headers, body, {"model": "m", "stream": streamed}
    )
    assert answer.status_code == 200
    _assert_clean(answer)
    assert answer.headers["x-request-id"] == "req_123"  # a standard header is left alone
    assert "x-debug" in answer.headers  # redacted in place, not dropped
    assert answer.headers["x-debug"] == "user <EMAIL_ADDRESS>"
    assert AWS_KEY not in answer.headers["x-trace-note"]
    time.sleep(0.3)
    (rec,) = [
        r
        for r in record_for(answers_proxy.audit_db, answer.headers["x-llmwall-request-id"])
        if r["kind"] == "response"
    ]
    entities = {f["entity"] for f in rec["findings"]}
    assert {"EMAIL_ADDRESS", "AWS_ACCESS_KEY_ID"} <= entities, rec
    assert EMAIL not in json.dumps(rec) and AWS_KEY not in json.dumps(rec)  # content-free


@pytest.mark.parametrize("streamed", [False, True], ids=["body", "stream"])
def test_response_trailers_never_reach_an_http2_client(
    answers_proxy: Proxy, fake: FakeProvider, streamed: bool
) -> None:
    if streamed:
        headers, body = {**SSE, "trailer": "x-debug"}, [_openai_sse(_hello())]
    else:
        headers = {**JSON_TYPE, "trailer": "x-debug"}
        body = [_completion({"role": "assistant", "content": "hi"})]
    fake.next(exact=(200, headers, body), trailers={"x-debug": f"user {EMAIL} {AWS_KEY}"})
    host = "api.openai.com"
    with tunnel(
        answers_proxy.url, f"{host}:443", host, str(answers_proxy.bundle), alpn=("h2",)
    ) as sock:
        answer = http2(sock, host, "/v1/chat/completions", chat_body("hi", stream=streamed))
    assert answer.status == 200
    assert (b"hello" if streamed else b'"hi"') in answer.body
    assert "trailers" not in answer.extra
    seen = answer.body.decode() + json.dumps(answer.headers) + json.dumps(answer.extra)
    for value in PLANTED:
        assert value not in seen


def test_the_openai_sdk_reads_a_hostile_stream_clean(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    body = sniff_bom() + _openai_sse(
        f": {AWS_KEY}\n\n".encode(),
        _data(_chunk({"content": f"mail {EMAIL} ", "extra": AWS_KEY})),
        _hello(),
        first=f"x-note: {EMAIL}\n".encode(),
        last=f"id: {EMAIL}\n".encode(),
        debug={"echo": AWS_KEY},
    )
    fake.next(
        exact=(200, {**SSE, "x-debug": EMAIL}, [body[i : i + 7] for i in range(0, len(body), 7)])
    )
    client = openai_client(answers_proxy)
    raw = client.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert EMAIL not in json.dumps(dict(raw.headers))
    chunks = [c.model_dump_json() for c in raw.parse()]
    text = "".join(chunks)
    for value in PLANTED:
        assert value not in text
    assert "<EMAIL_ADDRESS>" in text and "hello " in text


def sniff_bom() -> bytes:
    return b"\xef\xbb\xbf"


def _logprobs(tokens: list[str]) -> dict[str, Any]:
    return {
        "content": [
            {
                "token": t,
                "logprob": -0.1,
                "bytes": list(t.encode()),
                "top_logprobs": [{"token": t, "logprob": -0.1, "bytes": list(t.encode())}],
            }
            for t in tokens
        ]
    }


def _token_texts(obj: Any) -> list[str]:
    """What a client can rebuild from each logprobs list: its tokens joined, and their
    bytes joined and decoded."""
    out: list[str] = []
    if isinstance(obj, dict):
        items = (obj.get("logprobs") or {}).get("content") or ()
        if items:
            out.append("".join(item["token"] for item in items))
            raw = b"".join(bytes(item.get("bytes") or []) for item in items)
            out.append(raw.decode("utf-8", "replace"))
        for value in obj.values():
            out += _token_texts(value)
    elif isinstance(obj, list):
        for value in obj:
            out += _token_texts(value)
    return out


def test_logprobs_do_not_spell_out_a_redacted_value(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    tokens = ["key ", AWS_KEY[:4], AWS_KEY[4:10], AWS_KEY[10:], " end"]
    body = json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": "gpt-x",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(tokens)},
                    "logprobs": _logprobs(tokens),
                    "finish_reason": "stop",
                }
            ],
        }
    ).encode()
    answer = _call(answers_proxy, fake, OPENAI, 200, JSON_TYPE, body)
    _assert_clean(answer)  # the content itself is redacted
    rebuilt = _token_texts(answer.json())
    items = answer.json()["choices"][0]["logprobs"]["content"]
    rebuilt.append("".join(t["token"] for i in items for t in i["top_logprobs"]))
    assert len(rebuilt) == 3 and "<AWS_ACCESS_KEY_ID>" in rebuilt[0]
    for text in rebuilt:
        assert AWS_KEY not in text


def test_stream_logprobs_do_not_spell_out_a_redacted_value(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    tokens = ["key ", AWS_KEY[:4], AWS_KEY[4:10], AWS_KEY[10:], " end ", "more " * 30]
    events = [
        _data(
            {
                **_chunk({"content": t}),
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": t},
                        "logprobs": {
                            "content": [
                                {
                                    "token": t,
                                    "logprob": -0.1,
                                    "bytes": list(t.encode()),
                                    "top_logprobs": [{"token": t, "logprob": -0.1}],
                                }
                            ]
                        },
                        "finish_reason": None,
                    }
                ],
            }
        )
        for t in tokens
    ]
    body = _openai_sse(*events)
    answer = _call(answers_proxy, fake, OPENAI, 200, SSE, body, {"model": "m", "stream": True})
    _assert_clean(answer)
    chunks = [
        json.loads(line[6:]) for line in answer.text.splitlines() if line.startswith("data: {")
    ]
    items = [
        item
        for c in chunks
        for choice in c.get("choices", [])
        for item in ((choice.get("logprobs") or {}).get("content") or [])
    ]
    joined = "".join(i["token"] for i in items)
    raw = b"".join(bytes(i["bytes"]) for i in items).decode()
    tops = "".join(t["token"] for i in items for t in i.get("top_logprobs") or [])
    for text in (joined, raw, tops):
        assert AWS_KEY not in text
    assert "<AWS_ACCESS_KEY_ID>" in joined and "more" in joined and joined == raw


def test_responses_stream_logprobs_do_not_spell_out_a_redacted_value(
    answers_proxy: Proxy, fake: FakeProvider
) -> None:
    tokens = ["word "] * 40 + ["key ", AWS_KEY[:4], AWS_KEY[4:10], AWS_KEY[10:], " end"]
    tokens += ["more "] * 40
    items = [{"token": t, "logprob": -0.1, "bytes": list(t.encode())} for t in tokens]
    events: list[dict[str, Any]] = [
        {
            "type": "response.created",
            "sequence_number": 0,
            "response": {
                "id": "resp_1",
                "object": "response",
                "status": "in_progress",
                "output": [],
            },
        },
    ]
    events += [
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": t,
            "logprobs": [item],
            "sequence_number": i + 1,
        }
        for i, (t, item) in enumerate(zip(tokens, items, strict=True))
    ]
    events.append(
        {
            "type": "response.completed",
            "sequence_number": 9,
            "response": {
                "id": "resp_1",
                "object": "response",
                "status": "completed",
                "output": [
                    {
                        "type": "message",
                        "id": "msg_1",
                        "role": "assistant",
                        "content": [
                            {
                                "type": "output_text",
                                "text": "".join(tokens),
                                "annotations": [],
                                "logprobs": items,
                            }
                        ],
                    }
                ],
            },
        }
    )
    body = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    answer = _call(answers_proxy, fake, RESPONSES, 200, SSE, body, {"model": "m", "stream": True})
    _assert_clean(answer)
    lists = [
        _logprob_lists(json.loads(line[6:]))
        for line in answer.text.splitlines()
        if line.startswith("data: {")
    ]
    streamed = "".join("".join(i["token"] for i in lst) for event in lists[:-1] for lst in event)
    final = ["".join(i["token"] for i in lst) for lst in lists[-1]]
    for text in (streamed, *final):
        assert AWS_KEY not in text


def _logprob_lists(node: Any) -> list[list[dict[str, Any]]]:
    """Every `logprobs` list of token items inside `node`."""
    out: list[list[dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "logprobs" and isinstance(value, list):
                out.append(value)
            else:
                out += _logprob_lists(value)
    elif isinstance(node, list):
        for value in node:
            out += _logprob_lists(value)
    return out
