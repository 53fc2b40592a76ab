"""Merged trust for wrapped clients: what the machine and the user already trust, plus the
llmwall CA — never instead of it.

Variables such as `SSL_CERT_FILE` and `javax.net.ssl.trustStore` *replace* a client's
store, so the file they point at must hold everything the client trusted before:

- the system store, found through OpenSSL's default paths (`ssl.get_default_verify_paths`:
  the CA file and the CA directory of this machine's OpenSSL),
- certifi (what requests and httpx trust by default),
- every file or directory the user's environment already names (`SSL_CERT_FILE`,
  `SSL_CERT_DIR`, `REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `CURL_CA_BUNDLE`, ...),
  which is where a corporate TLS-inspection root usually is,
- for Java, the JDK's own `cacerts`,
- and the llmwall CA.

Certificates are deduplicated by their DER bytes. Files are content-addressed
(`<home>/ca/trust/<digest>.pem`), so two shells with different environments never
overwrite each other's bundle while a client is reading it.
"""

from __future__ import annotations

import hashlib
import os
import ssl
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from llmwall.ca.java_cacerts import read_cacerts

# Variables through which a user's environment already says what it trusts. Every one is
# read, and every one is then pointed at the merged bundle (client_env.py).
USER_TRUST_FILE_VARS = (
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "GIT_SSL_CAINFO",
    "AWS_CA_BUNDLE",
    "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH",
    "PIP_CERT",
)
USER_TRUST_DIR_VARS = ("SSL_CERT_DIR",)
# The PKCS12 truststore holds only public certificates; Java insists on a password to
# check the file's integrity MAC, so it gets this well-known one (the JDK's own default).
JAVA_TRUSTSTORE_PASSWORD = "changeit"
_PEM_BEGIN = b"-----BEGIN CERTIFICATE-----"
_PEM_END = b"-----END CERTIFICATE-----"


@dataclass(frozen=True)
class TrustSource:
    """Where certificates came from, for `llmwall ca sources` and the doctor."""

    origin: str  # "system", "certifi", "env:SSL_CERT_FILE", "jdk", "llmwall"
    path: str
    count: int
    error: str | None = None


@dataclass(frozen=True)
class MergedTrust:
    pem: Path  # every root, PEM: for SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS...
    sources: tuple[TrustSource, ...]
    count: int


def system_trust_paths() -> list[Path]:
    """The machine's store as its OpenSSL sees it, independent of SSL_CERT_FILE/DIR."""
    paths = ssl.get_default_verify_paths()
    found: list[Path] = []
    for name in (paths.openssl_cafile, paths.cafile):
        if name and Path(name).is_file() and Path(name).resolve() not in found:
            found.append(Path(name).resolve())
    if found:  # a hashed directory holds the same roots again, one file each
        return found
    for name in (paths.openssl_capath, paths.capath):
        if name and Path(name).is_dir() and Path(name).resolve() not in found:
            found.append(Path(name).resolve())
    return found


def read_pem_certs(path: Path) -> list[bytes]:
    """The DER of every certificate in a PEM file or a directory of PEM files. Blocks
    that do not parse are skipped (an OpenSSL directory also holds CRLs and links)."""
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    seen: set[bytes] = set()
    out: list[bytes] = []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        for block in _pem_blocks(data):
            try:
                der = ssl.PEM_cert_to_DER_cert(block.decode("ascii"))
            except (ValueError, UnicodeDecodeError):
                continue
            if der not in seen:
                seen.add(der)
                out.append(der)
    return out


