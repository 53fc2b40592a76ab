from __future__ import annotations

from pathlib import Path

import pytest

from llmwall.core.config import load_config
from llmwall.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.yaml"
    p.write_text(text)
    return p


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMWALL_HOME", str(tmp_path / "h"))
    cfg = load_config()
    assert (cfg.listen_host, cfg.listen_port) == ("127.0.0.1", 8080)
    assert cfg.home == tmp_path / "h"
    assert cfg.audit_db == tmp_path / "h" / "audit.db"
    assert cfg.fail_mode == "closed" and not cfg.fail_open


def test_command_line_wins_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    cfg = load_config(
        write(
            tmp_path,
            "listen: 0.0.0.0:9000\nhome: state\naudit: {path: a.db}\nupstream_ca: ca.pem\n",
        ),
        listen="127.0.0.1:7000",
    )
    assert cfg.listen_port == 7000
    assert cfg.home == tmp_path / "state"
    assert cfg.audit_db == tmp_path / "a.db"
    assert cfg.upstream_ca == tmp_path / "ca.pem"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("colour: blue\n", "unknown key 'colour'"),
        ("fail_mode: shut\n", "fail_mode: 'shut' is not one of closed, open"),
        ("listen: 8080\n", "listen: expected a HOST:PORT string"),
        ("listen: localhost\n", "is not HOST:PORT"),
        ("providers: {openia: {upstream: https://x}}\n", "providers.openia: unknown provider"),
        ("providers: {openai: {upstream: ftp://x}}\n", "providers.openai.upstream"),
        ("providers: {openai: {upstrem: https://x}}\n", "unknown key 'upstrem'"),
        ("audit: {pth: x}\n", "audit: unknown key 'pth'"),
        ("stream: {holdback: -1}\n", "stream.holdback"),
        ("upstream_ca: /nonexistent.pem\n", "upstream_ca"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("a: [\n", "not valid YAML at line"),
    ],
)
def test_errors_name_the_key_and_the_fix(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text))
    assert needle in str(err.value)
    assert str(tmp_path) in str(err.value)  # and the file


def test_errors_point_at_the_line(tmp_path: Path) -> None:
    cfg = write(tmp_path, "listen: 127.0.0.1:8080\nproviders:\n  openai:\n    upstream: ftp://x\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}:4: providers.openai.upstream:")


def test_inline_policy_errors_point_at_the_config_line(tmp_path: Path) -> None:
    cfg = write(tmp_path, "fail_mode: closed\npolicy:\n  injection:\n    treshold: 0.5\n")
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(
        f"{tmp_path / 'config.yaml'}:4: policy.injection.treshold: unknown key"
    )


def test_policy_file_errors_point_at_the_line(tmp_path: Path) -> None:
    from llmwall.core.policy import load_policy

    p = tmp_path / "policy.yaml"
    p.write_text("version: 1\nactions:\n  secret: redact\n  EMAIL_ADDRESS: redcat\n")
    with pytest.raises(ConfigError) as err:
        load_policy(str(p))
    assert (
        str(err.value) == f"{p}:4: actions.EMAIL_ADDRESS: 'redcat' is not one of "
        "allow, redact, block, shadow, pseudonymize"
    )


def test_proxy_auth_specs(tmp_path: Path) -> None:
    (tmp_path / "users.htpasswd").write_text("alice:$apr1$x$y\n")
    assert (
        load_config(write(tmp_path, "proxy_auth: '@users.htpasswd'\n")).proxy_auth
        == f"@{tmp_path / 'users.htpasswd'}"
    )
    assert load_config(write(tmp_path, "proxy_auth: alice:pw\n")).proxy_auth == "alice:pw"
    for bad in ("proxy_auth: '@missing.htpasswd'\n", "proxy_auth: alice\n"):
        with pytest.raises(ConfigError, match="proxy_auth"):
            load_config(write(tmp_path, bad))


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("listen: 127.0.0.1:8080\ndetectors:\n  cache_size: -1\n", ":3: detectors.cache_size"),
        ("detectors:\n  custom: ['nosuch.module:X']\n", ":2: detectors.custom: cannot import"),
        ("breaker:\n  failures: 0\n", ":2: breaker.failures: expected a number above 0"),
        ("routes:\n  - fallbacks:\n      - provider: antropic\n", ":3: routes[0].fallbacks[0]"),
        ("policy: {reroute: {pii: nowhere}}\n", "reroute.pii: 'nowhere' is not a route"),
    ],
)
def test_every_block_is_validated_at_load_with_file_and_line(
    tmp_path: Path, text: str, prefix: str
) -> None:
    cfg = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    message = str(err.value)
    assert message.startswith(f"{cfg}{prefix}" if prefix.startswith(":") else str(cfg)), message
    assert prefix in message


def test_the_config_is_parsed_into_typed_objects(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path,
            "providers: {anthropic: {upstream: 'https://llm-gw.internal:8443/anthropic'}}\n"
            "stream: {holdback: 128}\nbreaker: {failures: 5}\n"
            "routes:\n  - match: {provider: openai}\n    fallbacks: [{provider: anthropic}]\n",
        )
    )
    assert cfg.holdback == 128 and cfg.breaker.failures == 5
    assert cfg.policy.source == "<built-in default policy>"
    (target,) = cfg.routes.routes[0].fallbacks
    # a fallback to a provider with a configured upstream goes there, not to the public host
    assert target.url(None, stream=False) == "https://llm-gw.internal:8443/anthropic/v1/messages"


def test_policies_per_identity(tmp_path: Path) -> None:
    (tmp_path / "finance.yaml").write_text("actions: {EMAIL_ADDRESS: block}\n")
    cfg = load_config(
        write(
            tmp_path,
            "identities: {groups: {finance: [alice, bob]}}\n"
            "policies:\n"
            "  - {match: {group: finance}, policy: finance.yaml}\n"
            "  - {match: {user: 'svc-*'}, policy: {preset: [pci-dss]}}\n",
        )
    )
    policies = cfg.policy_set
    assert policies.for_user("alice").source == str(tmp_path / "finance.yaml")
    assert policies.for_user("svc-batch").presets == ("pci-dss",)
    assert policies.for_user("carol") is cfg.policy and policies.for_user(None) is cfg.policy


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("policies: [{match: {group: ops}, policy: {}}]\n", "match.group: 'ops' is not a group"),
        ("policies: [{match: {team: x}, policy: {}}]\n", "policies[0].match: expected a mapping"),
        ("policies: [{match: {user: x}}]\n", "policies[0]: expected a mapping with keys"),
        ("policies: [{match: {user: x}, policy: {actions: {X: y}}}]\n", "policies[0].policy"),
        ("identities: {groups: {a: alice}}\n", "identities.groups.a: expected a list"),
    ],
)
def test_policies_errors(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        load_config(write(tmp_path, text))
