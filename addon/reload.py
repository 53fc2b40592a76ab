"""Hot reload of the policy (and routes) on SIGHUP or when a file changes.

The config file and every policy file it names are watched (their modification times,
every POLL_S seconds); SIGHUP reloads at once. A reload parses the whole config again:
if anything is wrong, the error is logged (file, line, key) and the running policy
stays. If it parses, the new policies, per-identity policies and routes take effect for
the next request; connections and flows in progress are not touched. Keys that need a
restart (listen, home, detectors, proxy_auth, admin, front_door, workers, ...) are named
in the log when they changed, and keep their running values.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

from llmwall.addon.runtime import Runtime
from llmwall.core.config import load_config
from llmwall.core.inspect import Inspector
from llmwall.errors import ConfigError

log = logging.getLogger("llmwall.reload")

POLL_S = 2.0
_RESTART_ONLY = (
    "listen_host",
    "listen_port",
    "home",
    "audit_path",
    "detectors",
    "proxy_auth",
    "admin_listen",
    "front_door",
    "workers",
    "upstream_ca",
    "providers",
    "fail_mode",
    "timeouts",
    "limits",
    "unknown_llm_hosts",
    "allow_unauthenticated",
    "allow_internal_targets",
)


class Reloader:
    def __init__(self, runtime: Runtime, firewall: Any) -> None:
        self.rt = runtime
        self.firewall = firewall  # has use(inspector)
        self._task: asyncio.Task[None] | None = None
        self._stamps = self._mtimes()

    def running(self) -> None:
        if self.rt.config.source != "<defaults>":
            self._task = asyncio.get_running_loop().create_task(self._watch())

    def done(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _files(self) -> list[Path]:
        cfg = self.rt.config
        if cfg.source == "<defaults>":
            return []
        files = {Path(cfg.source)}
        for policy in cfg.policy_set.all():
            if Path(policy.source).is_file():
                files.add(Path(policy.source))
        return sorted(files)

    def _mtimes(self) -> dict[Path, float]:
        out: dict[Path, float] = {}
        for path in self._files():
            try:
                out[path] = os.stat(path).st_mtime_ns
            except OSError:
                out[path] = -1
        return out

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            stamps = self._mtimes()
            if stamps != self._stamps:
                self._stamps = stamps
                self.reload("a config or policy file changed")

    def reload(self, why: str = "SIGHUP") -> bool:
        """Load the config again; True when the new policy took effect."""
        old = self.rt.config
        try:
            new = load_config(
                old.source, home=old.home, listen=f"{old.listen_host}:{old.listen_port}"
            )
        except ConfigError as exc:
            log.error("reload (%s) rejected, the running policy stays: %s", why, exc)
            return False
        ignored = [key for key in _RESTART_ONLY if getattr(new, key) != getattr(old, key)]
        if ignored:
            log.warning("reload: %s changed; that takes a restart", ", ".join(ignored))
        kept = dataclasses.replace(old, policy=new.policy, policies=new.policies, routes=new.routes)
        self.rt.config = kept
        inspector = Inspector(
            kept.policy_set,
            self.rt.inspector.scanner,
            kept.routes,
            digest=self.rt.inspector.recorder.digest,
            worker=self.rt.inspector.recorder.worker,
            agent=self.rt.inspector.agent,  # pseudonyms, pins and taint outlive a reload
        )
        self.rt.inspector = inspector
        self.firewall.use(inspector)
        self._stamps = self._mtimes()
        log.info(
            "reload (%s): policy %s (digest %s)", why, new.policy.source, new.policy.digest[:12]
        )
        return True
