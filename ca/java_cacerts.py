"""Read the trusted certificates of a JDK `cacerts` file: JKS (Debian and Ubuntu generate
one from the system store) or PKCS12 (the JDK's own default since 9).

Only trusted-certificate entries are read; a keystore with private keys is not a trust
store, and its key entries are skipped without being decrypted.
"""

from __future__ import annotations

import struct
import warnings

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

JKS_MAGIC = 0xFEEDFEED
_TRUSTED_CERT = 2
_PRIVATE_KEY = 1


def read_cacerts(data: bytes, password: str = "changeit") -> list[bytes]:
    """The DER of every trusted certificate in a JKS or PKCS12 cacerts file."""
    if len(data) >= 4 and struct.unpack(">I", data[:4])[0] == JKS_MAGIC:
        return _read_jks(data)
    for pw in (password.encode(), None):
        try:
            with warnings.catch_warnings():  # public roots with a negative serial number
                warnings.simplefilter("ignore")
                store = pkcs12.load_pkcs12(data, pw)
        except ValueError:
            continue
        return [
            c.certificate.public_bytes(serialization.Encoding.DER) for c in store.additional_certs
        ]
    raise ValueError("not a JKS file, and not a PKCS12 file readable with the password 'changeit'")


def _read_jks(data: bytes) -> list[bytes]:
    pos = 4
    version, count = struct.unpack_from(">II", data, pos)
    pos += 8
    if version not in (1, 2):
        raise ValueError(f"JKS version {version} is not 1 or 2")
    out: list[bytes] = []

    def utf() -> str:
        nonlocal pos
        (n,) = struct.unpack_from(">H", data, pos)
        pos += 2 + n
        return data[pos - n : pos].decode("utf-8", "replace")

    def blob() -> bytes:
        nonlocal pos
        (n,) = struct.unpack_from(">I", data, pos)
        pos += 4 + n
        if pos > len(data):
            raise ValueError("JKS entry runs past the end of the file")
        return data[pos - n : pos]

    for _ in range(count):
        (tag,) = struct.unpack_from(">I", data, pos)
        pos += 4
        utf()  # alias
        pos += 8  # creation date
        if tag == _TRUSTED_CERT:
            if version == 2:
                utf()  # certificate type, "X.509"
            out.append(blob())
        elif tag == _PRIVATE_KEY:
            blob()  # the protected key, left alone
            (chain,) = struct.unpack_from(">I", data, pos)
            pos += 4
            for _ in range(chain):
                if version == 2:
                    utf()
                blob()
        else:
            raise ValueError(f"JKS entry tag {tag} is not 1 or 2")
    return out
