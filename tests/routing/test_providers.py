from __future__ import annotations

import pytest

from llmwall.core.config import ProviderOverride
from llmwall.routing.providers import PROVIDER_NAMES, ProviderTable

TABLE = ProviderTable()


@pytest.mark.parametrize(
    ("host", "path", "provider", "dialect"),
    [
        ("api.openai.com", "/v1/chat/completions", "openai", "openai_chat"),
        ("api.openai.com", "/v1/responses", "openai", "openai_responses"),
        ("API.OpenAI.com.", "/v1/embeddings", "openai", "openai_embeddings"),
        ("api.openai.com", "/v1/models", "openai", None),
        ("api.anthropic.com", "/v1/messages", "anthropic", "anthropic"),
        ("api.anthropic.com", "/v1/messages/count_tokens", "anthropic", "anthropic"),
        (
            "res1.openai.azure.com",
            "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
            "azure",
            "openai_chat",
        ),
        ("res1.openai.azure.com", "/openai/v1/chat/completions", "azure", "openai_chat"),
        (
            "generativelanguage.googleapis.com",
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
            "gemini",
            "gemini",
        ),
        (
            "europe-west1-aiplatform.googleapis.com",
            "/v1/projects/p/locations/europe-west1/publishers/google/models/gemini-2.5:generateContent",
            "vertex",
            "gemini",
        ),
        (
            "bedrock-runtime.eu-west-1.amazonaws.com",
            "/model/us.anthropic.claude-x/invoke",
            "bedrock",
            "bedrock_invoke",
        ),
        ("api.cohere.com", "/v2/chat", "cohere", "cohere"),
        ("ollama.com", "/api/chat", "ollama", "ollama"),
        ("api.mistral.ai", "/v1/chat/completions", "mistral", "openai_chat"),
        ("api.groq.com", "/openai/v1/chat/completions", "groq", "openai_chat"),
        ("api.together.xyz", "/v1/completions", "together", "openai_completions"),
        ("api.fireworks.ai", "/inference/v1/chat/completions", "fireworks", "openai_chat"),
        ("api.deepseek.com", "/chat/completions", "deepseek", "openai_chat"),
        ("openrouter.ai", "/api/v1/messages", "openrouter", "anthropic"),
        ("api.x.ai", "/v1/chat/completions", "xai", "openai_chat"),
    ],
)
def test_identify(host: str, path: str, provider: str, dialect: str | None) -> None:
    match = TABLE.identify(host, path)
    assert match is not None and match.provider.name == provider
    assert (match.endpoint.dialect if match.endpoint else None) == dialect


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "openai.com",
        "api.openai.com.evil.net",
        "x.openai.azure.com.attacker.net",
        "bedrock-runtime.us-east-1.amazonaws.com.evil",
        "evilapi.openai.com",
        "",
    ],
)
def test_lookalike_hosts_are_not_llm_hosts(host: str) -> None:
    assert not TABLE.is_llm_host(host)
    assert TABLE.identify(host, "/v1/chat/completions") is None


def test_config_hosts_map_to_a_provider() -> None:
    table = ProviderTable.from_config({"openai": ProviderOverride(hosts=("vllm.internal",))})
    assert table.is_llm_host("vllm.internal")
    match = table.identify("vllm.internal", "/v1/chat/completions")
    assert (
        match
        and match.provider.name == "openai"
        and match.endpoint
        and match.endpoint.dialect == "openai_chat"
    )


def test_every_provider_has_a_row_and_every_dialect_is_registered() -> None:
    from llmwall.routing.dialects import names

    assert {p.name for p in TABLE.providers} == PROVIDER_NAMES
    for p in TABLE.providers:
        for e in p.endpoints:
            assert e.dialect in names(), (p.name, e.dialect)
