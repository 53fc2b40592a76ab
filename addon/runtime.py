"""Everything the proxy builds once at start-up from a Config."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from llmwall.addon.audit_writer import AuditWriter
from llmwall.addon.config import Config
from llmwall.addon.policy import Policy
from llmwall.audit.log import AuditLog
from llmwall.ca.authority import CAFiles, ensure_ca, upstream_trust
from llmwall.detectors.engine import Detector, DetectorConfig
from llmwall.errors import ConfigError
from llmwall.routing.breaker import Breaker, BreakerConfig
from llmwall.routing.providers import ProviderTable
from llmwall.routing.routes import RouteTable, parse_routes


@dataclass(frozen=True)
class Upstream:
    scheme: str
    host: str
    port: int
    prefix: str  # path prefix to put before the request path ("" for none)


@dataclass
class Runtime:
    config: Config
    table: ProviderTable
    policy: Policy
    detector: Detector
    audit: AuditWriter
    ca: CAFiles
    upstreams: dict[str, Upstream]
    upstream_ca: str | None
    holdback: int
    routes: RouteTable = field(default_factory=RouteTable)
    breaker: Breaker = field(default_factory=Breaker)

    def close(self) -> None:
        self.audit.close()
        self.detector.close()


def parse_upstream(url: str) -> Upstream:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Upstream(parts.scheme, parts.hostname or "", port, parts.path.rstrip("/"))


def build_runtime(config: Config, *, detector: Detector | None = None) -> Runtime:
    """Load policy, detectors, CA and audit. Raises ConfigError on bad config."""
    policy = config.load_policy()
    if detector is None:
        detector = Detector(
            DetectorConfig.from_mapping(config.detectors, f"{config.source}: detectors")
        )
    config.home.mkdir(parents=True, exist_ok=True)
    ca = ensure_ca(config.home)
    audit_opts: dict[str, Any] = dict(config.audit)
    audit = AuditWriter(AuditLog.open(config.audit_db, config.home, **audit_opts))
    upstreams = {
        name: parse_upstream(spec.upstream)
        for name, spec in config.providers.items()
        if spec.upstream
    }
    trust = upstream_trust(config.home, config.upstream_ca)
    routes = parse_routes(config.routes, config.source, config.base_dir)
    for key, name in policy.reroute.items():
        if routes.get(name) is None:
            known = ", ".join(sorted(routes.names)) or "none configured"
            raise ConfigError(
                f"{policy.source}: reroute.{key}: {name!r} is not a route in {config.source} "
                f"(routes: {known})"
            )
    return Runtime(
        config=config,
        table=ProviderTable.from_config(config.providers),
        policy=policy,
        detector=detector,
        audit=audit,
        ca=ca,
        upstreams=upstreams,
        upstream_ca=str(trust) if trust else None,
        holdback=int(config.stream.get("holdback", 64)),
        routes=routes,
        breaker=Breaker(BreakerConfig(**config.breaker)),
    )
