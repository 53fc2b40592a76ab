"""The interception CA: created on first use under the llmwall home, in the file layout
mitmproxy's confdir expects, plus trust bundles for clients and for upstream TLS."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import certifi

BASENAME = "mitmproxy"  # mitmproxy looks for <confdir>/mitmproxy-ca.pem
KEY_SIZE = 2048


@dataclass(frozen=True)
class CAFiles:
    confdir: Path  # hand to mitmproxy as `confdir`
    cert: Path  # the CA certificate (PEM) clients must trust
    # certifi + our CA, for llmwall's own test clients; wrapped clients get the merged
    # bundle of ca/trust.py (system + certifi + their own roots + our CA) instead
    bundle: Path

    @property
    def key(self) -> Path:
        return self.confdir / f"{BASENAME}-ca.pem"


def ensure_ca(home: Path) -> CAFiles:
    """Create the CA (once) and refresh the client bundle. Private key files are 0600
    and the directory 0700."""
    confdir = home / "ca"
    _private_dir(home)
    _private_dir(confdir)
    key_file = confdir / f"{BASENAME}-ca.pem"
    if not key_file.exists():
        from mitmproxy.certs import CertStore  # only to create: wrap/env start faster

        CertStore.create_store(confdir, BASENAME, KEY_SIZE, organization="llmwall", cn="llmwall CA")
    for secret in (key_file, confdir / f"{BASENAME}-ca.p12"):
        if secret.exists():
            os.chmod(secret, 0o600)
    cert = confdir / f"{BASENAME}-ca-cert.pem"
    bundle = confdir / "llmwall-ca-bundle.pem"
    _write_if_changed(bundle, _bundle(cert))
    return CAFiles(confdir, cert, bundle)


def upstream_trust(home: Path, extra_ca: Path | None) -> Path | None:
    """A CA file for verifying upstream servers: the public roots plus `extra_ca`
    (a corporate inspection root, a test server). None means mitmproxy's default."""
    if extra_ca is None:
        return None
    path = home / "ca" / "upstream-trust.pem"
    roots = Path(certifi.where()).read_bytes()
    _write_if_changed(path, roots.rstrip(b"\n") + b"\n" + extra_ca.read_bytes())
    return path


def _bundle(cert: Path) -> bytes:
    roots = Path(certifi.where()).read_bytes()
    return roots.rstrip(b"\n") + b"\n# llmwall CA\n" + cert.read_bytes()


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
