"""Route config: validation with errors that name the key, matching, target URLs and headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwall.errors import ConfigError
from llmwall.routing.routes import parse_routes

ENV = {"ANTHROPIC_KEY": "sk-ant-fallback"}


def _route(**kw: object) -> list[dict]:
    return [
        {
            "name": "r",
            "match": {"provider": "openai"},
            "fallbacks": [{"provider": "anthropic", "api_key_env": "ANTHROPIC_KEY"}],
            **kw,
        }
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"routes": "x"}, "routes: expected a list"),
        (
            [{"fallbacks": [{"provider": "antropic"}]}],
            "routes[0].fallbacks[0].provider: 'antropic' is not a known provider",
        ),
        ([{"fallbacks": []}], "routes[0].fallbacks: expected a non-empty list"),
        (
            [{"fallbacks": [{"provider": "anthropic"}], "colour": 1}],
            "routes[0]: unknown key 'colour'",
        ),
        (
            [{"match": {"provider": "opnai"}, "fallbacks": [{"provider": "anthropic"}]}],
            "routes[0].match.provider: 'opnai'",
        ),
        (
            [{"match": {"modle": "x"}, "fallbacks": [{"provider": "anthropic"}]}],
            "routes[0].match: unknown key 'modle'",
        ),
        (
            [{"fallbacks": [{"provider": "anthropic", "api_key_env": "NOPE"}]}],
            "api_key_env: environment variable NOPE is not set",
        ),
        (
            [{"fallbacks": [{"provider": "anthropic", "api_key_env": "A", "api_key_file": "f"}]}],
            "either api_key_env or api_key_file",
        ),
        (
            [{"fallbacks": [{"provider": "anthropic", "api_key_file": "/nonexistent/key"}]}],
            "api_key_file: cannot read",
        ),
        ([{"fallbacks": [{"provider": "gemini"}]}], "a Gemini target needs a model"),
        ([{"fallbacks": [{"provider": "bedrock"}]}], "has no openai_chat endpoint"),
        (
            [{"fallbacks": [{"provider": "anthropic", "api": "cohere"}]}],
            "fallbacks[0].api: 'cohere' is not one of",
        ),
        (
            [{"fallbacks": [{"provider": "anthropic", "read_timeout": 0}]}],
            "read_timeout: expected seconds",
        ),
        ([{"fallbacks": [{"provider": "azure"}]}], "upstream: expected a base URL"),
        (
            [
                {"name": "a", "fallbacks": [{"provider": "groq"}]},
                {"name": "a", "fallbacks": [{"provider": "groq"}]},
            ],
            "'a' is used by an earlier route",
        ),
    ],
)
def test_errors_name_the_key_and_the_fix(raw: object, message: str) -> None:
    raw = raw["routes"] if isinstance(raw, dict) else raw
    with pytest.raises(ConfigError) as err:
        parse_routes(raw, "cfg.yaml", env=ENV)
    assert message in str(err.value)
    assert "sk-ant" not in str(err.value)


def test_credentials_from_env_and_file_never_in_repr(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("sk-from-file\n")
    table = parse_routes(
        [
            {
                "fallbacks": [
                    {"provider": "anthropic", "api_key_env": "ANTHROPIC_KEY"},
                    {"provider": "groq", "api_key_file": "key"},
                ]
            }
        ],
        base_dir=tmp_path,
        env=ENV,
    )
    a, g = table.routes[0].fallbacks
    assert (
        a.headers()["x-api-key"] == "sk-ant-fallback"
        and a.headers()["anthropic-version"] == "2023-06-01"
    )
    assert g.headers()["authorization"] == "Bearer sk-from-file"
    assert "sk-" not in repr(table)


@pytest.mark.parametrize(
    ("spec", "url"),
    [
        ({"provider": "anthropic"}, "https://api.anthropic.com/v1/messages"),
        ({"provider": "groq"}, "https://api.groq.com/openai/v1/chat/completions"),
        (
            {"provider": "ollama", "upstream": "http://127.0.0.1:11434"},
            "http://127.0.0.1:11434/api/chat",
        ),
        (
            {"provider": "ollama", "api": "openai_chat", "upstream": "http://127.0.0.1:11434/"},
            "http://127.0.0.1:11434/v1/chat/completions",
        ),
        (
            {"provider": "openai", "upstream": "https://gw.example:8443/proxy"},
            "https://gw.example:8443/proxy/v1/chat/completions",
        ),
        (
            {"provider": "gemini", "model": "gemini-x"},
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
        ),
        (
            {"provider": "deepseek", "api": "anthropic"},
            "https://api.deepseek.com/anthropic/v1/messages",
        ),
    ],
)
def test_target_urls(spec: dict, url: str) -> None:
    target = parse_routes([{"fallbacks": [spec]}]).routes[0].fallbacks[0]
    assert target.url(target.model or "m", stream=True) == url


def test_matching_by_provider_host_model_and_path_globs() -> None:
    table = parse_routes(
        [
            {"name": "policy-only", "fallbacks": [{"provider": "groq"}]},
            {
                "name": "gpt4",
                "match": {"provider": "openai", "model": "gpt-4*", "path": "/v1/chat/*"},
                "fallbacks": [{"provider": "groq"}],
            },
            {
                "name": "any-openai",
                "match": {"host": "api.openai.*"},
                "fallbacks": [{"provider": "groq"}],
            },
        ]
    )
    assert table.match("openai", "api.openai.com", "/v1/chat/completions", "gpt-4o").name == "gpt4"
    assert (
        table.match("openai", "api.openai.com", "/v1/chat/completions", "o3").name == "any-openai"
    )
    assert table.match("openai", "api.openai.com", "/v1/embeddings", None).name == "any-openai"
    assert table.match("anthropic", "api.anthropic.com", "/v1/messages", "c") is None
    assert table.get("policy-only").match is None
    assert table.names == {"policy-only", "gpt4", "any-openai"}


def test_policy_reroute_section() -> None:
    from llmwall.core.policy import parse_policy
    from llmwall.decision import Decision

    policy = parse_policy(
        {
            "reroute": {"UK_NHS": "local", "secret": "vault"},
            "actions": {"pii": "block", "UK_NHS": "block"},
        },
        "p.yaml",
    )
    assert policy.route_for(["EMAIL_ADDRESS", "UK_NHS"]) == ("local", "UK_NHS")
    assert policy.route_for(["GITHUB_TOKEN"]) == ("vault", "secret")
    assert policy.route_for(["EMAIL_ADDRESS"]) is None
    exempt = policy.exempt("local")
    assert exempt.actions["UK_NHS"] is Decision.ALLOW and exempt.actions["pii"] is Decision.BLOCK
    assert policy.actions["UK_NHS"] is Decision.BLOCK, "the original policy is unchanged"
    with pytest.raises(ConfigError, match=r"reroute\.NHS_NUMBER: unknown entity type"):
        parse_policy({"reroute": {"NHS_NUMBER": "local"}}, "p.yaml")
    with pytest.raises(ConfigError, match=r"reroute\.UK_NHS: expected the name of a route"):
        parse_policy({"reroute": {"UK_NHS": 3}}, "p.yaml")
