"""Capture mode: LLM traffic of a program that ignores every proxy setting.

`llmwall wrap --capture -- CMD` uses mitmproxy's own `local` redirect mode on Linux (an
eBPF program marks the sockets of chosen processes and a TUN device hands their packets
to mitmproxy, which runs the llmwall addon on them; hosts that are not LLM providers
pass through untouched). The command is started paused, its PID is given to a capture
proxy (`llmwall run --mode local:PID --follow-pid PID`), and only then released, so its
first connection is already captured. Child processes are added to the capture as they
appear (`ProcessTreeFollower`; mitmproxy matches PIDs, not process trees).

It needs privileges and kernel features; `capture_problems()` names each missing one
with its fix, and the command refuses to run rather than run uncaptured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

log = logging.getLogger("llmwall.capture")
POLL_SECONDS = 0.02
MAX_SPEC = 19  # mitmproxy_linux keeps 20 intercept entries; one is "!<proxy pid>"


def capture_problems() -> list[str]:
    """What stops mitmproxy's local mode here, each with the fix; [] when it can run."""
    if platform.system() != "Linux":
        return [
            "capture mode is built on mitmproxy's Linux redirector; on macOS and Windows "
            "mitmproxy's local mode uses other redirectors that llmwall does not drive yet"
        ]
    problems: list[str] = []
    try:
        import mitmproxy_linux

        redirector = mitmproxy_linux.executable_path()
        if not redirector.exists():
            problems.append(f"mitmproxy-linux-redirector is missing at {redirector}")
    except ImportError:
        problems.append("the mitmproxy-linux package is not installed: pip install mitmproxy-linux")
    if shutil.which("sudo") is None:
        problems.append(
            "sudo is not installed: mitmproxy starts its redirector with `sudo` even as "
            "root (Debian/Ubuntu: apt-get install sudo)"
        )
    elif subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        problems.append(
            "sudo needs a password: run `sudo -v` first, or allow "
            f"`{_redirector_hint()}` with NOPASSWD in sudoers"
        )
    fstype = _mount_type("/sys/fs/cgroup")
    if fstype != "cgroup2":
        problems.append(
            f"/sys/fs/cgroup is {fstype or 'not mounted'}, not cgroup v2: the redirector "
            "attaches its eBPF program to the cgroup v2 root there (boot with "
            "systemd.unified_cgroup_hierarchy=1, or run llmwall in a mount namespace "
            "with `mount -t cgroup2 none /sys/fs/cgroup`, see docs/CLIENTS.md)"
        )
    if not Path("/dev/net/tun").exists():
        problems.append("/dev/net/tun is missing: the redirector needs a TUN device")
    return problems


def _redirector_hint() -> str:
    try:
        import mitmproxy_linux

        return str(mitmproxy_linux.executable_path())
    except ImportError:
        return "mitmproxy-linux-redirector"


