"""The config blocks that bound what the proxy accepts and where it connects.

    timeouts:                  # every upstream flow, with or without a route
      connect: 10              # seconds to open the upstream connection (TCP + TLS)
      read: 600                # seconds from the request sent to the first response byte
      stream_idle: 300         # the longest silence inside a response body (streams too)
    limits:
      max_body: 64m            # a body as it travels (compressed): beyond it, 413 / 502
      max_decompressed: 64m    # a body once decoded: beyond it, 413 (request) / 502
      max_ratio: 100           # decoded / encoded size, once the decoded size passes 1 MiB
      max_stream: 256m         # the decoded bytes of one streamed response
    unknown_llm_hosts: passthrough   # or deny: LLM-looking hosts missing from the table
    allow_unauthenticated: false     # needed to listen beyond loopback without proxy_auth
    allow_internal_targets: []       # HOST, HOST:PORT or CIDR a non-loopback listener may reach

Each parser raises ConfigError as `<source>: <key path>: what is wrong and the fix`;
`llmwall.core.config` adds the line.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from llmwall.errors import ConfigError

MIB = 1024 * 1024
RATIO_FLOOR = 1 * MIB  # below this decoded size the ratio is not checked


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 600.0  # the SDKs' own default (OpenAI, Anthropic): reasoning models are slow
    stream_idle: float = 300.0


@dataclass(frozen=True)
class Limits:
    max_body: int = 64 * MIB
    max_decompressed: int = 64 * MIB
    max_ratio: float = 100.0
    max_stream: int = 256 * MIB


@dataclass(frozen=True)
class InternalTarget:
    """One `allow_internal_targets` entry: a host name, an IP or a network, and a port."""

    host: str | None = None  # a name (lowercase), when not an address or a network
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None  # None: any port

    def allows(self, host: str, port: int, address: str | None = None) -> bool:
        if self.port is not None and port != self.port:
            return False
        if self.host is not None:
            return host.lower().rstrip(".") == self.host
        assert self.network is not None
        for candidate in (address, host):
            try:
                if candidate and ipaddress.ip_address(candidate) in self.network:
                    return True
            except ValueError:
                continue
        return False


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": MIB, "g": 1024 * MIB}


def parse_size(value: Any, where: str) -> int:
    """64m, 512k, 1g or a number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    m = _SIZE.match(value) if isinstance(value, str) else None
    if m is None or float(m.group(1)) <= 0:
        raise ConfigError(f"{where}: expected a size such as 64m, 512k or 1g, got {value!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def _seconds(raw: dict[str, Any], key: str, default: float, where: str) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
        raise ConfigError(f"{where}.{key}: expected seconds above 0 (at most 86400), got {value!r}")
    return float(value)


def _mapping(raw: Any, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with keys {', '.join(keys)}")
    for key in raw:
        if key not in keys:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {', '.join(keys)}")
    return raw


def parse_timeouts(raw: Any, where: str = "timeouts") -> Timeouts:
    d = Timeouts()
    raw = _mapping(raw, ("connect", "read", "stream_idle"), where)
    return Timeouts(
        connect=_seconds(raw, "connect", d.connect, where),
        read=_seconds(raw, "read", d.read, where),
        stream_idle=_seconds(raw, "stream_idle", d.stream_idle, where),
    )


def parse_limits(raw: Any, where: str = "limits") -> Limits:
    d = Limits()
    raw = _mapping(raw, ("max_body", "max_decompressed", "max_ratio", "max_stream"), where)
    ratio = raw.get("max_ratio", d.max_ratio)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or ratio < 2:
        raise ConfigError(f"{where}.max_ratio: expected a number of at least 2, got {ratio!r}")
    return Limits(
        max_body=parse_size(raw.get("max_body", d.max_body), f"{where}.max_body"),
        max_decompressed=parse_size(
            raw.get("max_decompressed", d.max_decompressed), f"{where}.max_decompressed"
        ),
        max_ratio=float(ratio),
        max_stream=parse_size(raw.get("max_stream", d.max_stream), f"{where}.max_stream"),
    )


UNKNOWN_LLM_HOSTS = ("passthrough", "deny")


def parse_unknown_llm_hosts(value: Any, where: str = "unknown_llm_hosts") -> str:
    if value is None:
        return "passthrough"
    if value not in UNKNOWN_LLM_HOSTS:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(UNKNOWN_LLM_HOSTS)}")
    return str(value)


def parse_flag(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def parse_internal_targets(
    raw: Any, where: str = "allow_internal_targets"
) -> tuple[InternalTarget, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of HOST, HOST:PORT or CIDR entries")
    return tuple(_target(item, f"{where}[{i}]") for i, item in enumerate(raw))


def _target(item: Any, where: str) -> InternalTarget:
    if not isinstance(item, str) or not item.strip():
        raise ConfigError(f"{where}: expected HOST, HOST:PORT or CIDR such as 127.0.0.1:11434")
    text = item.strip()
    if "/" in text:
        try:
            return InternalTarget(network=ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ConfigError(f"{where}: {text!r} is not a network such as 127.0.0.0/8") from None
    host, port = text, None
    if text.startswith("["):  # [::1]:8080
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    if port is not None and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ConfigError(f"{where}: {text!r}: the port must be 1-65535")
    port_n = int(port) if port is not None else None
    try:
        net = ipaddress.ip_network(host, strict=False)
        return InternalTarget(network=net, port=port_n)
    except ValueError:
        pass
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        raise ConfigError(f"{where}: {text!r} is not a host name, an address or a network")
    return InternalTarget(host=host.lower().rstrip("."), port=port_n)
