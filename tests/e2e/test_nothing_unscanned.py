"""Nothing leaves unscanned (issue 13), through the real proxy with the real SDKs: the
non-chat endpoints, the URL query, headers, unknown endpoints and their answers,
x-gzip bodies, and duplicate-key JSON refused with the provider's 400."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from tests.e2e.clients import openai_client, trust
from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider

EMAIL = "jane.doe@example.com"
KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
PLACEHOLDER = "<OPENAI_API_KEY>"


def _sent(fake: FakeProvider) -> str:
    last = fake.received[-1]
    return last.path + "\n" + json.dumps(last.headers) + "\n" + last.body.decode("utf-8", "replace")


def test_a_batch_file_upload_is_redacted_line_by_line(proxy: Proxy, fake: FakeProvider) -> None:
    line = {
        "custom_id": "r1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "m", "messages": [{"role": "user", "content": f"key {KEY}"}]},
    }
    data = (json.dumps(line) + "\n" + json.dumps({**line, "custom_id": "r2"}) + "\n").encode()
    openai_client(proxy).files.create(file=("batch.jsonl", data), purpose="batch")
    sent = _sent(fake)
    assert KEY not in sent and sent.count(PLACEHOLDER) == 2
    assert "batch.jsonl" in sent and 'name="purpose"' in sent


def test_a_moderation_precheck_is_redacted(proxy: Proxy, fake: FakeProvider) -> None:
    openai_client(proxy).moderations.create(input=f"mail {EMAIL}")
    sent = _sent(fake)
    assert EMAIL not in sent and "<EMAIL_ADDRESS>" in sent


def test_a_query_string_and_a_header_are_redacted(proxy: Proxy, fake: FakeProvider) -> None:
    client = openai_client(proxy)
    client.models.list(extra_query={"user": EMAIL}, extra_headers={"x-end-user": EMAIL})
    last = fake.received[-1]
    assert last.method == "GET" and EMAIL not in last.path and EMAIL not in json.dumps(last.headers)
    assert "%3CEMAIL_ADDRESS%3E" in last.path and last.headers["x-end-user"] == "<EMAIL_ADDRESS>"
    assert last.headers["authorization"] == "Bearer sk-test-key"  # credentials untouched


def test_an_unknown_endpoint_and_its_answer_are_scanned(proxy: Proxy, fake: FakeProvider) -> None:
    fake.next(reply=f"stored key {KEY}")
    answer = openai_client(proxy).post(
        "/fine_tuning/jobs", body={"model": "m", "suffix": f"ft {EMAIL}"}, cast_to=object
    )
    sent = _sent(fake)
    assert EMAIL not in sent and "<EMAIL_ADDRESS>" in sent
    assert KEY not in json.dumps(answer) and PLACEHOLDER in json.dumps(answer)


def test_an_x_gzip_body_is_read(proxy: Proxy, fake: FakeProvider) -> None:
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": f"key {KEY}"}]})
    with httpx.Client(proxy=proxy.url, verify=trust(proxy)) as http:
        r = http.post(
            "https://api.openai.com/v1/chat/completions",
            content=gzip.compress(body.encode()),
            headers={"content-type": "application/json", "content-encoding": "x-gzip"},
        )
    assert r.status_code == 200
    raw = fake.received[-1].body
    text = gzip.decompress(raw).decode() if raw[:2] == b"\x1f\x8b" else raw.decode()
    assert KEY not in text and PLACEHOLDER in text


@pytest.mark.parametrize(
    "body",
    [
        b'{"model": "m", "messages": [{"role": "user", "content": "hi"}], "messages": []}',
        b'{"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": NaN}',
    ],
)
def test_duplicate_keys_and_nan_get_the_providers_400(
    proxy: Proxy, fake: FakeProvider, body: bytes
) -> None:
    before = len(fake.received)
    with httpx.Client(proxy=proxy.url, verify=trust(proxy)) as http:
        r = http.post(
            "https://api.openai.com/v1/chat/completions",
            content=body,
            headers={"content-type": "application/json", "authorization": "Bearer sk-test"},
        )
    assert r.status_code == 400 and r.headers["x-should-retry"] == "false"
    assert r.json()["error"]["type"] == "invalid_request_error"  # OpenAI's own shape
    assert len(fake.received) == before  # nothing went upstream
