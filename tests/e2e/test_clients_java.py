"""Java under `llmwall wrap`: java.net.http.HttpClient and HttpsURLConnection with default
code get the proxy and the merged PKCS12 truststore through JAVA_TOOL_OPTIONS. Runs with
every JDK found (java on PATH, and the JDKs in /usr/lib/jvm)."""

from __future__ import annotations

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


def _jdks() -> list[Path]:
    found: list[Path] = []
    java = shutil.which("java")
    if java:
        found.append(Path(java).resolve().parent.parent)
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        for d in sorted(jvm.iterdir()):
            real = d.resolve()
            if (real / "bin" / "javac").exists() and real not in found and not d.is_symlink():
                found.append(real)
    return [j for j in found if (j / "bin" / "javac").exists()]


JDKS = _jdks()
pytestmark = [
    pytest.mark.skipif(not JDKS, reason="no JDK (java + javac) is installed"),
    pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING),
]


@pytest.fixture(scope="module", params=JDKS, ids=lambda p: p.name)
def jdk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home: Path = request.param
    out = tmp_path_factory.mktemp("java-" + home.name)
    subprocess.run(
        [str(home / "bin" / "javac"), "-d", str(out), str(CLIENTS / "JavaChat.java")],
        check=True,
        timeout=120,
    )
    return out


@pytest.mark.parametrize("api", ["httpclient", "urlconnection"])
def test_java_clients_go_through_llmwall(
    proxy: Proxy, fake: FakeProvider, jdk: Path, api: str
) -> None:
    java_bin = _java_for(jdk)
    r = run(
        offline(wrap_cmd(proxy, [java_bin, "-cp", str(jdk), "JavaChat", api, PROMPT])),
        env=user_env(),
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == REPLY
    assert "Picked up JAVA_TOOL_OPTIONS" in r.stderr  # the JVM says where the flags came from
    assert_redacted_upstream(fake)


def test_without_wrap_java_fails_to_resolve(fake: FakeProvider, jdk: Path) -> None:
    r = run(offline([_java_for(jdk), "-cp", str(jdk), "JavaChat", "httpclient", PROMPT]))
    assert r.returncode != 0
    assert "api.openai.com" in r.stderr or "UnresolvedAddress" in r.stderr, r.stderr[-1000:]
    assert fake.received == []


def _java_for(classes: Path) -> str:
    for home in JDKS:
        if classes.name.startswith("java-" + home.name):
            return str(home / "bin" / "java")
    raise AssertionError(classes)
