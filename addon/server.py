"""Run mitmproxy in-process with llmwall's addons, in the foreground.

Addons, in hook order (mitmproxy calls every hook in the order the addons were added):
LogFilter (content-free mitmproxy logs), ErrorAnswers (mitmproxy's own answers in the
provider's shape), Admin (answers the admin listener's flows), the front door,
RequestGuard and Limits (before the firewall reads a request), Firewall (every
decision), TunnelGuard (the last word on interception), Timeouts (they watch what the
firewall forwards), the inventory, Telemetry (metrics and the request log line, once a
flow is over), Ready, the reloader.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence

from mitmproxy import ctx, options
from mitmproxy import master as mitm_master
from mitmproxy.addons import block, core, disable_h2c, next_layer, proxyauth, proxyserver, tlsconfig
from mitmproxy.addons.errorcheck import ErrorCheck

from llmwall.addon import log_filter, proxy_state
from llmwall.addon.admin import Admin, admin_mode
from llmwall.addon.answers import Answers
from llmwall.addon.error_answers import ErrorAnswers
from llmwall.addon.exposure import InternalTargets, check_listener
from llmwall.addon.firewall import Firewall
from llmwall.addon.front_door import FrontDoorAddon, front_door_mode
from llmwall.addon.guards import RequestGuard, TunnelGuard
from llmwall.addon.inventory import FILENAME, Inventory, InventoryStore
from llmwall.addon.limits import Limits
from llmwall.addon.mcp import McpGuard
from llmwall.addon.reload import Reloader
from llmwall.addon.runtime import Runtime
from llmwall.addon.telemetry import Telemetry
from llmwall.addon.timeouts import Timeouts
from llmwall.addon.websocket import WebSockets

log = logging.getLogger("llmwall")


class Ready:
    """Logs the one 'listening' line once mitmproxy's servers are up (the `running`
    hook fires after they bound), with the real address (port 0 resolves here)."""

    def __init__(self, runtime: Runtime, admin: str | None = None) -> None:
        self.rt = runtime
        self.admin = admin  # the admin listener's mode spec, if any
        self.ready = False  # /readyz

    def running(self) -> None:
        # Everything built at start-up (detector weights, recognizers, mitmproxy) lives
        # as long as the process: moving it out of the collector's generations keeps the
        # cyclic GC from traversing it on the request path (detection p99 at 200 B:
        # 5.0 -> 1.3 ms in scripts/bench_detectors.py, which does the same).
        gc.collect()
        gc.freeze()
        server = ctx.master.addons.get("proxyserver")
        proxy: list[str] = []
        admin: list[str] = []
        door: list[str] = []
        proxy_addrs = []
        for instance in server.servers if server else ():
            addrs = [f"{h}:{p}" for h, p, *_ in instance.listen_addrs]
            if instance.mode.full_spec == self.admin:
                admin.extend(addrs)
            elif instance.mode.full_spec.startswith(("regular", "local")):
                proxy.extend(addrs)
                proxy_addrs += [(h, p) for h, p, *_ in instance.listen_addrs]
            else:
                door.extend(addrs)
        modes = list(ctx.options.mode)
        where = ", ".join(proxy) or "?"
        if any(m.startswith("local") for m in modes):
            where += " + " + ", ".join(m for m in modes if m.startswith("local"))
        # wrap/env/doctor read this to find the proxy and to check they match it.
        proxy_state.write_state(
            self.rt.config.home, proxy_addrs, self.rt.ca.cert, modes, self.rt.config.source
        )
        log.info(
            "llmwall listening on %s (policy %s, fail_mode %s, audit %s, CA %s%s%s)",
            where,
            self.rt.config.policy.source,
            self.rt.config.fail_mode,
            self.rt.config.audit_db,
            self.rt.ca.cert,
            f", admin {', '.join(admin)}" if admin else "",
            f", front door {', '.join(door)}" if door else "",
        )
        self.ready = True

    def done(self) -> None:
        proxy_state.remove_state(self.rt.config.home)


def mitmproxy_addons() -> list[object]:
    """The parts of mitmproxy llmwall runs on, and nothing else. mitmdump's default set
    has some thirty addons (playback, map local/remote, modify headers and bodies,
    sticky cookies, the mitm.it onboarding page, flow saving, ...); each is called on
    every hook of every flow. Only these are needed: options and commands (core), the
    block of public client addresses (block_global, as mitmdump has it), no h2c
    upgrades, proxy authentication, the servers, the layer choice, TLS, and stopping
    on a start-up error. Leaving the rest out saves about 0.4 ms of CPU per request
    (scripts/bench_cpu.py) and serves no mitm.it page."""
    return [
        core.Core(),
        block.Block(),
        disable_h2c.DisableH2C(),
        proxyauth.ProxyAuth(),
        proxyserver.Proxyserver(),
        next_layer.NextLayer(),
        tlsconfig.TlsConfig(),
        ErrorCheck(),
    ]


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def hardening(runtime: Runtime, firewall: Firewall) -> tuple[list[object], list[object]]:
    """The guards, limits and timeouts (docs/HARDENING.md): (the addons that go before
    the firewall, the addons that go after it)."""
    cfg = runtime.config
    answers = Answers(runtime)
    inventory = Inventory(InventoryStore(cfg.home / FILENAME))
    upstreams = [(u.host, u.port) for u in runtime.upstreams.values()]
    targets = InternalTargets(cfg, allowed=upstreams, allowed_hosts=runtime.table.extra_hosts)
    before = [RequestGuard(runtime, answers, targets, inventory), Limits(runtime, answers)]
    after = [
        TunnelGuard(runtime, answers, targets, inventory, lambda: firewall.fallback.relay.port),
        Timeouts(runtime),
        inventory,
    ]
    return [ErrorAnswers(runtime, answers), *before], after


async def serve(
    runtime: Runtime, modes: Sequence[str] = ("regular",), addons: Sequence[object] = ()
) -> None:
    """Run until SIGINT/SIGTERM. `modes` are mitmproxy mode specs: "regular" (the forward
    proxy) and/or "local:<spec>" (capture, addon/capture.py); `addons` run after ours."""
    cfg = runtime.config
    warning = check_listener(cfg)  # refuses an open relay (ConfigError: exit 2)
    log_filter.install()
    if warning:
        log.warning("%s", warning)
    specs = [
        f"regular@{_host(cfg.listen_host)}:{cfg.listen_port}" if m == "regular" else m
        for m in modes
    ]
    admin = admin_mode(*cfg.admin_listen) if cfg.admin_listen else None
    if admin:
        specs.append(admin)
    door = front_door_mode(*cfg.front_door.listen) if cfg.front_door else None
    if door:
        specs.append(door)
    opts = options.Options(mode=specs)
    master = mitm_master.Master(opts, with_termlog=False)
    master.addons.add(*mitmproxy_addons())
    opts.update(
        confdir=str(runtime.ca.confdir),
        # Nothing is resolved or connected before the request hook chose the upstream.
        connection_strategy="lazy",
        upstream_cert=False,
        body_size_limit=str(cfg.limits.max_body),  # beyond it: a provider-shaped 413 / 502
        ssl_verify_upstream_trusted_ca=runtime.upstream_ca,
        # Authenticated users are named in every audit record (flow.metadata["proxyauth"]).
        proxyauth=cfg.proxy_auth,
    )
    telemetry = Telemetry(runtime.breaker, cfg.log_format)
    if runtime.siem is not None:
        siem = runtime.siem
        loop = asyncio.get_running_loop()

        def feed() -> None:
            telemetry.siem(siem.stats())
            loop.call_later(1.0, feed)

        loop.call_soon(feed)
    ready = Ready(runtime, admin)
    firewall = Firewall(runtime)
    first, after = hardening(runtime, firewall)
    errors, guards = first[0], first[1:]
    master.addons.add(log_filter.LogFilter(), errors)
    if admin:
        master.addons.add(Admin(telemetry, admin, ready))
    if door and cfg.front_door:
        master.addons.add(FrontDoorAddon(cfg.front_door, door, runtime.table))
    reloader = Reloader(runtime, firewall)
    # WebSockets after Firewall: it reads the FlowState the Firewall builds for the upgrade.
    master.addons.add(
        *guards, firewall, WebSockets(runtime), *after, telemetry, ready, reloader, *addons
    )
    if cfg.mcp.hosts:
        master.addons.add(McpGuard(runtime))  # MCP servers (llmwall.addon.mcp)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    loop.add_signal_handler(signal.SIGHUP, reloader.reload)
    try:
        await master.run()
    finally:
        runtime.close()
