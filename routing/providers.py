"""The provider table: which hosts are LLM providers, which paths speak which dialect.

One row per provider, the only place provider hosts and paths are written down. The
addon intercepts a host only if `is_llm_host` says so; everything else is passed through
as raw TCP. `identify` picks the dialect by host and path; dialects confirm by body shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    path: re.Pattern[str]  # full match against the request path without the query
    dialect: str  # name of a module in routing.dialects
    operation: str = "chat"  # chat, responses, completions, embeddings, messages, ...
    # The WebSocket frame protocol this path speaks after an upgrade (a module in
    # routing.realtime); None: an upgrade here is refused, its frames would go unread.
    frames: str | None = None


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: tuple[str, ...]  # exact names, or "*.suffix" for any subdomain
    endpoints: tuple[Endpoint, ...]
    auth_headers: tuple[str, ...] = ("authorization",)
    base_url: str = ""  # public base URL, for fallback targets
    # A host that also serves ordinary web traffic (chatgpt.com is the ChatGPT web app):
    # only its listed endpoints are LLM traffic; other paths are not the provider's.
    shared: bool = False

    def serves_host(self, host: str) -> bool:
        return any(_host_matches(pattern, host) for pattern in self.hosts)

    def endpoint_for(self, path: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.path.fullmatch(path):
                return endpoint
        return None


def _host_matches(pattern: str, host: str) -> bool:
    if "*" not in pattern:
        return host == pattern
    # "*" stands for one or more DNS labels, never crossing the pattern's literal
    # parts: "*.openai.azure.com", "bedrock-runtime.*.amazonaws.com".
    regex = _WILDCARDS.get(pattern)
    if regex is None:
        parts = (
            "[a-z0-9-]+(?:\\.[a-z0-9-]+)*" if part == "*" else re.escape(part)
            for part in re.split(r"(\*)", pattern)
        )
        regex = _WILDCARDS[pattern] = re.compile("".join(parts))
    return regex.fullmatch(host) is not None


_WILDCARDS: dict[str, re.Pattern[str]] = {}


def _ep(path: str, dialect: str, operation: str = "chat", frames: str | None = None) -> Endpoint:
    # Case-insensitive: servers that route case-insensitively (Azure's) must not read
    # `/V1/Chat/Completions` as chat while llmwall reads it as an unknown endpoint.
    return Endpoint(re.compile(path, re.IGNORECASE), dialect, operation, frames)


# OpenAI-shaped endpoints under an optional base prefix (for the many compatible servers).
def _openai_family(prefix: str) -> tuple[Endpoint, ...]:
    p = re.escape(prefix)
    return (
        _ep(rf"{p}/chat/completions", "openai_chat"),
        _ep(rf"{p}/responses", "openai_responses", "responses", "responses_ws"),
        _ep(rf"{p}/completions", "openai_completions", "completions"),
        _ep(rf"{p}/embeddings", "openai_embeddings", "embeddings"),
    )


# OpenAI's platform endpoints beyond inference (files, batches, assistants, audio, ...),
# also served in OpenAI's shapes by Azure's v1 API and Groq.
def _openai_platform(prefix: str) -> tuple[Endpoint, ...]:
    p = re.escape(prefix)
    return (
        _ep(rf"{p}/responses/(?:input_tokens|compact)", "openai_responses", "responses"),
        _ep(rf"{p}/responses/[^/]+/input_items", "openai_conversations", "responses"),
        _ep(rf"{p}/responses/[^/]+(?:/cancel)?", "openai_responses", "responses"),
        _ep(rf"{p}/moderations", "openai_moderations", "moderations"),
        _ep(rf"{p}/files(?:/[^/]+(?:/content)?)?", "openai_files", "files"),
        _ep(rf"{p}/uploads(?:/[^/]+(?:/parts|/complete|/cancel)?)?", "openai_uploads", "files"),
        _ep(rf"{p}/batches(?:/[^/]+(?:/cancel)?)?", "openai_batches", "batches"),
        _ep(rf"{p}/assistants(?:/[^/]+)?", "openai_assistants", "assistants"),
        _ep(rf"{p}/threads(?:/[^/]+)*", "openai_assistants", "assistants"),
        _ep(rf"{p}/vector_stores(?:/[^/]+)*", "openai_vector_stores", "vector_stores"),
        _ep(rf"{p}/audio/(?:transcriptions|translations|speech)", "openai_audio", "audio"),
        _ep(rf"{p}/images/(?:generations|edits|variations)", "openai_images", "images"),
        _ep(rf"{p}/conversations(?:/[^/]+)*", "openai_conversations", "conversations"),
    )


_GEMINI_V = r"/v1(?:beta|alpha)?"
_VERTEX_LOC = r"/v1(?:beta1)?/projects/[^/]+/locations/[^/]+"


# Agent, gateway and regional hosts (issue 13 item 6). Sources and what could not be
# verified: docs/PROVIDERS.md. Each is an OpenAI-, Responses- or Anthropic-shaped API.
def _cf(provider: str, rest: str) -> str:
    """A Cloudflare AI Gateway path: /v1/{account}/{gateway}/{provider}/{rest}."""
    return rf"/v1/[^/]+/[^/]+/{provider}/{rest}"


_HF_PREFIX = r"(?:/[A-Za-z0-9._-]+){0,5}"  # router.huggingface.co/{provider}[/models/{org}/{m}]

_AGENT_AND_REGIONAL: tuple[Provider, ...] = (
    Provider(
        "codestral",
        ("codestral.mistral.ai",),
        (
            *_openai_family("/v1"),
            # fill-in-the-middle: `prompt` + `suffix` in, chat-shaped choices out
            _ep(r"/v1/fim/completions", "openai_completions", "completions"),
        ),
        base_url="https://codestral.mistral.ai",
    ),
    Provider(
        "github_models",
        ("models.github.ai", "models.inference.ai.azure.com"),
        (
            _ep(r"(?:/orgs/[^/]+)?/inference/chat/completions", "openai_chat"),
            *_openai_family(""),  # the older models.inference.ai.azure.com root
        ),
        base_url="https://models.github.ai/inference",
    ),
    Provider(
        "copilot",
        ("api.githubcopilot.com", "*.githubcopilot.com", "copilot-proxy.githubusercontent.com"),
        (
            *_openai_family(""),
            *_openai_family("/v1"),
            # editor code completions: proxy.{individual,business,enterprise}.githubcopilot.com
            _ep(r"/v1/engines/[^/]+/completions", "openai_completions", "completions"),
        ),
    ),
    Provider(
        "chatgpt_codex",
        ("chatgpt.com",),
        # HTTP and, upgraded, WebSocket (Responses frames, llmwall.routing.realtime)
        (_ep(r"/backend-api/codex/responses", "openai_responses", "responses", "responses_ws"),),
        shared=True,  # the rest of chatgpt.com is the ChatGPT web app
    ),
    Provider(
        "perplexity",
        ("api.perplexity.ai",),
        (
            _ep(r"(?:/v1)?/chat/completions", "openai_chat"),
            _ep(r"/v1/(?:responses|agent)", "openai_responses", "responses"),
        ),
        base_url="https://api.perplexity.ai",
    ),
    Provider(
        "huggingface",
        ("router.huggingface.co", "api-inference.huggingface.co", "*.endpoints.huggingface.cloud"),
        (
            _ep(rf"{_HF_PREFIX}(?:/v1)?/chat/completions", "openai_chat"),
            _ep(rf"{_HF_PREFIX}/v1/completions", "openai_completions", "completions"),
            _ep(r"/v1/responses", "openai_responses", "responses"),
        ),
        base_url="https://router.huggingface.co",
    ),
    Provider(
        "cerebras", ("api.cerebras.ai",), _openai_family("/v1"), base_url="https://api.cerebras.ai"
    ),
    Provider(
        "sambanova",
        ("api.sambanova.ai",),
        (*_openai_family("/v1"), _ep(r"/v1/messages", "anthropic", "messages")),
        base_url="https://api.sambanova.ai",
    ),
    Provider(
        "deepinfra",
        ("api.deepinfra.com",),
        _openai_family("/v1/openai"),
        base_url="https://api.deepinfra.com/v1/openai",
    ),
    Provider(
        "nebius",
        ("api.tokenfactory.nebius.com", "api.studio.nebius.com", "api.studio.nebius.ai"),
        _openai_family("/v1"),
        base_url="https://api.tokenfactory.nebius.com",
    ),
    Provider(
        "moonshot",
        ("api.moonshot.ai", "api.moonshot.cn"),
        (*_openai_family("/v1"), _ep(r"/anthropic/v1/messages", "anthropic", "messages")),
        base_url="https://api.moonshot.ai",
    ),
    Provider(
        "zhipu",
        ("open.bigmodel.cn", "api.z.ai"),
        (
            *_openai_family("/api/paas/v4"),
            *_openai_family("/api/coding/paas/v4"),
            _ep(r"/api/anthropic/v1/messages", "anthropic", "messages"),
        ),
        base_url="https://api.z.ai/api/paas/v4",
    ),
    Provider(
        "dashscope",
        ("dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com"),
        (
            *_openai_family("/compatible-mode/v1"),
            _ep(r"/apps/anthropic/v1/messages", "anthropic", "messages"),
        ),
        base_url="https://dashscope-intl.aliyuncs.com/compatible-mode",
    ),
    Provider(
        "qianfan",
        ("qianfan.baidubce.com",),
        _openai_family("/v2"),
        base_url="https://qianfan.baidubce.com/v2",
    ),
    Provider(
        "cloudflare_ai_gateway",
        ("gateway.ai.cloudflare.com",),
        (
            _ep(
                _cf(
                    r"(?:openai|compat|azure-openai/[^/]+/[^/]+|groq|mistral|deepseek"
                    r"|cerebras|perplexity-ai|openrouter|grok|workers-ai/v1)",
                    r"chat/completions",
                ),
                "openai_chat",
            ),
            _ep(_cf("openai", "responses"), "openai_responses", "responses"),
            _ep(_cf("openai", "embeddings"), "openai_embeddings", "embeddings"),
            _ep(_cf("anthropic", r"v1/messages"), "anthropic", "messages"),
            _ep(
                _cf(
                    "google-ai-studio",
                    r"v1(?:beta|alpha)?/models/[^/:]+"
                    r":(?:generateContent|streamGenerateContent)",
                ),
                "gemini",
            ),
        ),
    ),
    Provider(
        "azure_serverless",
        ("*.models.ai.azure.com",),
        (*_openai_family(""), *_openai_family("/v1")),
        auth_headers=("api-key", "authorization"),
    ),
)


def _realtime(prefix: str) -> Endpoint:
    # OpenAI Realtime is WebSocket only; the upgrade GET has no body, so its dialect
    # only shapes the refusal of a blocked upgrade.
    return _ep(rf"{re.escape(prefix)}/realtime", "openai_chat", "realtime", "openai_realtime")


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "openai",
        # regional data-residency hosts: us., eu., au., in., jp., ae. (OpenAI data residency guide)
        ("api.openai.com", "*.api.openai.com"),
        (*_openai_family("/v1"), *_openai_platform("/v1"), _realtime("/v1")),
        base_url="https://api.openai.com",
    ),
    Provider(
        "azure",
        (
            "*.openai.azure.com",
            "*.cognitiveservices.azure.com",
            "*.services.ai.azure.com",
            # Azure Government and Azure China
            "*.openai.azure.us",
            "*.cognitiveservices.azure.us",
            "*.openai.azure.cn",
            "*.cognitiveservices.azure.cn",
        ),
        (
            _ep(r"/openai/deployments/[^/]+/chat/completions", "openai_chat"),
            _ep(r"/openai/deployments/[^/]+/completions", "openai_completions", "completions"),
            _ep(r"/openai/deployments/[^/]+/embeddings", "openai_embeddings", "embeddings"),
            _ep(r"/openai/responses", "openai_responses", "responses"),
            *_openai_family("/openai/v1"),
            *_openai_platform("/openai/v1"),
            *_openai_family("/models"),
            _realtime("/openai"),
            _realtime("/openai/v1"),
        ),
        auth_headers=("api-key", "authorization"),
    ),
    Provider(
        "anthropic",
        ("api.anthropic.com",),
        (
            _ep(r"/v1/messages", "anthropic", "messages"),
            _ep(r"/v1/messages/count_tokens", "anthropic", "count_tokens"),
            _ep(
                r"/v1/messages/batches(?:/[^/]+(?:/cancel|/results)?)?",
                "anthropic_batches",
                "batches",
            ),
            _ep(r"/v1/files(?:/[^/]+(?:/content)?)?", "anthropic_files", "files"),
            _ep(r"/v1/complete", "anthropic_complete", "completions"),
        ),
        auth_headers=("x-api-key", "authorization"),
        base_url="https://api.anthropic.com",
    ),
    Provider(
        "gemini",
        ("generativelanguage.googleapis.com",),
        (
            _ep(
                r"/v1(?:beta|alpha)?/models/[^/:]+:(?:generateContent|streamGenerateContent)",
                "gemini",
            ),
            _ep(r"/v1(?:beta|alpha)?/models/[^/:]+:countTokens", "gemini", "count_tokens"),
            _ep(
                rf"{_GEMINI_V}/tunedModels/[^/:]+:(?:generateContent|streamGenerateContent)",
                "gemini",
            ),
            _ep(rf"{_GEMINI_V}/tunedModels(?:/[^/:]+)?", "gemini_tuning", "tuning"),
            _ep(rf"{_GEMINI_V}/cachedContents(?:/[^/]+)?", "gemini_caches", "caches"),
            _ep(rf"/upload{_GEMINI_V}/files", "gemini_files", "files"),
            _ep(rf"{_GEMINI_V}/files(?:/[^/:]+)?(?::register)?", "gemini_files", "files"),
            _ep(
                rf"{_GEMINI_V}/models/[^/:]+:(?:batchGenerateContent|asyncBatchEmbedContent)",
                "gemini_batches",
                "batches",
            ),
            _ep(rf"{_GEMINI_V}/batches(?:/[^/:]+)?(?::cancel)?", "gemini_batches", "batches"),
            _ep(
                r"/v1(?:beta|alpha)?/models/[^/:]+:(?:embedContent|batchEmbedContents)",
                "gemini_embed",
                "embeddings",
            ),
            *_openai_family("/v1beta/openai"),
            # python-genai joins its base URL (ending in "/") and "/ws/…" into "//ws/…"
            _ep(
                r"/+ws/google\.ai\.generativelanguage\.v1(?:beta|alpha)\.GenerativeService"
                r"\.BidiGenerateContent(?:Constrained)?",
                "gemini",
                "live",
                "gemini_live",
            ),
        ),
        auth_headers=("x-goog-api-key", "authorization"),
        base_url="https://generativelanguage.googleapis.com",
    ),
    Provider(
        "vertex",
        ("aiplatform.googleapis.com", "*-aiplatform.googleapis.com"),
        (
            _ep(
                r"/v1(?:beta1)?/projects/[^/]+/locations/[^/]+/publishers/google/models/[^/:]+"
                r":(?:generateContent|streamGenerateContent)",
                "gemini",
            ),
            _ep(
                r"/v1(?:beta1)?/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/[^/:]+"
                r":(?:rawPredict|streamRawPredict)",
                "anthropic",
                "messages",
            ),
            _ep(
                r"/v1(?:beta1)?/projects/[^/]+/locations/[^/]+/endpoints/openapi/chat/completions",
                "openai_chat",
            ),
            _ep(
                rf"{_VERTEX_LOC}/publishers/google/models/[^/:]+:(?:countTokens|computeTokens)",
                "gemini",
                "count_tokens",
            ),
            _ep(
                rf"{_VERTEX_LOC}/endpoints/[^/:]+:(?:generateContent|streamGenerateContent)",
                "gemini",
            ),
            _ep(rf"{_VERTEX_LOC}/cachedContents(?:/[^/]+)?", "gemini_caches", "caches"),
            _ep(rf"{_VERTEX_LOC}/tuningJobs(?:/[^/:]+)?(?::cancel)?", "gemini_tuning", "tuning"),
            _ep(
                r"/+ws/google\.cloud\.aiplatform\.v1(?:beta1)?\.LlmBidiService/BidiGenerateContent",
                "gemini",
                "live",
                "gemini_live",
            ),
        ),
        base_url="https://aiplatform.googleapis.com",
    ),
    Provider(
        "bedrock",
        ("bedrock-runtime.*.amazonaws.com", "bedrock-runtime-fips.*.amazonaws.com"),
        (
            _ep(r"/model/[^/]+/converse(?:-stream)?", "bedrock_converse"),
            _ep(r"/model/[^/]+/invoke(?:-with-response-stream)?", "bedrock_invoke"),
        ),
        auth_headers=("authorization", "x-amz-security-token"),
    ),
    Provider(
        "cohere",
        ("api.cohere.com", "api.cohere.ai"),
        (
            _ep(r"/v2/chat", "cohere"),
            *_openai_family("/compatibility/v1"),
        ),
        base_url="https://api.cohere.com",
    ),
    Provider(
        "ollama",
        ("ollama.com",),
        (
            _ep(r"/api/chat", "ollama"),
            _ep(r"/api/generate", "ollama", "generate"),
            _ep(r"/api/embed(?:dings)?", "ollama", "embeddings"),
            *_openai_family("/v1"),
            _ep(r"/v1/messages", "anthropic", "messages"),
        ),
        base_url="https://ollama.com",
    ),
    Provider(
        "mistral", ("api.mistral.ai",), _openai_family("/v1"), base_url="https://api.mistral.ai"
    ),
    Provider(
        "groq",
        ("api.groq.com",),
        (*_openai_family("/openai/v1"), *_openai_platform("/openai/v1")),
        base_url="https://api.groq.com/openai",
    ),
    Provider(
        "together",
        ("api.together.xyz", "api.together.ai"),
        _openai_family("/v1"),
        base_url="https://api.together.xyz",
    ),
    Provider(
        "fireworks",
        ("api.fireworks.ai",),
        _openai_family("/inference/v1"),
        base_url="https://api.fireworks.ai/inference",
    ),
    Provider(
        "deepseek",
        ("api.deepseek.com",),
        (
            *_openai_family("/v1"),
            *_openai_family(""),
            _ep(r"/anthropic/v1/messages", "anthropic", "messages"),
        ),
        base_url="https://api.deepseek.com",
    ),
    Provider(
        "openrouter",
        ("openrouter.ai",),
        (*_openai_family("/api/v1"), _ep(r"/api/v1/messages", "anthropic", "messages")),
        base_url="https://openrouter.ai/api",
    ),
    Provider("xai", ("api.x.ai",), _openai_family("/v1"), base_url="https://api.x.ai"),
    *_AGENT_AND_REGIONAL,
)

PROVIDER_NAMES: frozenset[str] = frozenset(p.name for p in PROVIDERS)

_BY_NAME = {p.name: p for p in PROVIDERS}


@dataclass(frozen=True)
class Match:
    provider: Provider
    endpoint: Endpoint | None  # None: an LLM host, but a path no dialect reads


@dataclass
class ProviderTable:
    """The built-in table plus hosts added in config (`providers.<name>.hosts`)."""

    providers: tuple[Provider, ...] = PROVIDERS
    extra_hosts: dict[str, str] = field(default_factory=dict)  # host -> provider name
    _by_host: dict[str, Provider | None] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_config(cls, overrides: dict[str, Any]) -> ProviderTable:
        extra = {}
        for name, spec in overrides.items():
            for host in getattr(spec, "hosts", ()):
                extra[host] = name
        return cls(PROVIDERS, extra)

    def provider(self, name: str) -> Provider | None:
        return _BY_NAME.get(name)

    def provider_for(self, host: str) -> Provider | None:
        """The provider serving `host` (configured hosts first), whatever the path.
        Answers are cached per host name (the table does not change once built)."""
        host = host.lower().rstrip(".")
        if host in self._by_host:
            return self._by_host[host]
        name = self.extra_hosts.get(host)
        found = (
            _BY_NAME.get(name)
            if name
            else next((p for p in self.providers if p.serves_host(host)), None)
        )
        if len(self._by_host) >= 4096:
            self._by_host.clear()
        self._by_host[host] = found
        return found

    def is_llm_host(self, host: str) -> bool:
        return self.provider_for(host) is not None

    def identify(self, host: str, path: str) -> Match | None:
        provider = self.provider_for(host)
        if provider is None:
            return None
        endpoint = provider.endpoint_for(path.split("?", 1)[0])
        if endpoint is None and provider.shared:
            return None  # the host's ordinary web traffic
        return Match(provider, endpoint)


def provider_named(name: str) -> Provider | None:
    """The built-in provider called `name` (None for "" or an unknown name)."""
    return _BY_NAME.get(name)
