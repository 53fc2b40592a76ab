"""`llmwall doctor`: does the environment a client gets match the running proxy, and did
a command's LLM calls go through it?

Checks are small functions returning `Check`s; the CLI prints them and exits 1 if any
failed. For a command, the doctor runs it exactly as `wrap` would and watches two things:
new audit records (what reached llmwall) and the TCP connections of the command's
process tree, read from /proc every few milliseconds (what went elsewhere). A program
that talks to a non-loopback address other than the proxy, or that makes no LLM request
through llmwall at all, is reported — a bypass is never silent.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import struct
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from llmwall.ca.trust import read_pem_certs

POLL_SECONDS = 0.005
_TCP_STATES = {"01", "02"}  # ESTABLISHED, SYN_SENT


@dataclass(frozen=True)
class Check:
    ok: bool | None  # None: informational
    what: str

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "info"}[self.ok]
        return f"  {mark} {self.what}"


def check_env(
    env: Mapping[str, str], ca_cert: Path, proxy_url: str | None, label: str
) -> list[Check]:
    """Whether an environment points at `proxy_url` and trusts the CA, per runtime."""
    out: list[Check] = []
    ca = set(read_pem_certs(ca_cert))
    proxy = env.get("HTTPS_PROXY") or env.get("https_proxy")
    if proxy_url is not None:
        good = proxy is not None and proxy.rstrip("/") == proxy_url.rstrip("/")
        out.append(Check(good, f"{label}: HTTPS_PROXY={proxy or '(unset)'} (proxy: {proxy_url})"))
    for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE"):
        value = env.get(var)
        if not value:
            out.append(
                Check(False, f"{label}: {var} is unset (that runtime will not trust the CA)")
            )
            continue
        try:
            trusted = ca <= set(read_pem_certs(Path(value)))
        except OSError:
            trusted = False
        out.append(Check(trusted, f"{label}: {var} {'holds' if trusted else 'LACKS'} the CA"))
    java = env.get("JAVA_TOOL_OPTIONS", "")
    out.append(
        Check(
            "-Djavax.net.ssl.trustStore=" in java and "-Dhttps.proxyHost=" in java,
            f"{label}: JAVA_TOOL_OPTIONS "
            + ("sets proxy and truststore" if "-Dhttps.proxyHost=" in java else "has no proxy"),
        )
    )
    if "node_proxy_preload.cjs" in env.get("NODE_OPTIONS", ""):
        out.append(Check(True, f"{label}: NODE_OPTIONS loads the proxy preload (Node < 22.21)"))
    return out


@dataclass
class CommandWatch:
    code: int
    records: int  # audit records written while it ran
    llm_requests: int
    direct: Counter[str]  # ip:port the process tree connected to, not the proxy/loopback


def is_loopback(host: str) -> bool:
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")


def watch_command(
    cmd: list[str],
    env: Mapping[str, str],
    audit_db: Path,
    proxy: tuple[str, int] | None,
    is_local: Callable[[str], bool] = is_loopback,
) -> CommandWatch:
    """Run `cmd`, count the audit records it caused, and collect its TCP connections
    to anything but the proxy and `is_local` addresses (loopback: local models, tools)."""
    from llmwall.addon.capture import descendants

    before = _max_seq(audit_db)
    proc = subprocess.Popen(cmd, env=dict(env))
    direct: Counter[str] = Counter()
    seen: set[tuple[int, str]] = set()
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            for inode, remote in _connections(pid):
                if (inode, remote) in seen:
                    continue
                seen.add((inode, remote))
                host, port = remote.rsplit(":", 1)
                if not is_local(host) and (proxy is None or (host, int(port)) != proxy):
                    direct[remote] += 1
        time.sleep(POLL_SECONDS)
    time.sleep(0.3)  # the proxy writes the audit record just after the response
    records, requests = _records_since(audit_db, before)
    return CommandWatch(proc.returncode, records, requests, direct)


def _max_seq(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0])


def _records_since(db: Path, seq: int) -> tuple[int, int]:
    if not db.exists():
        return 0, 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT record FROM records WHERE seq > ?", (seq,)).fetchall()
    return len(rows), sum('"kind":"request"' in r[0].replace(" ", "") for r in rows)


def _connections(pid: int) -> list[tuple[int, str]]:
    """(socket inode, remote ip:port) of the TCP connections `pid` holds open."""
    try:
        inodes = set()
        for fd in os.scandir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(fd.path)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        return []
    out = []
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        try:
            lines = Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if len(f) < 10 or f[3] not in _TCP_STATES or int(f[9]) not in inodes:
                continue
            addr, port = f[2].split(":")
            out.append((int(f[9]), f"{_ip(addr, family)}:{int(port, 16)}"))
    return out


def _ip(hexaddr: str, family: int) -> str:
    raw = bytes.fromhex(hexaddr)
    # /proc prints each 32-bit word in host byte order
    words = struct.unpack(f"<{len(raw) // 4}I", raw)
    packed = struct.pack(f">{len(words)}I", *words)
    text = socket.inet_ntop(family, packed)
    return text.removeprefix("::ffff:") if text.startswith("::ffff:") and "." in text else text
