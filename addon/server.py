"""Run mitmproxy in-process with the Firewall addon, in the foreground."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence

from mitmproxy import ctx, options
from mitmproxy.tools.dump import DumpMaster

from llmwall.addon import proxy_state
from llmwall.addon.firewall import Firewall
from llmwall.addon.runtime import Runtime

log = logging.getLogger("llmwall")

BODY_SIZE_LIMIT = "64m"  # larger bodies get mitmproxy's 413 (request) / 502 (response)


class Ready:
    """Logs the one 'listening' line once mitmproxy's servers are up (the `running`
    hook fires after they bound), with the real address (port 0 resolves here)."""

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    def running(self) -> None:
        # Everything built at start-up (detector weights, recognizers, mitmproxy) lives
        # as long as the process: moving it out of the collector's generations keeps the
        # cyclic GC from traversing it on the request path (detection p99 at 200 B:
        # 5.0 -> 1.3 ms in scripts/bench_detectors.py, which does the same).
        gc.collect()
        gc.freeze()
        server = ctx.master.addons.get("proxyserver")
        addrs = server.listen_addrs() if server else []
        where = ", ".join(f"{h}:{p}" for h, p, *_ in addrs) or "?"
        modes = list(ctx.options.mode)
        if any(m.startswith("local") for m in modes):
            where += " + " + ", ".join(m for m in modes if m.startswith("local"))
        # wrap/env/doctor read this to find the proxy and to check they match it.
        proxy_state.write_state(
            self.rt.config.home,
            [(h, p) for h, p, *_ in addrs],
            self.rt.ca.cert,
            modes,
            self.rt.config.source,
        )
        policy = self.rt.config.policy.source
        log.info(
            "llmwall listening on %s (policy %s, fail_mode %s, audit %s, CA %s)",
            where,
            policy,
            self.rt.config.fail_mode,
            self.rt.config.audit_db,
            self.rt.ca.cert,
        )

    def done(self) -> None:
        proxy_state.remove_state(self.rt.config.home)


async def serve(
    runtime: Runtime, modes: Sequence[str] = ("regular",), addons: Sequence[object] = ()
) -> None:
    """Run until SIGINT/SIGTERM. `modes` are mitmproxy mode specs: "regular" (the forward
    proxy) and/or "local:<spec>" (capture, addon/capture.py); `addons` run after ours."""
    cfg = runtime.config
    opts = options.Options(
        listen_host=cfg.listen_host, listen_port=cfg.listen_port, mode=list(modes)
    )
    master = DumpMaster(opts, with_termlog=False, with_dumper=False)
    opts.update(
        confdir=str(runtime.ca.confdir),
        # Nothing is resolved or connected before the request hook chose the upstream.
        connection_strategy="lazy",
        upstream_cert=False,
        body_size_limit=BODY_SIZE_LIMIT,
        ssl_verify_upstream_trusted_ca=runtime.upstream_ca,
        # Authenticated users are named in every audit record (flow.metadata["proxyauth"]).
        proxyauth=cfg.proxy_auth,
    )
    master.addons.add(Firewall(runtime), Ready(runtime), *addons)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    try:
        await master.run()
    finally:
        runtime.close()
