"""Canonical request paths: one spelling per endpoint, and only endpoints are rewritten."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmwall.routing.paths import canonical, forward_form
from llmwall.routing.providers import ProviderTable

TABLE = ProviderTable()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/v1/chat/completions", "/v1/chat/completions"),
        ("/v1/chat/completions/", "/v1/chat/completions"),
        ("//v1/chat/completions", "/v1/chat/completions"),
        ("/v1//chat///completions", "/v1/chat/completions"),
        ("/v1/./chat/completions", "/v1/chat/completions"),
        ("/v1/x/../chat/completions", "/v1/chat/completions"),
        ("/../../v1/chat/completions", "/v1/chat/completions"),
        ("/v1/chat/completions;jsessionid=1", "/v1/chat/completions"),
        ("/v1;a/chat;b/completions", "/v1/chat/completions"),
        ("/%76%31/chat/completions", "/v1/chat/completions"),
        ("/v1/chat/%2E%2E/chat/completions", "/v1/chat/completions"),
        ("/v1\\chat\\completions", "/v1/chat/completions"),
        ("/v1/chat%2fcompletions", "/v1/chat%2Fcompletions"),  # encoded slashes stay (see below)
        (
            "/model/arn%3Aaws%3Abedrock%3Aus%2Fx/converse",
            "/model/arn%3Aaws%3Abedrock%3Aus%2Fx/converse",
        ),
        ("", "/"),
        ("/", "/"),
        ("/V1/Chat", "/V1/Chat"),  # case is kept
    ],
)
def test_canonical(raw: str, expected: str) -> None:
    assert canonical(raw) == expected


def _matches(host: str):  # type: ignore[no-untyped-def]
    def matches(path: str) -> bool:
        m = TABLE.identify(host, path)
        return m is not None and m.endpoint is not None

    return matches


@pytest.mark.parametrize(
    ("host", "raw", "forwarded"),
    [
        ("api.openai.com", "/v1/chat/completions?x=1", "/v1/chat/completions?x=1"),
        ("api.openai.com", "/v1/chat/completions/?x=1", "/v1/chat/completions?x=1"),
        ("api.openai.com", "/v1/chat%2Fcompletions", "/v1/chat/completions"),
        ("api.openai.com", "/v1/chat%5Ccompletions", "/v1/chat/completions"),
        ("api.openai.com", "/V1/CHAT/COMPLETIONS", "/V1/CHAT/COMPLETIONS"),
        ("api.openai.com", "/v1//models/", "/v1/models"),  # not an endpoint: canonical anyway
        # an encoded slash inside a model id stays encoded: it matches as it is
        (
            "bedrock-runtime.us-east-1.amazonaws.com",
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse",
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse",
        ),
        (
            "generativelanguage.googleapis.com",
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
        ),
    ],
)
def test_forward_form(host: str, raw: str, forwarded: str) -> None:
    assert forward_form(raw, _matches(host)) == forwarded


def test_a_shared_hosts_other_paths_are_left_alone() -> None:
    matches = _matches("chatgpt.com")
    assert forward_form("/backend-api/codex//responses", matches, only_if_matched=True) == (
        "/backend-api/codex/responses"
    )
    assert forward_form("/c/abc;x/", matches, only_if_matched=True) == "/c/abc;x/"


SEGMENT = st.text(alphabet="abcAB09.-_~%;/\\2fF5c", max_size=12)


@given(st.lists(SEGMENT, max_size=6))
def test_canonical_is_idempotent_and_has_no_empty_or_dot_segments(parts: list[str]) -> None:
    path = "/" + "/".join(parts)
    once = canonical(path)
    assert canonical(once) == once
    assert once.startswith("/")
    segments = once.split("/")[1:]
    assert once == "/" or all(s not in ("", ".", "..") for s in segments)
    assert ";" not in once


@given(
    st.sampled_from(["/v1/chat/completions", "/v1/responses", "/v1/embeddings"]),
    st.text(alphabet="abc=&%20", max_size=10),
)
def test_a_canonical_endpoint_path_is_forwarded_unchanged(path: str, query: str) -> None:
    raw = f"{path}?{query}" if query else path
    assert forward_form(raw, _matches("api.openai.com")) == raw
