"""`llmwall wrap --capture`: programs that ignore every proxy setting are captured with
mitmproxy's local redirect mode, and the llmwall addon redacts their LLM calls.

Each test runs in a network namespace of its own (only loopback, so nothing can leave
the machine whatever happens) and a private mount namespace in which cgroup v2 is
mounted at /sys/fs/cgroup (where mitmproxy's redirector attaches its eBPF program) and
/etc/hosts maps api.openai.com to 198.18.0.10 (a benchmarking address nobody serves):
a client that went around the capture would fail to connect, never reach a provider.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, subprocess_env
from tests.e2e.wrapped import CLIENTS, PLANTED, PROMPT, REPLY

NS_SCRIPT = """
set -e
ip link set lo up
mount --make-rprivate /
mount -t cgroup2 none /sys/fs/cgroup
mount --bind "$D/hosts" /etc/hosts
mount --bind "$D/resolv.conf" /etc/resolv.conf
exec "$@"
"""


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "needs root (network and mount namespaces, the eBPF redirector)"
    for tool in ("ip", "unshare", "sudo"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (.ci/run installs sudo and iproute2)"
    return None


WHY_NOT = _why_not()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=str(WHY_NOT))


def captured(cmd: list[str], report: str = "-") -> dict[str, Any]:
    d = Path(tempfile.mkdtemp(prefix="llmwall-capns-"))
    hostname = subprocess.run(["hostname"], capture_output=True, text=True).stdout.strip()
    (d / "hosts").write_text(
        f"127.0.0.1 localhost {hostname}\n::1 localhost\n198.18.0.10 api.openai.com\n"
    )
    (d / "resolv.conf").write_text("nameserver 127.0.0.1\n")
    ns = f"llmwall-cap-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        env = {**subprocess_env(), "D": str(d)}
        driver = [sys.executable, "-m", "tests.e2e.capture_driver", report, *cmd]
        r = subprocess.run(
            ["ip", "netns", "exec", ns, "unshare", "--mount", "sh", "-c", NS_SCRIPT, "sh",
             *driver],
            capture_output=True, text=True, env=env, cwd=REPO, timeout=240,
        )  # fmt: skip
    finally:
        subprocess.run(["ip", "netns", "delete", ns], check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    result: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    if result["returncode"] != 0 and "eBPF" in result["stderr"]:
        pytest.skip("this kernel cannot load mitmproxy's eBPF program: " + result["stderr"][-500:])
    return result


def _assert_captured_and_redacted(result: dict[str, Any]) -> None:
    assert result["returncode"] == 0, result["stderr"]
    assert result["stdout"].strip() == REPLY
    (body,) = result["received"]
    for value in PLANTED:
        assert value not in body
    assert "<US_SSN>" in body and "<EMAIL_ADDRESS>" in body
    assert "api.openai.com:443 (intercepted)" in result["stderr"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_fetch_without_any_proxy_support_is_captured() -> None:
    """Node 20's fetch ignores HTTPS_PROXY; --capture sets no proxy and no preload."""
    _assert_captured_and_redacted(captured(["node", str(CLIENTS / "node_fetch.mjs"), PROMPT]))


NO_PROXY_PY = """
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignores proxies
req = urllib.request.Request("https://api.openai.com/v1/chat/completions",
    json.dumps({"model": "m", "messages": [{"role": "user", "content": sys.argv[1]}]}).encode(),
    {"content-type": "application/json", "authorization": "Bearer sk-test"})
print(json.load(opener.open(req, timeout=30))["choices"][0]["message"]["content"])
"""


def test_python_client_that_ignores_proxies_is_captured_with_its_children() -> None:
    """The client runs as a grandchild (sh -> python): the capture follows the tree."""
    cmd = ["sh", "-c", 'sleep 0.3; "$0" -c "$1" "$2"', sys.executable, NO_PROXY_PY, PROMPT]
    _assert_captured_and_redacted(captured(cmd))


def test_without_privileges_capture_refuses_and_says_what_is_needed(tmp_path: Path) -> None:
    """No sudo on PATH (and, on hosts with cgroup v1 at /sys/fs/cgroup, no cgroup v2):
    nothing runs, and the message names each missing piece."""
    marker = tmp_path / "ran"
    env = {**subprocess_env(), "PATH": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "llmwall", "wrap", "--capture", "--home", str(tmp_path / "h"),
         "--", "/bin/touch", str(marker)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert r.returncode == 1
    assert not marker.exists()
    assert "sudo is not installed" in r.stderr
    assert "uncaptured would be a silent bypass" in r.stderr
