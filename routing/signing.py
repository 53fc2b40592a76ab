"""Is a request's body covered by a client-side signature?

A SigV4-signed Bedrock request carries the SHA-256 of its body inside the signature:
changing one byte (a redaction) or the host (a reroute) makes AWS reject it. The
policy (`signed_requests: block|allow`) decides what happens to such requests; this
module only recognises them. Bedrock API keys (`Authorization: Bearer ...`) sign
nothing, so those bodies may be rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping

_SIGV4 = "aws4-hmac-sha256"
# x-amz-content-sha256 values that do not bind the body (S3-style unsigned payloads)
_UNSIGNED = ("unsigned-payload", "streaming-unsigned-payload-trailer")


def is_signed(headers: Mapping[str, str]) -> bool:
    """True when the body or the request line is covered by an AWS signature: an
    `Authorization: AWS4-HMAC-SHA256 ...` header, or an `x-amz-content-sha256` that is a
    real payload hash. Header names are matched case-insensitively."""
    for name, value in headers.items():
        key = name.lower()
        text = value.strip().lower()
        if key == "authorization" and text.startswith(_SIGV4):
            return True
        if key == "x-amz-content-sha256" and text and text not in _UNSIGNED:
            return True
    return False
