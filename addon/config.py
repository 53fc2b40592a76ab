"""The llmwall config file: YAML, every key optional, validated where it is built.

Errors name the key and what is allowed, e.g.
`config.yaml: fail_mode: 'shut' is not one of closed, open`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from llmwall.addon.policy import Policy, load_policy, parse_policy
from llmwall.addon.yaml_lines import read_yaml, with_line
from llmwall.errors import ConfigError

DEFAULT_LISTEN = "127.0.0.1:8080"


@dataclass(frozen=True)
class ProviderOverride:
    upstream: str | None = None  # base URL: scheme://host[:port][/prefix]
    hosts: tuple[str, ...] = ()  # extra hosts served by this provider's dialects


@dataclass(frozen=True)
class Config:
    home: Path
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    audit_path: Path | None = None  # default: home / "audit.db"
    policy: Any = None  # path (str) or inline mapping; None = built-in default
    fail_mode: str = "closed"
    upstream_ca: Path | None = None
    providers: dict[str, ProviderOverride] = field(default_factory=dict)
    detectors: dict[str, Any] = field(default_factory=dict)
    stream: dict[str, Any] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)
    proxy_auth: str | None = None  # mitmproxy proxyauth spec; users are named in the audit
    breaker: dict[str, float] = field(default_factory=dict)  # routing.breaker.BreakerConfig fields
    source: str = "<defaults>"
    base_dir: Path = field(default_factory=Path.cwd)
    text: str = ""  # the file's YAML, for pointing errors at lines

    def load_policy(self) -> Policy:
        """The policy this config names (file, inline mapping or built-in default)."""
        if not isinstance(self.policy, dict):
            return load_policy(self.policy)
        try:
            return parse_policy(self.policy, "policy")
        except ConfigError as exc:
            rest = str(exc).removeprefix("policy: ")
            message = with_line(f"{self.source}: policy.{rest}", self.source, self.text)
            raise ConfigError(message) from None

    @property
    def audit_db(self) -> Path:
        return self.audit_path or self.home / "audit.db"

    @property
    def fail_open(self) -> bool:
        return self.fail_mode == "open"


# key -> (allowed types, description used in error messages)
_TOP_LEVEL: dict[str, tuple[tuple[type, ...], str]] = {
    "listen": ((str,), "a HOST:PORT string"),
    "home": ((str,), "a directory path"),
    "audit": ((dict,), "a mapping with keys path, checkpoint_every, checkpoint_seconds"),
    "policy": ((str, dict), "a policy file path or an inline policy mapping"),
    "fail_mode": ((str,), "closed or open"),
    "upstream_ca": ((str,), "a PEM file path"),
    "providers": ((dict,), "a mapping of provider name to {upstream: URL, hosts: [...]}"),
    "detectors": ((dict,), "a mapping (see README: detectors)"),
    "stream": ((dict,), "a mapping with key holdback"),
    "proxy_auth": ((str,), '"@/path/htpasswd", "user:password", "ldap[s]:..." or "any"'),
    "routes": ((list,), "a list of routes (see README: routes)"),
    "breaker": ((dict,), "a mapping with keys failures, window, cooldown, max_open"),
}


def default_home() -> Path:
    env = os.environ.get("LLMWALL_HOME")
    return Path(env).expanduser() if env else Path.home() / ".llmwall"


def parse_listen(value: str, where: str = "listen") -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"{where}: {value!r} is not HOST:PORT (for example 127.0.0.1:8080)")
    return host.strip("[]"), int(port)


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    listen: str | None = None,
) -> Config:
    """Build a Config from an optional YAML file; command-line values win over the file."""
    raw: dict[str, Any] = {}
    source = "<defaults>"
    base_dir = Path.cwd()
    if path is not None:
        source = str(path)
        base_dir = Path(path).resolve().parent
        text, loaded = read_yaml(path, "config file")
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{source}: the top level must be a mapping of keys")
        raw = loaded
        try:
            return replace(_build(raw, source, base_dir, home=home, listen=listen), text=text)
        except ConfigError as exc:
            raise ConfigError(with_line(str(exc), source, text)) from None
    return _build(raw, source, base_dir, home=home, listen=listen)


def _build(
    raw: dict[str, Any], source: str, base_dir: Path, *, home: Any, listen: str | None
) -> Config:
    for key, value in raw.items():
        if key not in _TOP_LEVEL:
            allowed = ", ".join(sorted(_TOP_LEVEL))
            raise ConfigError(f"{source}: unknown key {key!r}; allowed keys: {allowed}")
        types, desc = _TOP_LEVEL[key]
        if not isinstance(value, types):
            raise ConfigError(f"{source}: {key}: expected {desc}, got {type(value).__name__}")

    def rel(p: str) -> Path:
        q = Path(p).expanduser()
        return q if q.is_absolute() else base_dir / q

    home_path = Path(home).expanduser() if home else (rel(raw["home"]) if "home" in raw else None)
    if listen:
        host, port = parse_listen(listen, "--listen")
    else:
        host, port = parse_listen(raw.get("listen", DEFAULT_LISTEN), f"{source}: listen")

    fail_mode = raw.get("fail_mode", "closed")
    if fail_mode not in ("closed", "open"):
        raise ConfigError(f"{source}: fail_mode: {fail_mode!r} is not one of closed, open")

    audit = dict(raw.get("audit", {}))
    audit_path = None
    if "path" in audit:
        if not isinstance(audit["path"], str):
            raise ConfigError(f"{source}: audit.path: expected a file path string")
        audit_path = rel(audit.pop("path"))
    _check_keys(
        audit, {"checkpoint_every", "checkpoint_seconds", "synchronous"}, f"{source}: audit"
    )

    providers = {}
    for name, spec in raw.get("providers", {}).items():
        providers[name] = _provider(name, spec, source)

    upstream_ca = None
    if "upstream_ca" in raw:
        upstream_ca = rel(raw["upstream_ca"])
        if not upstream_ca.is_file():
            raise ConfigError(f"{source}: upstream_ca: {upstream_ca} is not a readable PEM file")

    policy = raw.get("policy")
    if isinstance(policy, str):
        policy = str(rel(policy))

    stream = dict(raw.get("stream", {}))
    _check_keys(stream, {"holdback"}, f"{source}: stream")
    if "holdback" in stream and (
        not isinstance(stream["holdback"], int) or not 0 <= stream["holdback"] <= 4096
    ):
        raise ConfigError(f"{source}: stream.holdback: expected a whole number from 0 to 4096")

    breaker = dict(raw.get("breaker", {}))
    _check_keys(breaker, {"failures", "window", "cooldown", "max_open"}, f"{source}: breaker")
    for key, value in breaker.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value <= 0
            or (key == "failures" and not isinstance(value, int))
        ):
            raise ConfigError(
                f"{source}: breaker.{key}: expected a number above 0"
                + (" (a whole number)" if key == "failures" else "")
            )

    from llmwall.routing.routes import (
        parse_routes,  # validated here so that a bad route fails at load
    )

    parse_routes(raw.get("routes"), source, base_dir)

    return Config(
        home=home_path or default_home(),
        listen_host=host,
        listen_port=port,
        audit_path=audit_path,
        policy=policy,
        fail_mode=fail_mode,
        upstream_ca=upstream_ca,
        providers=providers,
        detectors=dict(raw.get("detectors", {})),
        stream=stream,
        audit=audit,
        routes=list(raw.get("routes", [])),
        proxy_auth=_proxy_auth(raw.get("proxy_auth"), source, rel),
        breaker=breaker,
        source=source,
        base_dir=base_dir,
    )


def _proxy_auth(value: str | None, source: str, rel: Any) -> str | None:
    if value is None:
        return None
    if value.startswith("@"):
        path = rel(value[1:])
        if not path.is_file():
            raise ConfigError(f"{source}: proxy_auth: htpasswd file {path} does not exist")
        return f"@{path}"
    if value == "any" or value.startswith("ldap") or (":" in value and not value.startswith(":")):
        return value
    raise ConfigError(
        f'{source}: proxy_auth: expected "@/path/htpasswd", "user:password", '
        f'"ldap[s]:server[:port]:bind_dn:password:subtree" or "any"'
    )


def _check_keys(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown key {key!r}; allowed keys: {', '.join(sorted(allowed))}"
            )


def _provider(name: str, spec: Any, source: str) -> ProviderOverride:
    # Imported here: the provider table lives in routing, the one source of provider names.
    from llmwall.routing.providers import PROVIDER_NAMES

    where = f"{source}: providers.{name}"
    if name not in PROVIDER_NAMES:
        raise ConfigError(f"{where}: unknown provider; known: {', '.join(sorted(PROVIDER_NAMES))}")
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected a mapping with keys upstream, hosts")
    _check_keys(spec, {"upstream", "hosts"}, where)
    upstream = spec.get("upstream")
    if upstream is not None and (
        not isinstance(upstream, str) or not upstream.startswith(("http://", "https://"))
    ):
        raise ConfigError(f"{where}.upstream: expected a base URL like https://host:port")
    hosts = spec.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise ConfigError(f"{where}.hosts: expected a list of host names")
    return ProviderOverride(upstream=upstream, hosts=tuple(h.lower() for h in hosts))
