"""SigV4 detection: a signed body must never be forwarded modified."""

from __future__ import annotations

import pytest

from llmwall.routing.signing import is_signed

_SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=abcdef0123456789"
)
_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(
    ("headers", "signed"),
    [
        ({"Authorization": _SIGV4, "X-Amz-Date": "20260101T000000Z"}, True),
        ({"authorization": _SIGV4.lower()}, True),
        ({"AUTHORIZATION": "  " + _SIGV4}, True),
        ({"x-amz-content-sha256": _HASH}, True),
        ({"X-Amz-Content-Sha256": _HASH, "Authorization": "Bearer bedrock-api-key"}, True),
        ({"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, False),
        ({"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}, False),
        ({"x-amz-content-sha256": ""}, False),
        ({"Authorization": "Bearer ABSKQmVkcm9ja0FQSUtleQ=="}, False),
        ({"x-api-key": "sk-ant-x", "content-type": "application/json"}, False),
        ({}, False),
    ],
)
def test_is_signed(headers: dict[str, str], signed: bool) -> None:
    assert is_signed(headers) is signed


def test_botocore_signed_request_is_detected() -> None:
    """What boto3 really sends for a Bedrock call (no network: signing is local)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST",
        url="https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
        data=b'{"messages": []}',
        headers={"Content-Type": "application/json"},
    )
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "bedrock", "us-east-1").add_auth(request)
    assert is_signed(dict(request.headers.items()))


def test_works_on_mitmproxy_headers() -> None:
    from mitmproxy.http import Headers

    assert is_signed(Headers(authorization=_SIGV4))
    assert not is_signed(Headers(authorization="Bearer key"))
