"""Running a real client program under `llmwall wrap`, where a bypass is an error.

Every client runs in a private mount namespace in which /etc/resolv.conf names a DNS
server that does not exist and /etc/hosts knows only localhost: a program that ignores
the proxy and resolves `api.openai.com` itself fails at once, instead of silently going
direct. The namespace is made with `unshare` (as root, or as a user through a user
namespace); `SANDBOX` is None where neither works, and the tests that need it skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.e2e.conftest import REPO, Proxy, subprocess_env

# Realistic synthetic values the default policy redacts (none is a documentation example).
SSN = "524-71-9036"
EMAIL = "maria.keller@fastmail.com"
AWS_KEY = "AKIA2E0A8F3B244C9986"
PLANTED = (SSN, EMAIL, AWS_KEY)
PROMPT = f"Patient SSN {SSN}, email {EMAIL}; deploy with key {AWS_KEY}. Summarise."
REPLY = "Hello from the fake provider."
CLIENTS = Path(__file__).parent / "clients"

_SANDBOX_DIR = Path(tempfile.mkdtemp(prefix="llmwall-nodns-"))
(_SANDBOX_DIR / "resolv.conf").write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
(_SANDBOX_DIR / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n")
_SCRIPT = (
    f"mount --bind {_SANDBOX_DIR}/resolv.conf /etc/resolv.conf && "
    f'mount --bind {_SANDBOX_DIR}/hosts /etc/hosts && exec "$@"'
)


def _sandbox_prefix() -> list[str] | None:
    if not shutil.which("unshare"):
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        cmd = [*prefix, "sh", "-c", _SCRIPT, "sh", "getent", "hosts", "localhost"]
        try:
            ok = subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return prefix
    return None


SANDBOX = _sandbox_prefix()
SANDBOX_MISSING = "no mount namespace (unshare --mount) to make public DNS fail in"


def offline(cmd: Sequence[str]) -> list[str]:
    """`cmd` with public name resolution failing."""
    assert SANDBOX is not None, SANDBOX_MISSING
    return [*SANDBOX, "sh", "-c", _SCRIPT, "sh", *cmd]


def wrap_cmd(proxy: Proxy, cmd: Sequence[str], *opts: str) -> list[str]:
    port = proxy.url.rsplit(":", 1)[1]
    return [
        sys.executable,
        "-m",
        "llmwall",
        "wrap",
        "--home",
        str(proxy.home),
        "--listen",
        f"127.0.0.1:{port}",
        *opts,
        "--",
        *cmd,
    ]


def run(
    cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float = 90, **kw: object
) -> subprocess.CompletedProcess[str]:
    full_env = subprocess_env()
    full_env.update(env or {})
    return subprocess.run(
        list(cmd),
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=kw.pop("cwd", REPO),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def user_env(**values: str) -> dict[str, str]:
    """A clean user environment: none of the trust variables a wrap may have set."""
    env = {k: v for k, v in os.environ.items() if k not in _TRUST_VARS}
    env.update(values)
    return env


_TRUST_VARS = {
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "NODE_OPTIONS",
    "JAVA_TOOL_OPTIONS",
    "NO_PROXY",
    "no_proxy",
}


def assert_redacted_upstream(fake: object) -> None:
    """The fake provider got exactly one chat request, with every planted value replaced."""
    received = fake.received  # type: ignore[attr-defined]
    assert len(received) == 1, [r.path for r in received]
    body = received[0].body.decode()
    for value in PLANTED:
        assert value not in body
    for tag in ("<US_SSN>", "<EMAIL_ADDRESS>", "<AWS_ACCESS_KEY_ID>"):
        assert tag in body, body
