"""Everything the proxy builds once at start-up from a Config."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from llmwall.addon.audit_writer import AuditWriter
from llmwall.audit.log import AuditLog
from llmwall.audit.siem import SiemPusher
from llmwall.ca.authority import CAFiles, ensure_ca, upstream_trust
from llmwall.core.agent import Agent
from llmwall.core.config import Config
from llmwall.core.inspect import Inspector
from llmwall.core.scanner import Scanner
from llmwall.detectors.engine import Detector
from llmwall.routing.breaker import Breaker
from llmwall.routing.providers import ProviderTable


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
    inspector: Inspector
    detector: Detector
    audit: AuditWriter
    ca: CAFiles
    upstreams: dict[str, Upstream]
    upstream_ca: str | None
    breaker: Breaker
    siem: SiemPusher | None = None  # live push of the audit records (config `siem`)

    @property
    def holdback(self) -> int:
        return self.config.holdback

    def close(self) -> None:
        self.audit.close()
        if self.siem is not None:  # what the last commits added goes out before we stop
            self.siem.notify()
            self.siem.stop(timeout=10)
        self.detector.close()


def parse_upstream(url: str) -> Upstream:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Upstream(parts.scheme, parts.hostname or "", port, parts.path.rstrip("/"))


def agent(config: Config) -> Agent:
    """The agent features' shared state; the tool pins open under home when a policy
    first pins (a reloaded policy may turn pinning on)."""
    return Agent(home=config.home)


def build_runtime(
    config: Config, *, detector: Detector | None = None, worker: int | None = None
) -> Runtime:
    """Build the detectors, the CA and the audit log a config names (its blocks were
    all validated when it was loaded)."""
    detector = detector or Detector(config.detectors)
    config.home.mkdir(parents=True, exist_ok=True)
    ca = ensure_ca(config.home)
    # One process pushes to the SIEM: the cursors belong to the DB and the sink, so with
    # several workers it is the first one.
    siem = SiemPusher(config.siem, config.audit_db) if config.siem and worker in (None, 1) else None
    audit = AuditWriter(
        AuditLog.open(config.audit_db, config.home, **config.audit),
        on_commit=(lambda _: siem.notify()) if siem is not None else None,
    )
    if siem is not None:
        siem.start()
    trust = upstream_trust(config.home, config.upstream_ca)
    inspector = Inspector(
        config.policy_set,
        Scanner(detector),
        config.routes,
        digest=audit.digest,
        worker=worker,
        agent=agent(config),
    )
    return Runtime(
        config=config,
        table=ProviderTable.from_config(config.providers),
        inspector=inspector,
        detector=detector,
        audit=audit,
        ca=ca,
        upstreams={
            name: parse_upstream(spec.upstream)
            for name, spec in config.providers.items()
            if spec.upstream
        },
        upstream_ca=str(trust) if trust else None,
        breaker=Breaker(config.breaker),
        siem=siem,
    )
