"""The merged bundle: system + certifi + the user's files + the CA, deduplicated."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import given, settings
from hypothesis import strategies as st

from llmwall.ca.authority import ensure_ca
from llmwall.ca.java_cacerts import read_cacerts
from llmwall.ca.trust import merged_trust, read_pem_certs, write_java_truststore
from tests.e2e.certs import make_ca_and_server


@pytest.fixture(scope="module")
def user_roots(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [make_ca_and_server(tmp_path_factory.mktemp(f"u{i}"))[0] for i in range(3)]


def _ders(path: Path) -> set[bytes]:
    return set(read_pem_certs(path))


@pytest.mark.parametrize(
    "var", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE",
            "GIT_SSL_CAINFO", "AWS_CA_BUNDLE"],
)  # fmt: skip
def test_a_users_root_is_kept_with_system_certifi_and_the_ca(
    tmp_path: Path, user_roots: list[Path], var: str
) -> None:
    ca = ensure_ca(tmp_path)
    trust = merged_trust(tmp_path, ca.cert, {var: str(user_roots[0])})
    got = _ders(trust.pem)
    assert _ders(user_roots[0]) <= got
    assert _ders(Path(certifi.where())) <= got
    assert _ders(ca.cert) <= got
    system = ssl.get_default_verify_paths().cafile
    if system and Path(system).is_file():
        assert _ders(Path(system)) <= got
    assert {s.origin for s in trust.sources} >= {f"env:{var}", "certifi", "llmwall"}


def test_ssl_cert_dir_is_read(tmp_path: Path, user_roots: list[Path]) -> None:
    d = tmp_path / "dir"
    d.mkdir()
    (d / "corp.pem").write_bytes(user_roots[1].read_bytes())
    ca = ensure_ca(tmp_path)
    assert _ders(user_roots[1]) <= _ders(
        merged_trust(tmp_path, ca.cert, {"SSL_CERT_DIR": str(d)}).pem
    )


def test_a_missing_user_file_is_reported_not_fatal(tmp_path: Path) -> None:
    ca = ensure_ca(tmp_path)
    trust = merged_trust(tmp_path, ca.cert, {"SSL_CERT_FILE": str(tmp_path / "nope.pem")})
    (src,) = [s for s in trust.sources if s.origin == "env:SSL_CERT_FILE"]
    assert src.count == 0 and src.error


def test_wrapping_a_wrapped_environment_changes_nothing(
    tmp_path: Path, user_roots: list[Path]
) -> None:
    ca = ensure_ca(tmp_path)
    first = merged_trust(tmp_path, ca.cert, {"SSL_CERT_FILE": str(user_roots[0])})
    second = merged_trust(tmp_path, ca.cert, {"SSL_CERT_FILE": str(first.pem)})
    assert second.pem == first.pem


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 2), max_size=6))
def test_pem_round_trip_keeps_each_certificate_once(tmp_path_factory: pytest.TempPathFactory,
                                                     picks: list[int]) -> None:  # fmt: skip
    roots = _ROOTS
    d = tmp_path_factory.mktemp("rt")
    f = d / "mixed.pem"
    f.write_bytes(b"junk\n" + b"".join(roots[i].read_bytes() + b"# comment\n" for i in picks))
    got = read_pem_certs(f)
    want = list(dict.fromkeys(read_pem_certs(roots[i])[0] for i in picks))
    assert got == want


_ROOTS: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _roots(user_roots: list[Path]) -> None:
    _ROOTS[:] = user_roots


def test_java_truststore_holds_the_merged_roots_and_the_users_store(
    tmp_path: Path, user_roots: list[Path]
) -> None:
    ca = ensure_ca(tmp_path)
    user_store = tmp_path / "user.p12"
    cert = x509.load_pem_x509_certificate(user_roots[2].read_bytes())
    user_store.write_bytes(
        pkcs12.serialize_java_truststore(
            [pkcs12.PKCS12Certificate(cert, b"corp")], serialization.BestAvailableEncryption(b"pw")
        )
    )
    trust = merged_trust(tmp_path, ca.cert, {"SSL_CERT_FILE": str(user_roots[0])})
    p12, sources = write_java_truststore(trust, {}, (user_store, "pw"))
    inside = set(read_cacerts(p12.read_bytes(), "changeit"))
    assert _ders(trust.pem) <= inside
    assert _ders(user_roots[2]) <= inside
    assert any(s.origin == "env:JAVA_TOOL_OPTIONS" and s.count == 1 for s in sources)


def test_debian_jks_cacerts_is_read() -> None:
    jks = Path("/etc/ssl/certs/java/cacerts")
    if not jks.is_file():
        pytest.skip("no Debian JKS cacerts on this machine")
    assert len(read_cacerts(jks.read_bytes())) > 50
