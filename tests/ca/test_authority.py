"""The interception CA and the trust files made from it."""

from __future__ import annotations

import stat
from pathlib import Path

import certifi

from llmwall.ca.authority import ensure_ca, upstream_trust
from llmwall.ca.client_env import build_client_env, shell_exports


def test_the_ca_is_made_once_with_private_files(tmp_path: Path) -> None:
    first = ensure_ca(tmp_path)
    cert = first.cert.read_bytes()
    again = ensure_ca(tmp_path)
    assert again.cert.read_bytes() == cert  # created once, then reused
    assert stat.S_IMODE(first.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.confdir.stat().st_mode) == 0o700
    bundle = first.bundle.read_bytes()
    assert cert in bundle and Path(certifi.where()).read_bytes().strip() in bundle


def test_upstream_trust_adds_an_extra_root_to_the_public_ones(tmp_path: Path) -> None:
    assert upstream_trust(tmp_path, None) is None  # mitmproxy's own default
    ensure_ca(tmp_path)
    extra = tmp_path / "corp.pem"
    extra.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    trust = upstream_trust(tmp_path, extra)
    assert trust is not None and trust.read_text().endswith(extra.read_text())


def test_client_env_points_every_runtime_at_the_proxy_and_merged_bundle(tmp_path: Path) -> None:
    ca = ensure_ca(tmp_path)
    env = build_client_env(tmp_path, ca.cert, "http://127.0.0.1:8080", {}).vars
    assert env["HTTPS_PROXY"] == env["https_proxy"] == "http://127.0.0.1:8080"
    assert env["SSL_CERT_FILE"] == env["REQUESTS_CA_BUNDLE"] == env["NODE_EXTRA_CA_CERTS"]
    assert ca.cert.read_text() in Path(env["SSL_CERT_FILE"]).read_text()  # merged, see test_trust
    assert "export HTTPS_PROXY=http://127.0.0.1:8080\n" in shell_exports(env)
