"""The generic extractor (every string and key, nested JSON, base64 text, parts), the
envelope (query, path, headers) and the table's new endpoints."""

from __future__ import annotations

import base64
import json

import pytest

from llmwall.errors import InspectionError
from llmwall.routing.body import decode
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.dialects.generic import BLOB_CHARS, GENERIC, NDJSON_STREAM
from llmwall.routing.envelope import Envelope
from llmwall.routing.providers import ProviderTable
from llmwall.routing.segment import BASE64, ENVELOPE, JSON, KEY
from tests.matrix.pdf import pdf_with_text


def _paths(content: bytes, label: str = "application/json") -> dict:
    ex = GENERIC.read_request(decode(content, label))
    return {s.path: (s.text, s.writable, s.locked) for s in ex.segments}


def test_every_string_and_key_with_nested_json() -> None:
    body = {"a": ["x", {"k-1": 1}], "s": json.dumps({"bob@x.com": "v"}), "plain_key": 3}
    got = _paths(json.dumps(body).encode())
    assert got == {
        ("a", 0): ("x", True, ""),
        ("a", 1, KEY, "k-1"): ("k-1", True, ""),
        ("s", JSON, KEY, "bob@x.com"): ("bob@x.com", True, ""),
        ("s", JSON, "bob@x.com"): ("v", True, ""),
    }  # keys of letters and underscores only cannot hold a finding: not scanned


@pytest.mark.parametrize(
    ("value", "segment", "binary"),
    [
        ("data:text/plain;base64," + base64.b64encode(b"hello").decode(), ("v", BASE64), False),
        (
            "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n\x00").decode(),
            None,
            True,
        ),
        (base64.b64encode(b"hello " * BLOB_CHARS).decode(), ("v", BASE64), False),
        (base64.b64encode(bytes(range(256)) * 8).decode(), None, True),
        ("short-b64ish-but-text", ("v",), False),
    ],
)
def test_encoded_strings(value: str, segment: tuple | None, binary: bool) -> None:
    ex = GENERIC.extract_request({"v": value})
    paths = [s.path for s in ex.segments if KEY not in s.path]
    assert paths == ([segment] if segment else [])
    assert bool(ex.binary) is binary


def test_a_pdf_is_read_only_text() -> None:
    data = "data:application/pdf;base64," + base64.b64encode(pdf_with_text("hello pdf")).decode()
    ex = GENERIC.extract_request({"v": data})
    (seg,) = [s for s in ex.segments if KEY not in s.path]
    assert "hello pdf" in seg.text and not seg.writable and seg.locked == "pdf"


def test_an_unreadable_pdf_is_unknown() -> None:
    ex = GENERIC.read_request(decode(b"%PDF-1.4 garbage", "application/pdf"))
    assert ex.unknown == ((),) and not ex.segments


def test_multipart_heads_are_read_only_filenames_writable() -> None:
    content = (
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\nX-Note: n1\r\n\r\nhello\r\n--B--\r\n"
    )
    got = _paths(content, "multipart/form-data; boundary=B")
    head = 'Content-Disposition: form-data; name="f"\nContent-Type: text/plain\nX-Note: n1'
    assert got[(0, "head")] == (head, False, "part_header")
    assert got[(0, "filename")] == ("a.txt", True, "")
    assert got[(0, "value")] == ("hello", True, "")


def test_the_generic_stream_reads_every_event_string() -> None:
    event = StreamEvent(b"", {"a": "x", "obfuscation": "zz", "b": [{"c": "y"}]})
    assert [(p.path, p.text) for p in NDJSON_STREAM.pieces(event)] == [
        (("a",), "x"),
        (("b", 0, "c"), "y"),
    ]
    assert NDJSON_STREAM.error_event("m", "c").endswith(b"\n")


@pytest.mark.parametrize(
    ("headers", "scanned"),
    [
        ((("x-end-user", "bob@x.com"),), ["x-end-user", "bob@x.com"]),
        ((("authorization", "Bearer sk-1"), ("x-api-key", "k"), ("cookie", "c")), []),
        (
            (("user-agent", "OpenAI/Python"), ("x-stainless-os", "Linux"), ("content-type", "a/b")),
            ["OpenAI/Python", "Linux", "a/b"],
        ),
        (
            (("anthropic-version", "2023-06-01"), ("x-goog-upload-file-name", "me.txt")),
            ["2023-06-01", "x-goog-upload-file-name", "me.txt"],
        ),
        ((("OpenAI-Organization", "org-1"),), ["OpenAI-Organization", "org-1"]),
        (
            (
                ("sec-websocket-key", "bm9uY2U="),
                ("sec-websocket-protocol", "realtime, openai-insecure-api-key.sk-1"),
            ),
            ["realtime, "],
        ),
        ((("api-key", "azure-key"),), []),  # the provider's auth header
    ],
)
def test_headers_scanned(headers: tuple, scanned: list[str]) -> None:
    env = Envelope.read("/v1/x", "", headers, auth_headers=("api-key",))
    assert [s.text for s in env.segments] == scanned


def test_query_and_path_written_back() -> None:
    env = Envelope.read(
        "/v1/files/bob@x.com", "key=AIza&user=bob%40x.com&n=1", (("x-u", "bob"),), scan_path=True
    )
    texts = {s.path: s.text for s in env.segments}
    assert (ENVELOPE, "query", 0, 1) not in texts  # ?key= is a credential
    assert texts[(ENVELOPE, "query", 1, 1)] == "bob@x.com"
    assert texts[(ENVELOPE, "path")] == "/v1/files/bob@x.com"
    url, headers = env.apply(
        {
            (ENVELOPE, "query", 1, 1): "<E>",
            (ENVELOPE, "path"): "/v1/files/<E>",
            (ENVELOPE, "header", 0): "<P>\r\nx: y",
        }
    )
    assert url == "/v1/files/%3CE%3E?key=AIza&user=%3CE%3E&n=1"
    assert headers == ((0, "x-u", "<P>  x: y"),)  # no header injection


