"""Merged trust, never replaced: with a user's own root already in SSL_CERT_FILE (or
NODE_EXTRA_CA_CERTS, CURL_CA_BUNDLE, a Java truststore), a wrapped client still reaches
a 127.0.0.1 TLS server signed by that root, and still goes through llmwall for
api.openai.com — in one run of one program."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.e2e.certs import make_ca_and_server
from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.test_clients_java import JDKS
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

pytestmark = pytest.mark.skipif(SANDBOX is None, reason=SANDBOX_MISSING)


@pytest.fixture(scope="module")
def corp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, FakeProvider]]:
    """A 'corporate' root and an intranet server on 127.0.0.1 signed by it."""
    ca, cert, key = make_ca_and_server(tmp_path_factory.mktemp("corp-root"))
    server = FakeProvider(cert, key)
    yield ca, server
    server.close()


PY = """
import sys, httpx, requests
intranet, prompt = sys.argv[1], sys.argv[2]
assert requests.get(intranet + "/status", timeout=10).status_code == 200
assert httpx.get(intranet + "/status", timeout=10).status_code == 200
r = httpx.post("https://api.openai.com/v1/chat/completions", timeout=30,
               headers={"authorization": "Bearer sk-test-key"},
               json={"model": "m", "messages": [{"role": "user", "content": prompt}]})
print(r.json()["choices"][0]["message"]["content"])
"""

NODE = """
const [intranet, prompt] = process.argv.slice(1);
const s = await fetch(intranet + "/status");
if (s.status !== 200) throw new Error("intranet " + s.status);
const r = await fetch("https://api.openai.com/v1/chat/completions", {method: "POST",
  headers: {"content-type": "application/json", authorization: "Bearer sk-test-key"},
  body: JSON.stringify({model: "m", messages: [{role: "user", content: prompt}]})});
console.log((await r.json()).choices[0].message.content);
"""


@pytest.mark.parametrize("var", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_python_keeps_the_users_root(
    proxy: Proxy, fake: FakeProvider, corp: tuple[Path, FakeProvider], var: str
) -> None:
    ca, intranet = corp
    cmd = wrap_cmd(proxy, [sys.executable, "-c", PY, intranet.url, PROMPT])
    r = run(offline(cmd), env=user_env(**{var: str(ca)}))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


def test_without_the_merge_the_users_root_would_be_lost(
    proxy: Proxy, corp: tuple[Path, FakeProvider]
) -> None:
    """Control: the bundle wrap used to set (certifi + CA) does not trust the user's root."""
    _, intranet = corp
    code = "import sys,httpx; httpx.get(sys.argv[1], verify=sys.argv[2])"
    r = run([sys.executable, "-c", code, intranet.url, str(proxy.bundle)])
    assert r.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in r.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_keeps_the_users_extra_ca(
    proxy: Proxy, fake: FakeProvider, corp: tuple[Path, FakeProvider]
) -> None:
    ca, intranet = corp
    cmd = wrap_cmd(proxy, ["node", "--input-type=module", "-e", NODE, intranet.url, PROMPT])
    r = run(offline(cmd), env=user_env(NODE_EXTRA_CA_CERTS=str(ca)))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == REPLY
    assert_redacted_upstream(fake)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_keeps_the_users_bundle(
    proxy: Proxy, fake: FakeProvider, corp: tuple[Path, FakeProvider]
) -> None:
    ca, intranet = corp
    script = (
        'curl -sS --fail "$1/status" >/dev/null && '
        "curl -sS --fail https://api.openai.com/v1/chat/completions "
        '-H "authorization: Bearer sk-test-key" -H "content-type: application/json" -d "$2"'
    )
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": PROMPT}]})
    cmd = wrap_cmd(proxy, ["sh", "-c", script, "sh", intranet.url, body])
    r = run(offline(cmd), env=user_env(CURL_CA_BUNDLE=str(ca)))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["choices"][0]["message"]["content"] == REPLY
    assert_redacted_upstream(fake)


@pytest.mark.skipif(not JDKS, reason="no JDK is installed")
def test_java_keeps_the_users_truststore(
    proxy: Proxy,
    fake: FakeProvider,
    corp: tuple[Path, FakeProvider],
    tmp_path: Path,
) -> None:
    ca, intranet = corp
    store = tmp_path / "corp.p12"
    cert = x509.load_pem_x509_certificate(ca.read_bytes())
    store.write_bytes(
        pkcs12.serialize_java_truststore(
            [pkcs12.PKCS12Certificate(cert, b"corp")],
            serialization.BestAvailableEncryption(b"s3cret-store"),
        )
    )
    src = CLIENTS / "JavaBoth.java"
    jdk = JDKS[0]
    subprocess.run([str(jdk / "bin" / "javac"), "-d", str(tmp_path), str(src)], check=True)
    user_opts = (
        f"-Djavax.net.ssl.trustStore={store} -Djavax.net.ssl.trustStorePassword=s3cret-store"
    )
    java = str(jdk / "bin" / "java")
    cmd = wrap_cmd(proxy, [java, "-cp", str(tmp_path), "JavaBoth", intranet.url, "SSN 524-71-9036"])
    r = run(offline(cmd), env=user_env(JAVA_TOOL_OPTIONS=user_opts))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "200"
    assert "524-71-9036" not in fake.received[0].body.decode()
