"""Node.js under `llmwall wrap`: built-in fetch, the https module and the npm openai and
@anthropic-ai/sdk SDKs (installed from the npm registry into a test cache), all with
default code, in a sandbox where going around the proxy fails to resolve."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import (
    CLIENTS,
    PROMPT,
    REPLY,
    SANDBOX,
    SANDBOX_MISSING,
    assert_redacted_upstream,
    offline,
    run,
    user_env,
    wrap_cmd,
)

NODE = shutil.which("node")
NPM = shutil.which("npm")
SDKS = ("openai@6.30.1", "@anthropic-ai/sdk@1.17.0")  # the newest that support Node 20
pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]


def node_version() -> str:
    assert NODE
    return subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def sdk_dir() -> Path:
    """openai and @anthropic-ai/sdk from the npm registry, cached between runs."""
    base = Path(os.environ.get("LLMWALL_TEST_CACHE", Path.home() / ".cache" / "llmwall-tests"))
    d = base / ("node-" + "-".join(s.replace("/", "_") for s in SDKS))
    if not (d / "node_modules" / "@anthropic-ai" / "sdk").is_dir():
        if NPM is None:
            pytest.skip("npm is not installed: cannot install the SDKs")
        d.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            [NPM, "install", "--no-audit", "--no-fund", "--prefix", str(d), *SDKS],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if r.returncode != 0:
            pytest.skip(f"npm install {' '.join(SDKS)} failed (no registry?): {r.stderr[-500:]}")
    for script in ("node_openai_sdk.mjs", "node_anthropic_sdk.mjs"):
        shutil.copy(CLIENTS / script, d / script)  # ESM resolves packages next to the script
    return d


@pytest.mark.parametrize("script", ["node_fetch.mjs", "node_https.cjs"])
def test_node_builtin_clients_go_through_llmwall(
    proxy: Proxy, fake: FakeProvider, script: str
) -> None:
    r = run(offline(wrap_cmd(proxy, [NODE, str(CLIENTS / script), PROMPT])), env=user_env())
    assert r.returncode == 0, f"{node_version()}: {r.stderr[-2000:]}"
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


@pytest.mark.parametrize("script", ["node_openai_sdk.mjs", "node_anthropic_sdk.mjs"])
def test_node_sdks_go_through_llmwall(
    proxy: Proxy, fake: FakeProvider, sdk_dir: Path, script: str
) -> None:
    r = run(
        offline(wrap_cmd(proxy, [NODE, str(sdk_dir / script), PROMPT])),
        env=user_env(),
        cwd=sdk_dir,
    )
    assert r.returncode == 0, f"{node_version()}: {r.stderr[-2000:]}"
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


def test_without_wrap_node_fails_to_resolve_so_a_bypass_would_show(fake: FakeProvider) -> None:
    r = run(offline([NODE, str(CLIENTS / "node_fetch.mjs"), PROMPT]), env=user_env())
    assert r.returncode != 0
    assert "ENOTFOUND" in r.stderr or "EAI_AGAIN" in r.stderr, r.stderr[-1000:]
    assert fake.received == []


LOOPBACK_JS = """
const https = require("node:https");
const [fake] = process.argv.slice(1);
const viaHttps = (url) => new Promise((ok, no) =>
  https.get(url, (r) => { r.resume(); ok(r.statusCode); }).on("error", no));
(async () => {
  console.log("fetch", (await fetch(fake + "/v1/models")).status);
  console.log("https", await viaHttps(fake + "/v1/models"));
  try { await fetch("https://api.openai.com/v1/models"); console.log("llm reached"); }
  catch (e) { console.log("llm", e.cause ? e.cause.message : e.message); }
})();
"""


def test_the_preload_keeps_loopback_direct_and_tunnels_the_rest(fake: FakeProvider) -> None:
    """With the proxy pointed at a dead port, loopback still answers (fetch and https go
    direct), while an LLM host fails at the proxy (the preload does tunnel it)."""
    from llmwall.ca.client_env import node_preload_path

    env = user_env(
        HTTPS_PROXY="http://127.0.0.1:1",
        NODE_OPTIONS=f"--require {node_preload_path()}",
        NODE_TLS_REJECT_UNAUTHORIZED="0",
    )
    r = run(offline([NODE, "-e", LOOPBACK_JS, fake.url]), env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    assert lines[:2] == ["fetch 200", "https 200"]
    assert lines[2].startswith("llm ") and "ECONNREFUSED" in lines[2], lines
