"""The llmwall config file: YAML, every key optional, parsed once into typed objects.

Each block is validated where it is built (the policy in `llmwall.core.policy`, routes
in `llmwall.routing.routes`, the breaker in `llmwall.routing.breaker`, detectors in
`llmwall.detectors.engine`); this module parses the top level, hands each block to its
owner, and points every error at its file and line, e.g.
`config.yaml:3: fail_mode: 'shut' is not one of closed, open`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmwall.audit.nodes import check_node
from llmwall.audit.siem_config import SinkConfig, parse_siem
from llmwall.core import guard_config as guards
from llmwall.core.front_door import FrontDoor, parse_front_door
from llmwall.core.guard_config import InternalTarget, Limits, Timeouts
from llmwall.core.mcp_config import McpConfig
from llmwall.core.policy import Policy, load_policy, parse_policy
from llmwall.core.policy_set import PolicySet, parse_policy_set
from llmwall.core.yaml_source import read_yaml, with_line
from llmwall.detectors.engine import DetectorConfig
from llmwall.errors import AuditStoreError, ConfigError
from llmwall.routing.breaker import BreakerConfig
from llmwall.routing.providers import PROVIDER_NAMES
from llmwall.routing.routes import RouteTable, parse_routes

DEFAULT_LISTEN = "127.0.0.1:8080"
DEFAULT_HOLDBACK = 64


@dataclass(frozen=True)
class ProviderOverride:
    upstream: str | None = None  # base URL: scheme://host[:port][/prefix]
    hosts: tuple[str, ...] = ()  # extra hosts served by this provider's dialects


@dataclass(frozen=True)
class Config:
    home: Path
    policy: Policy  # the base policy (`policy:`)
    policies: PolicySet | None = None  # with the per-identity ones (`identities`, `policies`)
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    audit_path: Path | None = None  # default: home / "audit.db"
    audit: dict[str, Any] = field(default_factory=dict)  # llmwall.audit.log.AuditLog options
    fail_mode: str = "closed"
    upstream_ca: Path | None = None
    providers: dict[str, ProviderOverride] = field(default_factory=dict)
    detectors: DetectorConfig = field(default_factory=DetectorConfig)
    holdback: int = DEFAULT_HOLDBACK  # characters held back per stream channel
    routes: RouteTable = field(default_factory=RouteTable)
    proxy_auth: str | None = None  # mitmproxy proxyauth spec; users are named in the audit
    breaker: BreakerConfig = field(default_factory=BreakerConfig)
    admin_listen: tuple[str, int] | None = None  # /metrics, /healthz, /readyz
    front_door: FrontDoor | None = None  # the OpenAI-compatible reverse endpoint
    workers: int = 1  # processes serving `listen` (llmwall.addon.workers)
    siem: tuple[SinkConfig, ...] = ()  # live push of the audit records
    log_format: str = "text"  # the per-request line on stdout: text, json, or "" for none
    mcp: McpConfig = field(default_factory=McpConfig)  # MCP servers to intercept
    # bounds and exposure (llmwall.core.guard_config)
    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    unknown_llm_hosts: str = "passthrough"  # or "deny"
    allow_unauthenticated: bool = False
    allow_internal_targets: tuple[InternalTarget, ...] = ()
    source: str = "<defaults>"

    @property
    def policy_set(self) -> PolicySet:
        return self.policies or PolicySet(self.policy)

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
    "detectors": ((dict,), "a mapping (see docs/CONFIGURATION.md: detectors)"),
    "stream": ((dict,), "a mapping with key holdback"),
    "proxy_auth": ((str,), '"@/path/htpasswd", "user:password", "ldap[s]:..." or "any"'),
    "routes": ((list,), "a list of routes (see docs/ROUTES.md)"),
    "breaker": ((dict,), "a mapping with keys failures, window, cooldown, max_open"),
    "identities": ((dict,), "a mapping with key groups (see docs/CONFIGURATION.md)"),
    "admin": ((dict,), "a mapping with key listen (HOST:PORT of /metrics, /healthz, /readyz)"),
    "log": ((dict,), "a mapping with key format (json or text)"),
    "front_door": ((dict,), "a mapping with keys listen and keys (see docs/FRONT_DOOR.md)"),
    "workers": ((int,), "the number of processes serving the listen address (1 or more)"),
    "siem": ((list,), "a list of SIEM sinks (see docs/DEPLOYMENT.md)"),
    "policies": ((list,), "a list of {match: {user|group}, policy: FILE or mapping}"),
    "mcp": ((dict,), "a mapping with keys hosts, upstream (see docs/AGENTS.md)"),
    "timeouts": ((dict,), "a mapping with keys connect, read, stream_idle (seconds)"),
    "limits": ((dict,), "a mapping with keys max_body, max_decompressed, max_ratio, max_stream"),
    "unknown_llm_hosts": ((str,), "passthrough or deny"),
    "allow_unauthenticated": ((bool,), "true or false"),
    "allow_internal_targets": ((list,), "a list of HOST, HOST:PORT or CIDR entries"),
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
    """Build a Config from an optional YAML file; command-line values win over the file.
    Every block is parsed here, once; a mistake anywhere raises ConfigError naming the
    file, the line and the key."""
    if path is None:
        return _build({}, "<defaults>", Path.cwd(), "", home=home, listen=listen)
    source = str(path)
    text, loaded = read_yaml(path, "config file")
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys")
    try:
        return _build(loaded, source, Path(path).resolve().parent, text, home=home, listen=listen)
    except ConfigError as exc:
        raise ConfigError(with_line(str(exc), source, text)) from None


def _build(
    raw: dict[str, Any],
    source: str,
    base_dir: Path,
    text: str,
    *,
    home: Any,
    listen: str | None,
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
        audit,
        {"checkpoint_every", "checkpoint_seconds", "synchronous", "node"},
        f"{source}: audit",
    )
    if "node" in audit:
        try:
            check_node(audit["node"], f"{source}: audit.node")
        except AuditStoreError as exc:
            raise ConfigError(str(exc)) from None

    providers = {
        name: _provider(name, spec, source) for name, spec in raw.get("providers", {}).items()
    }

    upstream_ca = None
    if "upstream_ca" in raw:
        upstream_ca = rel(raw["upstream_ca"])
        if not upstream_ca.is_file():
            raise ConfigError(f"{source}: upstream_ca: {upstream_ca} is not a readable PEM file")

    stream = dict(raw.get("stream", {}))
    _check_keys(stream, {"holdback"}, f"{source}: stream")
    holdback = stream.get("holdback", DEFAULT_HOLDBACK)
    if not isinstance(holdback, int) or isinstance(holdback, bool) or not 0 <= holdback <= 4096:
        raise ConfigError(f"{source}: stream.holdback: expected a whole number from 0 to 4096")

    admin = dict(raw.get("admin", {}))
    _check_keys(admin, {"listen"}, f"{source}: admin")
    admin_listen = None
    if "listen" in admin:
        if not isinstance(admin["listen"], str):
            raise ConfigError(f"{source}: admin.listen: expected a HOST:PORT string")
        admin_listen = parse_listen(admin["listen"], f"{source}: admin.listen")
    log_cfg = dict(raw.get("log", {}))
    _check_keys(log_cfg, {"format"}, f"{source}: log")
    log_format = log_cfg.get("format", "text")
    if log_format not in ("json", "text", "off"):
        raise ConfigError(f"{source}: log.format: {log_format!r} is not one of json, text, off")

    upstreams = {name: p.upstream for name, p in providers.items() if p.upstream}
    routes = parse_routes(raw.get("routes"), source, base_dir, upstreams=upstreams)
    front_door = parse_front_door(raw.get("front_door"), source, parse_listen, base_dir, upstreams)
    policy = _policy(raw.get("policy"), source, text, rel)
    policies = parse_policy_set(policy, raw.get("identities"), raw.get("policies"), source, rel)
    for each in policies.all():
        for key, name in each.reroute.items():
            if routes.get(name) is None:
                known = ", ".join(sorted(routes.names)) or "none configured"
                where = f"{source}: policy." if each.source == "policy" else f"{each.source}: "
                raise ConfigError(
                    f"{where}reroute.{key}: {name!r} is not a route in {source} (routes: {known})"
                )

    return Config(
        home=home_path or default_home(),
        policy=policy,
        policies=policies,
        listen_host=host,
        listen_port=port,
        audit_path=audit_path,
        audit=audit,
        fail_mode=fail_mode,
        upstream_ca=upstream_ca,
        providers=providers,
        detectors=DetectorConfig.from_mapping(raw.get("detectors"), f"{source}: detectors"),
        holdback=holdback,
        routes=routes,
        proxy_auth=_proxy_auth(raw.get("proxy_auth"), source, rel),
        breaker=BreakerConfig.from_mapping(raw.get("breaker"), f"{source}: breaker"),
        admin_listen=admin_listen,
        front_door=front_door,
        workers=_workers(raw.get("workers", 1), source),
        siem=parse_siem(raw.get("siem"), source, base_dir),
        log_format="" if log_format == "off" else log_format,
        mcp=McpConfig.from_mapping(raw.get("mcp"), f"{source}: mcp"),
        timeouts=guards.parse_timeouts(raw.get("timeouts"), f"{source}: timeouts"),
        limits=guards.parse_limits(raw.get("limits"), f"{source}: limits"),
        unknown_llm_hosts=guards.parse_unknown_llm_hosts(
            raw.get("unknown_llm_hosts"), f"{source}: unknown_llm_hosts"
        ),
        allow_unauthenticated=guards.parse_flag(
            raw.get("allow_unauthenticated"), f"{source}: allow_unauthenticated"
        ),
        allow_internal_targets=guards.parse_internal_targets(
            raw.get("allow_internal_targets"), f"{source}: allow_internal_targets"
        ),
        source=source,
    )


def _workers(value: Any, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 256:
        raise ConfigError(f"{source}: workers: expected a whole number from 1 to 256")
    return value


def _policy(spec: Any, source: str, text: str, rel: Any) -> Policy:
    """A policy file (its own errors name its own lines), an inline mapping (errors name
    the config's lines under `policy.`), or the built-in default."""
    if isinstance(spec, str):
        return load_policy(str(rel(spec)))
    if not isinstance(spec, dict):
        return load_policy(None)
    try:
        return parse_policy(spec, "policy")
    except ConfigError as exc:
        rest = str(exc).removeprefix("policy: ")
        raise ConfigError(with_line(f"{source}: policy.{rest}", source, text)) from None


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
