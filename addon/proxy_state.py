"""What a running proxy tells the commands that point clients at it.

`llmwall run` writes `<home>/run/<pid>.json` once its listeners are bound (address,
CA fingerprint, modes) and removes it at exit; `wrap`, `env`, `doctor` and `selftest`
read it to use the running proxy's real address and to refuse a mismatch, instead of
leaving the client with a certificate error. A file whose process is gone is stale and
ignored (and removed when seen).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import ssl
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProxyState:
    pid: int
    host: str
    port: int
    ca_sha256: str
    modes: tuple[str, ...]
    config: str
    started: float

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "", "::") else self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"


def ca_fingerprint(cert: Path) -> str:
    """SHA-256 of the CA certificate's DER: the same CA gives the same value anywhere."""
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return hashlib.sha256(der).hexdigest()


def run_dir(home: Path) -> Path:
    return home / "run"


def write_state(
    home: Path, addrs: list[tuple[str, int]], ca_cert: Path, modes: list[str], config: str
) -> Path | None:
    """Record this process's regular listener; None when it has none (capture only)."""
    if not addrs:
        return None
    host, port = addrs[0][0], addrs[0][1]
    d = run_dir(home)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{os.getpid()}.json"
    data = {
        "pid": os.getpid(),
        "host": host,
        "port": port,
        "ca_sha256": ca_fingerprint(ca_cert),
        "modes": modes,
        "config": config,
        "started": time.time(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
    return path


def remove_state(home: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (run_dir(home) / f"{os.getpid()}.json").unlink()


def running_proxies(home: Path) -> list[ProxyState]:
    """Live proxies of this home, oldest first."""
    out: list[ProxyState] = []
    d = run_dir(home)
    if not d.is_dir():
        return out
    for f in sorted(d.glob("*.json")):
        try:
            raw = json.loads(f.read_text())
            state = ProxyState(
                int(raw["pid"]),
                str(raw["host"]),
                int(raw["port"]),
                str(raw["ca_sha256"]),
                tuple(raw.get("modes", ())),
                str(raw.get("config", "")),
                float(raw.get("started", 0)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _alive(state.pid):
            out.append(state)
        else:
            with contextlib.suppress(OSError):
                f.unlink()
    return sorted(out, key=lambda s: s.started)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
