"""The agent, gateway and regional hosts of the provider table (docs/PROVIDERS.md)."""

from __future__ import annotations

import pytest

from llmwall.routing.providers import ProviderTable

TABLE = ProviderTable()


@pytest.mark.parametrize(
    ("host", "path", "provider", "dialect"),
    [
        ("eu.api.openai.com", "/v1/chat/completions", "openai", "openai_chat"),
        ("us.api.openai.com", "/v1/responses", "openai", "openai_responses"),
        ("jp.api.openai.com", "/v1/embeddings", "openai", "openai_embeddings"),
        ("res.openai.azure.us", "/openai/deployments/d/chat/completions", "azure", "openai_chat"),
        ("res.cognitiveservices.azure.cn", "/openai/v1/responses", "azure", "openai_responses"),
        ("x.eastus2.models.ai.azure.com", "/chat/completions", "azure_serverless", "openai_chat"),
        ("api.together.ai", "/v1/chat/completions", "together", "openai_chat"),
        ("codestral.mistral.ai", "/v1/fim/completions", "codestral", "openai_completions"),
        ("codestral.mistral.ai", "/v1/chat/completions", "codestral", "openai_chat"),
        ("models.github.ai", "/inference/chat/completions", "github_models", "openai_chat"),
        (
            "models.github.ai",
            "/orgs/acme/inference/chat/completions",
            "github_models",
            "openai_chat",
        ),
        ("models.inference.ai.azure.com", "/chat/completions", "github_models", "openai_chat"),
        ("api.githubcopilot.com", "/chat/completions", "copilot", "openai_chat"),
        ("api.githubcopilot.com", "/responses", "copilot", "openai_responses"),
        ("api.business.githubcopilot.com", "/chat/completions", "copilot", "openai_chat"),
        (
            "proxy.individual.githubcopilot.com",
            "/v1/engines/gpt-41-copilot/completions",
            "copilot",
            "openai_completions",
        ),
        (
            "copilot-proxy.githubusercontent.com",
            "/v1/engines/x/completions",
            "copilot",
            "openai_completions",
        ),
        ("chatgpt.com", "/backend-api/codex/responses", "chatgpt_codex", "openai_responses"),
        ("api.perplexity.ai", "/chat/completions", "perplexity", "openai_chat"),
        ("api.perplexity.ai", "/v1/responses", "perplexity", "openai_responses"),
        ("router.huggingface.co", "/v1/chat/completions", "huggingface", "openai_chat"),
        ("router.huggingface.co", "/together/v1/chat/completions", "huggingface", "openai_chat"),
        (
            "router.huggingface.co",
            "/hf-inference/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions",
            "huggingface",
            "openai_chat",
        ),
        (
            "x.us-east-1.aws.endpoints.huggingface.cloud",
            "/v1/chat/completions",
            "huggingface",
            "openai_chat",
        ),
        ("api.cerebras.ai", "/v1/chat/completions", "cerebras", "openai_chat"),
        ("api.sambanova.ai", "/v1/chat/completions", "sambanova", "openai_chat"),
        ("api.sambanova.ai", "/v1/messages", "sambanova", "anthropic"),
        ("api.deepinfra.com", "/v1/openai/chat/completions", "deepinfra", "openai_chat"),
        ("api.tokenfactory.nebius.com", "/v1/chat/completions", "nebius", "openai_chat"),
        ("api.moonshot.ai", "/v1/chat/completions", "moonshot", "openai_chat"),
        ("api.moonshot.ai", "/anthropic/v1/messages", "moonshot", "anthropic"),
        ("api.moonshot.cn", "/v1/chat/completions", "moonshot", "openai_chat"),
        ("open.bigmodel.cn", "/api/paas/v4/chat/completions", "zhipu", "openai_chat"),
        ("api.z.ai", "/api/coding/paas/v4/chat/completions", "zhipu", "openai_chat"),
        ("api.z.ai", "/api/anthropic/v1/messages", "zhipu", "anthropic"),
        (
            "dashscope.aliyuncs.com",
            "/compatible-mode/v1/chat/completions",
            "dashscope",
            "openai_chat",
        ),
        ("dashscope-intl.aliyuncs.com", "/apps/anthropic/v1/messages", "dashscope", "anthropic"),
        ("qianfan.baidubce.com", "/v2/chat/completions", "qianfan", "openai_chat"),
        (
            "gateway.ai.cloudflare.com",
            "/v1/acct/gw/openai/chat/completions",
            "cloudflare_ai_gateway",
            "openai_chat",
        ),
        (
            "gateway.ai.cloudflare.com",
            "/v1/acct/gw/compat/chat/completions",
            "cloudflare_ai_gateway",
            "openai_chat",
        ),
        (
            "gateway.ai.cloudflare.com",
            "/v1/acct/gw/anthropic/v1/messages",
            "cloudflare_ai_gateway",
            "anthropic",
        ),
        (
            "gateway.ai.cloudflare.com",
            "/v1/acct/gw/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent",
            "cloudflare_ai_gateway",
            "gemini",
        ),
        ("api.cerebras.ai", "/v1/models", "cerebras", None),  # an LLM host, an unread path
    ],
)
def test_identify(host: str, path: str, provider: str, dialect: str | None) -> None:
    match = TABLE.identify(host, path)
    assert match is not None and match.provider.name == provider, (host, path)
    assert (match.endpoint.dialect if match.endpoint else None) == dialect


@pytest.mark.parametrize(
    "host",
    [
        "evilapi.openai.com",
        "api.openai.com.evil.net",
        "eu.api.openai.com.evil.net",
        "githubcopilot.com.evil.net",
        "mistral.ai",
        "huggingface.co",
        "router.huggingface.co.evil",
        "models.ai.azure.com",  # the bare suffix is not a deployment
    ],
)
def test_lookalikes_are_not_llm_hosts(host: str) -> None:
    assert not TABLE.is_llm_host(host)


def test_chatgpt_web_traffic_is_not_the_codex_provider() -> None:
    """chatgpt.com is intercepted, but only its Codex path is LLM traffic to llmwall."""
    assert TABLE.is_llm_host("chatgpt.com")
    assert TABLE.identify("chatgpt.com", "/backend-api/conversation") is None
    assert TABLE.identify("chatgpt.com", "/") is None
    provider = TABLE.provider_for("chatgpt.com")
    assert provider is not None and provider.shared


def test_endpoint_patterns_ignore_case() -> None:
    match = TABLE.identify("api.anthropic.com", "/V1/Messages")
    assert (
        match is not None and match.endpoint is not None and match.endpoint.dialect == "anthropic"
    )
