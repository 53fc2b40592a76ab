"""The timeouts, limits and exposure keys: defaults, values and errors with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwall.core.config import load_config
from llmwall.core.guard_config import MIB, Limits, Timeouts, parse_size
from llmwall.errors import ConfigError


def test_defaults() -> None:
    config = load_config(None)
    assert config.timeouts == Timeouts(connect=10.0, read=600.0, stream_idle=300.0)
    assert config.limits == Limits(64 * MIB, 64 * MIB, 100.0, 256 * MIB)
    assert config.unknown_llm_hosts == "passthrough"
    assert config.allow_unauthenticated is False and config.allow_internal_targets == ()


def test_values(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "timeouts: {connect: 2, read: 30.5, stream_idle: 45}\n"
        "limits: {max_body: 8m, max_decompressed: 16m, max_ratio: 50, max_stream: 1g}\n"
        "unknown_llm_hosts: deny\n"
        "allow_unauthenticated: true\n"
        "allow_internal_targets: [127.0.0.1:11434, ollama.lan, '10.0.0.0/8', '[::1]:8080']\n"
    )
    c = load_config(cfg)
    assert c.timeouts == Timeouts(2.0, 30.5, 45.0)
    assert c.limits == Limits(8 * MIB, 16 * MIB, 50.0, 1024 * MIB)
    assert c.unknown_llm_hosts == "deny" and c.allow_unauthenticated
    t = c.allow_internal_targets
    assert t[0].allows("127.0.0.1", 11434) and not t[0].allows("127.0.0.1", 22)
    assert t[1].allows("OLLAMA.lan.", 1)
    assert t[2].allows("10.1.2.3", 80) and not t[2].allows("11.0.0.1", 80)
    assert t[3].allows("::1", 8080)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeouts:\n  read: 0\n", ":2: timeouts.read: expected seconds above 0"),
        ("timeouts:\n  connect: fast\n", ":2: timeouts.connect: expected seconds"),
        (
            "timeouts:\n  idle: 3\n",
            "timeouts: unknown key 'idle'; allowed keys: connect, read, stream_idle",
        ),
        ("limits:\n  max_body: lots\n", ":2: limits.max_body: expected a size such as 64m"),
        ("limits:\n  max_ratio: 1\n", ":2: limits.max_ratio: expected a number of at least 2"),
        (
            "unknown_llm_hosts: block\n",
            ":1: unknown_llm_hosts: 'block' is not one of passthrough, deny",
        ),
        ("allow_unauthenticated: yes please\n", "allow_unauthenticated: expected true or false"),
        ("allow_internal_targets: [1.2.3.4:99999]\n", "the port must be 1-65535"),
        ("allow_internal_targets: ['300.1.1.1/8']\n", "is not a network such as 127.0.0.0/8"),
    ],
)
def test_errors_name_the_key_and_the_line(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert message in str(err.value), str(err.value)


@pytest.mark.parametrize(
    ("value", "size"),
    [("64m", 64 * MIB), ("512k", 512 * 1024), ("1g", 1 << 30), (4096, 4096), ("2MiB", 2 * MIB)],
)
def test_parse_size(value: object, size: int) -> None:
    assert parse_size(value, "x") == size
