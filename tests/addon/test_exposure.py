"""Who may use a listener, and which targets it refuses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from llmwall.addon.exposure import (
    InternalTargets,
    check_listener,
    internal_reason,
    is_loopback_host,
)
from llmwall.core.config import load_config
from llmwall.errors import ConfigError


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("api.localhost", True),
        ("0.0.0.0", False),
        ("", False),
        ("::", False),
        ("10.0.0.5", False),
        ("gateway.corp.example", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def _config(tmp_path: Path, text: str, listen: str):  # type: ignore[no-untyped-def]
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    return load_config(cfg, listen=listen, home=tmp_path)


def test_a_network_listener_needs_proxy_auth(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="proxy_auth") as err:
        check_listener(_config(tmp_path, "{}\n", "0.0.0.0:8080"))
    assert "allow_unauthenticated" in str(err.value) and "open relay" in str(err.value)
    assert check_listener(_config(tmp_path, "{}\n", "127.0.0.1:8080")) is None
    assert check_listener(_config(tmp_path, "proxy_auth: 'a:b'\n", "0.0.0.0:8080")) is None
    warning = check_listener(_config(tmp_path, "allow_unauthenticated: true\n", "10.1.2.3:8080"))
    assert warning and "without proxy_auth" in warning


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.1.2.3", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("0.0.0.0", "unspecified"),
        ("192.0.2.1", None),  # TEST-NET: not ours (the bind test fails)
        ("8.8.8.8", None),
        ("not-an-address", None),
    ],
)
def test_internal_reason(address: str, reason: str | None) -> None:
    assert internal_reason(address) == reason


def test_targets_refused_and_allowed(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        "allow_unauthenticated: true\nallow_internal_targets: ['127.0.0.1:11434', '10.9.0.0/16']\n",
        "0.0.0.0:8080",
    )
    targets = InternalTargets(config, allowed=[("127.0.0.1", 9000)], allowed_hosts=["vllm.lan"])

    def refused(host: str, port: int, upstream: bool = False) -> str | None:
        return asyncio.run(targets.refused(host, port, upstream=upstream))

    assert refused("127.0.0.1", 22) == "loopback"
    assert refused("localhost", 22) == "loopback"
    assert refused("127.0.0.1", 11434) is None  # listed
    assert refused("127.0.0.1", 9000) == "loopback"  # an upstream, but a client's target
    assert refused("127.0.0.1", 9000, upstream=True) is None  # llmwall's own connection
    assert refused("vllm.lan", 8000) is None  # a configured LLM host
    assert refused("169.254.169.254", 80) == "link_local"
    assert refused("192.0.2.7", 443) is None


def test_a_loopback_listener_refuses_nothing(tmp_path: Path) -> None:
    targets = InternalTargets(_config(tmp_path, "{}\n", "127.0.0.1:8080"))
    assert asyncio.run(targets.refused("127.0.0.1", 22)) is None