@pytest.mark.parametrize(
    ("host", "path", "dialect"),
    [
        ("api.openai.com", "/v1/moderations", "openai_moderations"),
        ("api.openai.com", "/v1/files", "openai_files"),
        ("api.openai.com", "/v1/files/file-1/content", "openai_files"),
        ("api.openai.com", "/v1/uploads/up_1/parts", "openai_uploads"),
        ("api.openai.com", "/v1/batches/b_1/cancel", "openai_batches"),
        ("api.openai.com", "/v1/threads/t/runs/r/steps/s", "openai_assistants"),
        ("api.openai.com", "/v1/vector_stores/vs/search", "openai_vector_stores"),
        ("api.openai.com", "/v1/audio/speech", "openai_audio"),
        ("api.openai.com", "/v1/images/variations", "openai_images"),
        ("api.openai.com", "/v1/conversations/c/items/i", "openai_conversations"),
        ("api.openai.com", "/v1/responses/resp_1/input_items", "openai_conversations"),
        ("api.openai.com", "/v1/responses/input_tokens", "openai_responses"),
        ("api.openai.com", "/v1/responses/resp_1", "openai_responses"),
        ("api.openai.com", "/v1/fine_tuning/jobs", None),
        ("api.groq.com", "/openai/v1/batches", "openai_batches"),
        ("x.openai.azure.com", "/openai/v1/files", "openai_files"),
        ("api.anthropic.com", "/v1/messages/batches/b/results", "anthropic_batches"),
        ("api.anthropic.com", "/v1/files", "anthropic_files"),
        ("api.anthropic.com", "/v1/complete", "anthropic_complete"),
        ("generativelanguage.googleapis.com", "/v1beta/cachedContents/c", "gemini_caches"),
        ("generativelanguage.googleapis.com", "/upload/v1beta/files", "gemini_files"),
        (
            "generativelanguage.googleapis.com",
            "/v1/models/m:batchGenerateContent",
            "gemini_batches",
        ),
        ("generativelanguage.googleapis.com", "/v1beta/batches/b:cancel", "gemini_batches"),
        ("generativelanguage.googleapis.com", "/v1beta/tunedModels", "gemini_tuning"),
        ("generativelanguage.googleapis.com", "/v1beta/tunedModels/t:generateContent", "gemini"),
        (
            "us-aiplatform.googleapis.com",
            "/v1/projects/p/locations/l/publishers/google/models/m:computeTokens",
            "gemini",
        ),
        (
            "us-aiplatform.googleapis.com",
            "/v1/projects/p/locations/l/cachedContents",
            "gemini_caches",
        ),
        (
            "us-aiplatform.googleapis.com",
            "/v1/projects/p/locations/l/tuningJobs/j",
            "gemini_tuning",
        ),
    ],
)
def test_the_table_routes_the_new_endpoints(host: str, path: str, dialect: str | None) -> None:
    match = ProviderTable().identify(host, path)
    assert match is not None
    assert (match.endpoint.dialect if match.endpoint else None) == dialect


def _part(disposition: str) -> bytes:
    return (
        f'--B\r\nContent-Disposition: form-data; name="file"; {disposition}\r\n'
        "Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("disposition", "name", "writable"),
    [
        ("filename*=UTF-8''maria.lopez%40example.com.txt", "maria.lopez@example.com.txt", True),
        ("filename*=utf-8'en'%C3%A9t%C3%A9.txt", "été.txt", True),
        ("filename=\"a.txt\"; filename*=UTF-8''a.txt", "a.txt", True),
        ('filename*0="maria.lopez"; filename*1="@example.com"', "maria.lopez@example.com", False),
        (
            "filename*0*=UTF-8''maria%2Elopez; filename*1*=%40example.com",
            "maria.lopez@example.com",
            False,
        ),
    ],
)
def test_a_file_name_is_read_as_a_server_reads_it(
    disposition: str, name: str, writable: bool
) -> None:
    got = _paths(_part(disposition), "multipart/form-data; boundary=B")
    assert got[(0, "filename")][:2] == (name, writable)
    assert "filename" not in got[(0, "head")][0]


@pytest.mark.parametrize(
    "disposition",
    [
        "filename=\"a.txt\"; filename*=UTF-8''maria.lopez%40example.com",  # two names
        "filename*=maria.lopez%40example.com",  # no charset''
        "filename*=bogus-charset''x",
        "filename*0=a; filename*2=b",  # a missing piece
    ],
)
def test_a_file_name_a_server_could_read_otherwise_is_refused(disposition: str) -> None:
    with pytest.raises(InspectionError):
        decode(_part(disposition), "multipart/form-data; boundary=B")


def test_a_file_name_is_rewritten_in_each_spelling() -> None:
    body = decode(
        _part("filename=\"m@x.com\"; filename*=UTF-8''m%40x.com"), "multipart/form-data; boundary=B"
    )
    out = body.apply({(0, "filename"): "<EMAIL_ADDRESS>"})
    assert b'filename="<EMAIL_ADDRESS>"' in out
    assert b"filename*=UTF-8''%3CEMAIL_ADDRESS%3E" in out
    assert b"m@x.com" not in out and b"m%40x.com" not in out
