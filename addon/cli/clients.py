"""`llmwall ca`, `llmwall env` and `llmwall wrap`: pointing clients at the proxy.

All three read the same config and home as `llmwall run`, find the running proxy there
(addon/proxy_state.py), and ask the proxy at the address they hand out whether it signs
with this home's CA (ca/proxy_probe.py): a mismatch is refused with what to fix, a proxy
that is not running gets a hint, never a silent certificate error later.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmwall.addon.cli.common import EXIT_FAILED, EXIT_USAGE, config_from
from llmwall.core.config import DEFAULT_LISTEN, Config, parse_listen


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    ca = sub.add_parser(
        "ca",
        parents=parents,
        help="the interception CA and the merged trust bundles",
        description="Print CA file paths. Example: llmwall ca bundle --format pkcs12",
    )
    ca.add_argument(
        "what",
        choices=["path", "bundle", "sources"],
        help="path: the CA certificate; bundle: system + certifi + your roots + the CA; "
        "sources: where the bundle's roots came from",
    )
    ca.add_argument(
        "--format",
        choices=["pem", "pkcs12"],
        default="pem",
        help="bundle: PEM (SSL_CERT_FILE) or a PKCS12 truststore for Java "
        "(password 'changeit'; JDK roots included)",
    )
    ca.set_defaults(func=cmd_ca)

    env = sub.add_parser(
        "env",
        parents=parents,
        help="print shell exports for a client",
        description='Print exports. Example: eval "$(llmwall env)"',
    )
    _proxy_options(env)
    env.set_defaults(func=cmd_env)

    wrap = sub.add_parser(
        "wrap",
        parents=parents,
        help="run a command through llmwall",
        description="Run CMD with the proxy env set. Example: llmwall wrap -- python app.py",
    )
    _proxy_options(wrap)
    wrap.add_argument(
        "--capture",
        action="store_true",
        help="capture CMD's connections with mitmproxy's local redirect mode (for apps "
        "that ignore proxy settings; needs root or sudo, see docs/CLIENTS.md)",
    )
    wrap.add_argument(
        "--report",
        metavar="FILE.html",
        help="write a self-contained HTML report of what CMD sent (from the audit)",
    )
    wrap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    wrap.set_defaults(func=cmd_wrap)


def _proxy_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="proxy address clients use (default: the running proxy of this home, "
        "else the config's listen)",
    )
    p.add_argument(
        "--no-check",
        action="store_true",
        help="do not ask the proxy whether it signs with this home's CA",
    )


def cmd_ca(args: argparse.Namespace) -> int:
    from llmwall.ca.authority import ensure_ca

    cfg = config_from(args)
    ca = ensure_ca(cfg.home)
    if args.what == "path":
        print(ca.cert)
        return 0
    env = _build_env(cfg, None)
    if args.what == "sources":
        for s in env.trust.sources:
            err = f"  ({s.error})" if s.error else ""
            print(f"{s.origin:24} {s.count:4}  {s.path}{err}")
        print(f"{'merged':24} {env.trust.count:4}  {env.trust.pem}")
        print(f"{'java truststore':24} {'':4}  {env.java_truststore}")
        return 0
    print(env.java_truststore if args.format == "pkcs12" else env.trust.pem)
    return 0


@dataclass(frozen=True)
class Target:
    url: str | None  # None: refused
    message: str  # one line for stderr ("" when there is nothing to say)


def find_proxy(cfg: Config, args: argparse.Namespace) -> Target:
    """The proxy URL a client should use, checked against the running proxy."""
    from llmwall.addon.proxy_state import ca_fingerprint, running_proxies
    from llmwall.ca.authority import ensure_ca
    from llmwall.ca.proxy_probe import probe_proxy

    ca = ensure_ca(cfg.home)
    running = running_proxies(cfg.home)
    explicit = args.listen is not None or (cfg.listen_host, cfg.listen_port) != parse_listen(
        DEFAULT_LISTEN
    )
    if running and not explicit:
        state = running[-1]
        host, port = state.url.removeprefix("http://").rsplit(":", 1)
        host, port_n = host.strip("[]"), int(port)
        if state.ca_sha256 != ca_fingerprint(ca.cert):
            return Target(None, f"the proxy (pid {state.pid}) uses another CA than {ca.cert}")
    else:
        host = "127.0.0.1" if cfg.listen_host in ("0.0.0.0", "::", "") else cfg.listen_host
        port_n = cfg.listen_port
        if port_n == 0:
            return Target(None, "--listen port 0 is for `llmwall run`; give the proxy's port")
    url = f"http://[{host}]:{port_n}" if ":" in host else f"http://{host}:{port_n}"
    if args.no_check:
        return Target(url, "")
    probe = probe_proxy(host, port_n, ca.cert)
    home_opt = f"--home {cfg.home}"
    if probe.ok or probe.status == "auth_required":
        note = "" if probe.ok else f"llmwall: {probe.detail}; the CA was not checked"
        return Target(url, note)
    if probe.status == "nothing_listening":
        if running:
            where = ", ".join(f"{s.url} (pid {s.pid})" for s in running)
            return Target(
                None,
                f"{probe.detail}, but this home's proxy runs at {where}; "
                "drop --listen, or pass the same --listen as `llmwall run`",
            )
        return Target(
            url,
            f"llmwall: no proxy is running at {host}:{port_n} for {cfg.home}; start it "
            f"with `llmwall run {home_opt}` (LLM calls fail to connect until then)",
        )
    return Target(
        None,
        f"{probe.detail}. Clients would fail with a certificate error: give wrap/env the "
        f"same --home and --config as `llmwall run` (this one: {home_opt})",
    )


def _build_env(cfg: Config, proxy_url: str | None) -> Any:
    from llmwall.ca.authority import ensure_ca
    from llmwall.ca.client_env import build_client_env

    ca = ensure_ca(cfg.home)
    extra = [h for spec in cfg.providers.values() for h in spec.hosts]
    extra += [h.replace("*", "x") for h in cfg.mcp.hosts]  # MCP servers go through it too
    return build_client_env(cfg.home, ca.cert, proxy_url, os.environ, llm_hosts=extra)


def _prepare(args: argparse.Namespace, name: str) -> tuple[Config, Any] | int:
    cfg = config_from(args)
    target = find_proxy(cfg, args)
    if target.url is None:
        print(f"llmwall {name}: refusing: {target.message}", file=sys.stderr)
        return EXIT_FAILED
    if target.message:
        print(target.message, file=sys.stderr)
    env = _build_env(cfg, target.url)
    if env.dropped_no_proxy:
        print(
            f"llmwall {name}: NO_PROXY entries {', '.join(env.dropped_no_proxy)} would send "
            "LLM hosts around llmwall; left out for this command",
            file=sys.stderr,
        )
    return cfg, env


def cmd_env(args: argparse.Namespace) -> int:
    from llmwall.ca.client_env import shell_exports

    prepared = _prepare(args, "env")
    if isinstance(prepared, int):
        return prepared
    sys.stdout.write(shell_exports(prepared[1].vars))
    return 0


def cmd_wrap(args: argparse.Namespace) -> int:
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        print(
            "llmwall wrap: give a command after --, e.g. llmwall wrap -- python app.py",
            file=sys.stderr,
        )
        return EXIT_USAGE
    started = time.time()
    connections: dict[str, int] = {}
    if args.capture:
        from llmwall.addon.capture import run_captured

        code, connections = run_captured(args, cmd)
    else:
        prepared = _prepare(args, "wrap")
        if isinstance(prepared, int):
            return prepared
        env = {**os.environ, **prepared[1].vars}
        try:
            code = subprocess.call(cmd, env=env)
        except FileNotFoundError:
            print(f"llmwall wrap: command not found: {cmd[0]}", file=sys.stderr)
            return 127
    if args.report:
        from llmwall.addon.report import write_session_report

        cfg = config_from(args)
        # the program's name only: its arguments may carry a prompt or a key
        path = write_session_report(
            cfg.audit_db,
            args.report,
            since=started,
            title=Path(cmd[0]).name,
            connections=connections,
        )
        print(f"llmwall wrap: report written to {path}", file=sys.stderr)
    return code
