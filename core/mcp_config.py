"""The config's `mcp:` block: which MCP servers (Streamable HTTP or the legacy SSE
transport) llmwall intercepts besides the LLM hosts.

    mcp:
      hosts: ["mcp.example.com", "*.tools.internal"]   # exact names or "*.suffix"
      upstream:                                         # optional: where a host really is
        mcp.example.com: https://10.0.0.5:8443
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmwall.errors import ConfigError


@dataclass(frozen=True)
class McpConfig:
    hosts: tuple[str, ...] = ()
    upstream: dict[str, str] = field(default_factory=dict)

    def intercepts(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        for pattern in self.hosts:
            if pattern.startswith("*."):
                if host.endswith(pattern[1:]) and host != pattern[2:]:
                    return True
            elif host == pattern:
                return True
        return False

    @staticmethod
    def from_mapping(raw: Any, where: str) -> McpConfig:
        if raw is None:
            return McpConfig()
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a mapping with keys hosts, upstream")
        for key in raw:
            if key not in ("hosts", "upstream"):
                raise ConfigError(f"{where}.{key}: unknown key; allowed: hosts, upstream")
        hosts = raw.get("hosts") or []
        if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
            raise ConfigError(
                f'{where}.hosts: expected a list of host names like ["mcp.example.com"]'
            )
        for i, host in enumerate(hosts):
            if "/" in host or ":" in host or ("*" in host and not host.startswith("*.")):
                raise ConfigError(
                    f"{where}.hosts[{i}]: {host!r} is not a host name (no scheme, port or "
                    'path; a wildcard only as "*.suffix")'
                )
        upstream = raw.get("upstream") or {}
        if not isinstance(upstream, dict):
            raise ConfigError(f"{where}.upstream: expected a mapping of host to base URL")
        lowered = tuple(h.lower() for h in hosts)
        for host, url in upstream.items():
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ConfigError(
                    f"{where}.upstream.{host}: expected a base URL like https://host:port"
                )
            if str(host).lower() not in lowered:
                raise ConfigError(f"{where}.upstream.{host}: not one of mcp.hosts")
        return McpConfig(lowered, {str(h).lower(): u for h, u in upstream.items()})
