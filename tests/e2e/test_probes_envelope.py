"""What travels beside the body, through the real proxy: standard headers (a
`User-Agent` or `Referer` carrying an e-mail), header names, signed and framing headers,
HTTP/2 headers, and multipart file names in every spelling a server reads (`filename*`,
RFC 2231 pieces) plus the rest of a part's header block. The planted values must never
reach the fake upstream; a value that cannot be rewritten blocks with the provider's
own error shape."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.clients import openai_client, trust
from tests.e2e.conftest import Proxy, base_config, start_proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.probes import (
    AWS_KEY,
    EMAIL,
    assert_nothing_planted_reached,
    assert_provider_shaped,
    record_for,
)
from tests.e2e.raw_client import (
    chat_body,
    connect,
    http1,
    http2,
    read_response,
    request_bytes,
    tunnel,
)

CHAT = "/v1/chat/completions"
HOST = "api.openai.com"


def _send(proxy: Proxy, headers: dict[str, str], body: bytes | None = None):  # type: ignore[no-untyped-def]
    raw = request_bytes("POST", CHAT, HOST, body or chat_body("hello"), headers)
    with tunnel(proxy.url, f"{HOST}:443", HOST, str(proxy.bundle)) as sock:
        return http1(sock, raw)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("User-Agent", f"acme-bot/2.1 (+mailto:{EMAIL})"),
        ("Referer", f"https://intranet.acme.example/tickets?owner={EMAIL}"),
        ("Origin", f"https://{EMAIL}"),
        ("Accept-Language", f"en-US, {AWS_KEY}"),
        ("X-Stainless-Custom", AWS_KEY),
        ("X-Amz-Meta", "plain"),  # a signed header with nothing in it: passes as it came
        ("X-Forwarded-For", f"198.51.100.7, {EMAIL}"),
    ],
)
def test_a_standard_header_is_redacted_in_place(
    proxy: Proxy, fake: FakeProvider, name: str, value: str
) -> None:
    answer = _send(proxy, {name: value})
    assert answer.status == 200, answer.body[:300]
    assert_nothing_planted_reached(fake)
    got = fake.received[-1].headers[name.lower()]
    if value == "plain":
        assert got == "plain"
    else:
        assert got != value and "<" in got, got


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        (f"X-{AWS_KEY}", "1", "block:AWS_ACCESS_KEY_ID:header_name"),
        ("X-Amz-Meta-Note", AWS_KEY, "block:AWS_ACCESS_KEY_ID:header"),
        ("content-type", f"application/json; note={AWS_KEY}", "block:AWS_ACCESS_KEY_ID:header"),
    ],
)
def test_a_header_that_cannot_be_rewritten_blocks(
    proxy: Proxy, fake: FakeProvider, name: str, value: str, rule: str
) -> None:
    answer = _send(proxy, {name: value})
    assert_provider_shaped(answer, status=403)
    assert not fake.received
    assert record_for(proxy.audit_db, answer.headers["x-llmwall-request-id"])[-1]["rules"] == [rule]


def test_an_http2_header_is_redacted(proxy: Proxy, fake: FakeProvider) -> None:
    with tunnel(proxy.url, f"{HOST}:443", HOST, str(proxy.bundle), alpn=("h2", "http/1.1")) as sock:
        answer = http2(sock, HOST, CHAT, chat_body("hello"), [("user-agent", f"bot {EMAIL}")])
    assert answer.status == 200
    assert_nothing_planted_reached(fake)
    assert fake.received[-1].headers["user-agent"] == "bot <EMAIL_ADDRESS>"


def test_the_sdk_headers_pass_unchanged(proxy: Proxy, fake: FakeProvider) -> None:
    openai_client(proxy).chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "hello"}]
    )
    got = fake.received[-1].headers
    assert got["user-agent"].startswith("OpenAI/Python") and got["x-stainless-lang"] == "python"
    assert got["authorization"] == "Bearer sk-test-key"


def _upload(proxy: Proxy, disposition: str, extra_head: str = "") -> httpx.Response:
    body = (
        '--B\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        f'--B\r\nContent-Disposition: form-data; name="file"; {disposition}\r\n'
        f"Content-Type: text/plain\r\n{extra_head}\r\nhello\r\n--B--\r\n"
    ).encode()
    with httpx.Client(proxy=proxy.url, verify=trust(proxy)) as client:
        return client.post(
            f"https://{HOST}/v1/files",
            content=body,
            headers={
                "content-type": "multipart/form-data; boundary=B",
                "authorization": "Bearer sk-test-key",
            },
        )


@pytest.mark.parametrize(
    "disposition",
    [
        "filename*=UTF-8''maria.lopez%40example.com.txt",
        "filename=\"maria.lopez@example.com.txt\"; filename*=UTF-8''maria.lopez%40example.com.txt",
    ],
)
def test_a_file_name_in_any_spelling_is_redacted(
    proxy: Proxy, fake: FakeProvider, disposition: str
) -> None:
    answer = _upload(proxy, disposition)
    assert answer.status_code == 200, answer.text[:300]
    assert_nothing_planted_reached(fake, "maria.lopez%40example.com")
    sent = fake.received[-1].body
    assert b"%3CEMAIL_ADDRESS%3E.txt" in sent or b"<EMAIL_ADDRESS>.txt" in sent


@pytest.mark.parametrize(
    ("disposition", "extra_head", "status"),
    [
        ("filename=\"a.txt\"; filename*=UTF-8''maria.lopez%40example.com", "", 400),
        ('filename*0="maria.lopez"; filename*1="@example.com.txt"', "", 403),
        ('filename="a.txt"', f"X-Note: {AWS_KEY}\r\n", 403),
        (f'filename="a.txt"; comment="{AWS_KEY}"', "", 403),
    ],
)
def test_a_part_head_that_cannot_be_rewritten_is_refused(
    proxy: Proxy, fake: FakeProvider, disposition: str, extra_head: str, status: int
) -> None:
    answer = _upload(proxy, disposition, extra_head)
    assert answer.status_code == status, answer.text[:300]
    assert answer.json()["error"]["message"]
    assert not [r for r in fake.received if r.path.startswith("/v1/files")]


@pytest.mark.parametrize(
    "target",
    [
        f"http://maria.lopez%40example.com:{AWS_KEY}@api.openai.com{CHAT}",
        f"https://u:{AWS_KEY}@api.openai.com{CHAT}",
    ],
)
def test_credentials_in_a_proxy_request_target_get_the_providers_400(
    proxy: Proxy, fake: FakeProvider, target: str
) -> None:
    """A request line mitmproxy cannot parse (userinfo in an absolute-form target) never
    creates a flow: the answer is still the provider's shape, recorded, and quotes nothing."""
    sock = connect(proxy.url)
    try:
        sock.sendall(request_bytes("POST", target, HOST, chat_body("hello")))
        answer = read_response(sock)
    finally:
        sock.close()
    body = assert_provider_shaped(answer, status=400)
    assert AWS_KEY not in answer.body.decode() and "maria" not in answer.body.decode(), body
    assert not fake.received
    rid = answer.headers["x-llmwall-request-id"]
    deadline = time.monotonic() + 5
    while not record_for(proxy.audit_db, rid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert record_for(proxy.audit_db, rid)[-1]["rules"] == ["bad_request"]


def test_a_secret_across_two_upload_parts_blocks_the_completion(
    proxy: Proxy, fake: FakeProvider
) -> None:
    """The openai SDK's own chunked upload: the key is cut by the part boundary, so no
    part holds it whole; the completion that would assemble the file is refused."""
    import openai

    filler = b"the quarterly numbers look fine and the team is on track\n" * 20
    first = filler + b"key " + AWS_KEY[:10].encode()
    data = first + AWS_KEY[10:].encode() + b"\n" + filler
    client = openai_client(proxy)
    with pytest.raises(openai.PermissionDeniedError) as refused:
        client.uploads.upload_file_chunked(
            file=data, filename="notes.txt", bytes=len(data), mime_type="text/plain",
            purpose="assistants", part_size=len(first),
        )  # fmt: skip
    assert "AWS_ACCESS_KEY_ID" in str(refused.value)
    paths = [r.path for r in fake.received]
    assert paths.count("/v1/uploads/upload_1/parts") == 2 and not any(
        p.endswith("/complete") for p in paths
    )
    clean = filler + b"no key here\n" + filler
    done = client.uploads.upload_file_chunked(
        file=clean, filename="notes.txt", bytes=len(clean), mime_type="text/plain",
        purpose="assistants", part_size=len(filler),
    )  # fmt: skip
    assert done.status == "completed"


def test_a_secret_across_two_gemini_chunks_blocks_the_second(
    tmp_path: Path, fake: FakeProvider, fake_tls: tuple[Path, Path, Path]
) -> None:
    """Gemini's resumable protocol by hand (the SDKs cut at 8 MiB): the chunk that
    starts where the cut key's first half ended is refused with Gemini's error shape."""
    config = base_config(fake, fake_tls[0])
    config["providers"]["gemini"] = {"upstream": fake.url}
    proxy = start_proxy(tmp_path / "home", config)
    try:
        filler = b"the quarterly numbers look fine and the team is on track\n" * 20
        first = filler + b"key " + AWS_KEY[:10].encode()
        second = AWS_KEY[10:].encode() + b"\n" + filler
        url = "https://generativelanguage.googleapis.com/upload/v1beta/files"
        with httpx.Client(proxy=proxy.url, verify=trust(proxy)) as client:

            def chunk(offset: int, data: bytes, command: str) -> httpx.Response:
                return client.post(
                    url,
                    params={"upload_id": "UP-7", "upload_protocol": "resumable"},
                    content=data,
                    headers={
                        "x-goog-api-key": "AIza-test",
                        "content-type": "application/octet-stream",
                        "x-goog-upload-command": command,
                        "x-goog-upload-offset": str(offset),
                    },
                )

            assert chunk(0, first, "upload").status_code == 200
            refused = chunk(len(first), second, "upload, finalize")
        assert refused.status_code == 403, refused.text[:300]
        assert refused.json()["error"]["status"] == "PERMISSION_DENIED"
        assert len([r for r in fake.received if r.path.startswith("/upload/")]) == 1
    finally:
        proxy.stop()