def merged_trust(
    home: Path,
    llmwall_ca: Path,
    environ: Mapping[str, str] | None = None,
) -> MergedTrust:
    """Write (once per distinct content) and return the merged PEM bundle. A bundle an
    outer `wrap` set is read like any other file: it holds the user's roots of then, and
    the same certificates give the same digest, so nesting `wrap` changes nothing."""
    environ = os.environ if environ is None else environ
    trust_dir = home / "ca" / "trust"
    groups: list[tuple[TrustSource, list[bytes]]] = []

    def add(origin: str, path: Path) -> None:
        try:
            if not path.exists():
                raise FileNotFoundError(2, "no such file or directory")
            ders = read_pem_certs(path.resolve())
            groups.append((TrustSource(origin, str(path), len(ders)), ders))
        except OSError as exc:
            groups.append((TrustSource(origin, str(path), 0, exc.strerror or str(exc)), []))

    for var in USER_TRUST_FILE_VARS:
        if environ.get(var):
            add(f"env:{var}", Path(environ[var]).expanduser())
    for var in USER_TRUST_DIR_VARS:
        for part in filter(None, environ.get(var, "").split(os.pathsep)):
            add(f"env:{var}", Path(part).expanduser())
    for path in system_trust_paths():
        add("system", path)
    add("certifi", Path(certifi.where()))
    add("llmwall", llmwall_ca)

    seen: set[bytes] = set()
    ordered: list[bytes] = []
    for _, ders in groups:
        for der in ders:
            if der not in seen:
                seen.add(der)
                ordered.append(der)
    digest = hashlib.sha256(b"".join(ordered)).hexdigest()[:16]
    pem = trust_dir / f"{digest}.pem"
    if not pem.exists():
        trust_dir.mkdir(parents=True, exist_ok=True)
        text = "".join(ssl.DER_cert_to_PEM_cert(d) for d in ordered)
        _atomic_write(pem, b"# llmwall merged trust bundle\n" + text.encode("ascii"))
    return MergedTrust(pem, tuple(g[0] for g in groups), len(ordered))


def java_cacerts_path(environ: Mapping[str, str] | None = None) -> Path | None:
    """The cacerts of the JDK a wrapped `java` would run: $JAVA_HOME, else `java` on PATH."""
    import shutil

    environ = os.environ if environ is None else environ
    homes: list[Path] = []
    if environ.get("JAVA_HOME"):
        homes.append(Path(environ["JAVA_HOME"]))
    java = shutil.which("java", path=environ.get("PATH"))
    if java:
        homes.append(Path(java).resolve().parent.parent)
    for h in homes:
        for candidate in (h / "lib" / "security" / "cacerts", h / "jre/lib/security/cacerts"):
            if candidate.exists():
                return candidate
    return None


def write_java_truststore(
    trust: MergedTrust,
    environ: Mapping[str, str] | None = None,
    user_store: tuple[Path | None, str] = (None, JAVA_TRUSTSTORE_PASSWORD),
) -> tuple[Path, list[TrustSource]]:
    """The merged roots plus the JDK's cacerts (and a truststore the user's
    JAVA_TOOL_OPTIONS already named) as one PKCS12 truststore next to the PEM.

    Java reads one truststore and ignores SSL_CERT_FILE, so this file is its only view
    of the user's and the machine's roots. Returns the file and where Java roots came from.
    """
    ders = read_pem_certs(trust.pem)
    sources: list[TrustSource] = []
    stores = [("jdk", java_cacerts_path(environ), JAVA_TRUSTSTORE_PASSWORD)]
    stores.append(("env:JAVA_TOOL_OPTIONS", user_store[0], user_store[1]))
    seen = set(ders)
    for origin, path, password in stores:
        if path is None:
            continue
        try:
            found = read_cacerts(path.read_bytes(), password)
            sources.append(TrustSource(origin, str(path), len(found)))
        except (OSError, ValueError) as exc:
            found = []
            sources.append(TrustSource(origin, str(path), 0, str(exc)))
        ders += [d for d in found if d not in seen]
        seen.update(found)
    digest = hashlib.sha256(b"".join(ders)).hexdigest()[:16]
    out = trust.pem.parent / f"{digest}.p12"
    if not out.exists():
        with warnings.catch_warnings():  # some public roots have a negative serial number
            warnings.simplefilter("ignore")
            entries = [
                pkcs12.PKCS12Certificate(x509.load_der_x509_certificate(d), f"llmwall-{i}".encode())
                for i, d in enumerate(ders)
            ]
        data = pkcs12.serialize_java_truststore(
            entries, serialization.BestAvailableEncryption(JAVA_TRUSTSTORE_PASSWORD.encode())
        )
        _atomic_write(out, data)
    return out, sources


def _pem_blocks(data: bytes) -> Iterable[bytes]:
    start = data.find(_PEM_BEGIN)
    while start != -1:
        end = data.find(_PEM_END, start)
        if end == -1:
            return
        yield data[start : end + len(_PEM_END)] + b"\n"
        start = data.find(_PEM_BEGIN, end)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
