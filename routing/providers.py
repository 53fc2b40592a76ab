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


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: tuple[str, ...]  # exact names, or "*.suffix" for any subdomain
    endpoints: tuple[Endpoint, ...]
    auth_headers: tuple[str, ...] = ("authorization",)
    base_url: str = ""  # public base URL, for fallback targets

    def serves_host(self, host: str) -> bool:
        return any(_host_matches(pattern, host) for pattern in self.hosts)

    def endpoint_for(self, path: str) -> Endpoint | None:
        for endpoint in self.endpoints:
            if endpoint.path.fullmatch(path):
                return endpoint
        return None


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def _ep(path: str, dialect: str, operation: str = "chat") -> Endpoint:
    return Endpoint(re.compile(path), dialect, operation)


# OpenAI-shaped endpoints under an optional base prefix (for the many compatible servers).
def _openai_family(prefix: str) -> tuple[Endpoint, ...]:
    p = re.escape(prefix)
    return (
        _ep(rf"{p}/chat/completions", "openai_chat"),
        _ep(rf"{p}/responses", "openai_responses", "responses"),
        _ep(rf"{p}/completions", "openai_completions", "completions"),
        _ep(rf"{p}/embeddings", "openai_embeddings", "embeddings"),
    )


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "openai",
        ("api.openai.com",),
        _openai_family("/v1"),
        base_url="https://api.openai.com",
    ),
    Provider(
        "anthropic",
        ("api.anthropic.com",),
        (
            _ep(r"/v1/messages", "anthropic", "messages"),
            _ep(r"/v1/messages/count_tokens", "anthropic", "count_tokens"),
        ),
        auth_headers=("x-api-key", "authorization"),
        base_url="https://api.anthropic.com",
    ),
)

PROVIDER_NAMES: frozenset[str] = frozenset(
    {
        "openai",
        "azure",
        "anthropic",
        "gemini",
        "vertex",
        "bedrock",
        "cohere",
        "ollama",
        "mistral",
        "groq",
        "together",
        "fireworks",
        "deepseek",
        "openrouter",
        "xai",
    }
)

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

    @classmethod
    def from_config(cls, overrides: dict[str, Any]) -> ProviderTable:
        extra = {}
        for name, spec in overrides.items():
            for host in getattr(spec, "hosts", ()):
                extra[host] = name
        return cls(PROVIDERS, extra)

    def provider(self, name: str) -> Provider | None:
        return _BY_NAME.get(name)

    def is_llm_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.extra_hosts or any(p.serves_host(host) for p in self.providers)

    def identify(self, host: str, path: str) -> Match | None:
        host = host.lower().rstrip(".")
        path = path.split("?", 1)[0]
        name = self.extra_hosts.get(host)
        candidates = (
            [p for p in self.providers if p.name == name]
            if name
            else [p for p in self.providers if p.serves_host(host)]
        )
        for provider in candidates:
            return Match(provider, provider.endpoint_for(path))
        return None
