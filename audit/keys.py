"""The per-install secrets under the llmwall home, created on first use.

    <home>/audit/            0700
        hmac.key             0600  32 random bytes: keys the content digests
        signing.key          0600  Ed25519 private key (PKCS#8 PEM): signs checkpoints
        signing.pub          0644  its public key (SubjectPublicKeyInfo PEM), for auditors

Files are written to a temporary name and hard-linked into place, so two processes
starting at once end up sharing one key instead of overwriting each other's.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from llmwall.errors import AuditKeyError

HMAC_KEY = "hmac.key"
SIGNING_KEY = "signing.key"
PUBLIC_KEY = "signing.pub"


def key_dir(home: Path) -> Path:
    path = Path(home) / "audit"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def load_or_create_hmac_key(home: Path) -> bytes:
    path = key_dir(home) / HMAC_KEY
    if not path.exists():
        _create(path, secrets.token_bytes(32), 0o600)
    data = _read_private(path)
    if len(data) != 32:
        raise AuditKeyError(f"{path}: expected 32 bytes, found {len(data)}; restore it from backup")
    return data


def load_or_create_signing_key(home: Path) -> Ed25519PrivateKey:
    path = key_dir(home) / SIGNING_KEY
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _create(path, pem, 0o600)
    try:
        loaded = serialization.load_pem_private_key(_read_private(path), password=None)
    except ValueError:
        raise AuditKeyError(f"{path}: not a PEM private key") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise AuditKeyError(f"{path}: expected an Ed25519 private key")
    key = loaded
    pub = path.with_name(PUBLIC_KEY)
    if not pub.exists():
        _create(pub, public_pem(key.public_key()), 0o644)
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(data: bytes, source: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise AuditKeyError(f"{source}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError(f"{source}: expected an Ed25519 public key")
    return key


def _create(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)  # the umask may have narrowed or widened nothing; be exact
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_private(path: Path) -> bytes:
    try:
        st = path.stat()
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise AuditKeyError(f"{path}: readable by group or others; run `chmod 600 {path}`")
        return path.read_bytes()
    except OSError as exc:
        raise AuditKeyError(f"{path}: cannot read: {exc.strerror}") from None