def _mount_type(mountpoint: str) -> str | None:
    found = None
    try:
        for line in Path("/proc/self/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and parts[1] == mountpoint:
                found = parts[2]  # the last mount on a path is the one seen
    except OSError:
        return None
    return found


def descendants(root: int) -> list[int]:
    """`root` and every living process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # the comm field may hold spaces and parentheses: the ppid follows the last ')'
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in out:
            continue
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


class ProcessTreeFollower:
    """Keeps mitmproxy's local capture on a process and all its descendants.

    mitmproxy's `local:<pid>` matches one PID; children of a shell script, `npm run` or
    a launcher would go uncaptured. Every POLL_SECONDS the tree is read from /proc and
    the redirector's intercept list replaced in one step. A child that connects within
    that time of its start can be missed; docs/CLIENTS.md says so and names the
    alternatives (capture by process name, or the whole host)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.current: list[int] = []
        self.task: asyncio.Task[None] | None = None
        self.warned = False

    def running(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._loop())

    def done(self) -> None:
        if self.task:
            self.task.cancel()

    async def _loop(self) -> None:
        from mitmproxy.proxy.mode_servers import LocalRedirectorInstance

        while True:
            pids = descendants(self.root)
            if pids != self.current and LocalRedirectorInstance._server is not None:
                if len(pids) > MAX_SPEC and not self.warned:
                    log.warning(
                        "capture: %d processes, mitmproxy follows %d; the rest go uncaptured",
                        len(pids),
                        MAX_SPEC,
                    )
                    self.warned = True
                spec = ",".join(str(p) for p in pids[:MAX_SPEC]) + f",!{os.getpid()}"
                LocalRedirectorInstance._server.set_intercept(spec)
                self.current = pids
            await asyncio.sleep(POLL_SECONDS)


class ConnectionTally:
    """Counts the captured program's connections by host, intercepted or passed through,
    and writes them (host names and counts only) to a JSON file at exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: Counter[str] = Counter()

    def tls_clienthello(self, data: Any) -> None:
        host = data.client_hello.sni or (data.context.server.address or ("?",))[0]
        verdict = "passed through" if data.ignore_connection else "intercepted"
        self.seen[f"{host}:{(data.context.server.address or ('', 0))[1]} ({verdict})"] += 1

    def requestheaders(self, flow: Any) -> None:
        if not flow.client_conn.tls:
            self.seen[f"{flow.request.pretty_host}:{flow.request.port} (plain HTTP)"] += 1

    def done(self) -> None:
        self.path.write_text(json.dumps(dict(self.seen.most_common())))


def run_captured(args: argparse.Namespace, cmd: list[str]) -> tuple[int, dict[str, int]]:
    """Start CMD paused, start the capture proxy on its PID, release CMD, wait.
    Returns CMD's exit status and its connections by host (ConnectionTally)."""
    from llmwall.addon.cli.common import EXIT_FAILED, config_from
    from llmwall.ca.authority import ensure_ca
    from llmwall.ca.client_env import build_client_env

    problems = capture_problems()
    if problems:
        print("llmwall wrap --capture: cannot capture here:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        print(
            "  (nothing was run: running it uncaptured would be a silent bypass)", file=sys.stderr
        )
        return EXIT_FAILED, {}
    cfg = config_from(args)
    ca = ensure_ca(cfg.home)
    env = {**os.environ, **build_client_env(cfg.home, ca.cert, None).vars}
    gate_r, gate_w = os.pipe()
    # Paused until the capture is on: a one-line trampoline waits on the pipe, then
    # exec()s CMD, which keeps the PID the capture proxy was given.
    trampoline = (
        "import os,sys; fd=int(sys.argv[1]); os.read(fd,1); os.close(fd); "
        "os.execvp(sys.argv[2], sys.argv[2:])"
    )
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", trampoline, str(gate_r), *cmd], env=env, pass_fds=(gate_r,)
        )
    finally:
        os.close(gate_r)
    tally = cfg.home / "run" / f"capture-{child.pid}.json"
    proxy = _start_capture_proxy(args, cfg.home, child.pid, tally)
    if proxy is None:
        child.kill()
        child.wait()
        os.close(gate_w)
        return EXIT_FAILED, {}
    os.write(gate_w, b"go\n")
    os.close(gate_w)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.terminate()
        code = child.wait()
    finally:
        proxy.terminate()
        try:
            proxy.wait(15)
        except subprocess.TimeoutExpired:
            proxy.kill()
    return code, _print_tally(tally)


def _start_capture_proxy(
    args: argparse.Namespace, home: Path, pid: int, tally: Path
) -> subprocess.Popen[bytes] | None:
    tally.parent.mkdir(parents=True, exist_ok=True)
    logfile = home / "run" / f"capture-{pid}.log"
    argv = [sys.executable, "-m", "llmwall", "run", "--home", str(home)]
    if args.config:
        argv += ["--config", args.config]
    argv += ["--mode", f"local:{pid}", "--follow-pid", str(pid), "--tally", str(tally)]
    with logfile.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = logfile.read_text(errors="replace")
        if "llmwall listening on" in text:
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    print(
        "llmwall wrap --capture: the capture proxy did not start (nothing was run):\n"
        + logfile.read_text(errors="replace")[-3000:],
        file=sys.stderr,
    )
    return None


def _print_tally(path: Path) -> dict[str, int]:
    try:
        seen: dict[str, int] = json.loads(path.read_text())
        path.unlink()
    except (OSError, ValueError):
        return {}
    if seen:
        print("llmwall wrap --capture: connections of the command:", file=sys.stderr)
        for what, n in seen.items():
            print(f"  {n:4}  {what}", file=sys.stderr)
    return seen
