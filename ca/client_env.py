"""The environment that points a client at llmwall and makes it trust llmwall's CA, for
every common runtime, merged into what the user's environment already says.

Nothing the user set is thrown away: trust files are merged into one bundle
(`ca/trust.py`), `NO_PROXY`, `NODE_OPTIONS` and `JAVA_TOOL_OPTIONS` are extended, not
replaced. The one exception is a `NO_PROXY` entry that would send an LLM host around
llmwall: it is dropped for the wrapped command, and `dropped_no_proxy` says which.

What each runtime reads is in docs/CLIENTS.md; the e2e tests in tests/e2e/test_clients_*.py
prove the rows marked tested there.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from llmwall.ca.trust import (
    JAVA_TRUSTSTORE_PASSWORD,
    USER_TRUST_FILE_VARS,
    MergedTrust,
    merged_trust,
    write_java_truststore,
)

LOOPBACK = ("localhost", "127.0.0.1", "::1")
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy")
# Java: the proxy properties it reads instead of HTTPS_PROXY, and the trust it reads
# instead of SSL_CERT_FILE (javax.net.ssl.trustStore replaces cacerts, so it is merged).
JAVA_PROPERTIES = (
    "https.proxyHost",
    "https.proxyPort",
    "http.proxyHost",
    "http.proxyPort",
    "http.nonProxyHosts",
    "javax.net.ssl.trustStore",
    "javax.net.ssl.trustStoreType",
    "javax.net.ssl.trustStorePassword",
)
NODE_PRELOAD = "node_proxy_preload.cjs"


@dataclass(frozen=True)
class ClientEnv:
    vars: dict[str, str]  # what to set (merged with the user's values already)
    trust: MergedTrust
    java_truststore: Path
    dropped_no_proxy: tuple[str, ...] = ()  # user NO_PROXY entries that named an LLM host
    notes: tuple[str, ...] = field(default_factory=tuple)


def node_preload_path() -> Path:
    """The shipped preload that gives Node < 22.21 fetch and https an env proxy."""
    return Path(str(resources.files("llmwall.ca").joinpath(NODE_PRELOAD)))


def build_client_env(
    home: Path,
    ca_cert: Path,
    proxy_url: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    llm_hosts: Iterable[str] = (),
) -> ClientEnv:
    """The variables for one wrapped command. `proxy_url` None means capture mode: the
    app's traffic is redirected, so it gets the trust but no proxy settings (a proxy
    setting would send its traffic to the proxy port through the capture twice)."""
    environ = dict(os.environ if environ is None else environ)
    trust = merged_trust(home, ca_cert, environ)
    p12, _ = write_java_truststore(
        trust, environ, user_java_truststore(environ.get("JAVA_TOOL_OPTIONS", ""))
    )
    bundle = str(trust.pem)
    out: dict[str, str] = {var: bundle for var in USER_TRUST_FILE_VARS if var != "PIP_CERT"}
    out["DENO_CERT"] = bundle
    out["PHP_INI_SCAN_DIR"] = _php_ini_dir(trust, environ.get("PHP_INI_SCAN_DIR"))
    out["LLMWALL_HOME"] = str(home)
    dropped: tuple[str, ...] = ()
    if proxy_url is not None:
        for var in PROXY_VARS:
            out[var] = proxy_url
        no_proxy, dropped = merge_no_proxy(environ, llm_hosts)
        out["NO_PROXY"] = out["no_proxy"] = no_proxy
        out["NODE_USE_ENV_PROXY"] = "1"
        out["NODE_OPTIONS"] = _node_options(environ.get("NODE_OPTIONS", ""))
        out["LLMWALL_PROXY"] = proxy_url
    out["JAVA_TOOL_OPTIONS"] = java_tool_options(
        environ.get("JAVA_TOOL_OPTIONS", ""), proxy_url, out.get("NO_PROXY", ""), p12
    )
    return ClientEnv(out, trust, p12, dropped)


def merge_no_proxy(
    environ: Mapping[str, str], llm_hosts: Iterable[str] = ()
) -> tuple[str, tuple[str, ...]]:
    """Loopback plus the user's NO_PROXY/no_proxy entries, in order, without duplicates;
    entries that would exempt an LLM host (`*`, `.openai.com`, ...) are dropped.
    `llm_hosts` adds the config's own provider hosts to the built-in table's."""
    from llmwall.routing.providers import PROVIDERS

    samples = [pat.replace("*", "x") for p in PROVIDERS for pat in p.hosts]
    samples += [h.lower() for h in llm_hosts]
    entries: list[str] = list(LOOPBACK)
    dropped: list[str] = []
    for var in ("NO_PROXY", "no_proxy"):
        for raw in environ.get(var, "").split(","):
            entry = raw.strip()
            if not entry or entry in entries or entry in dropped:
                continue
            if _exempts(entry, samples):
                dropped.append(entry)
            else:
                entries.append(entry)
    return ",".join(entries), tuple(dropped)


def java_tool_options(user: str, proxy_url: str | None, no_proxy: str, truststore: Path) -> str:
    """The user's JAVA_TOOL_OPTIONS without the properties llmwall sets, then llmwall's.

    Java ignores HTTPS_PROXY and cannot read a PEM bundle; these -D flags reach every
    JVM (java.net.http.HttpClient and HttpsURLConnection use them by default)."""
    kept = [
        tok
        for tok in shlex.split(user)
        if not any(tok.startswith(f"-D{p}=") for p in JAVA_PROPERTIES)
    ]
    flags: list[str] = []
    if proxy_url is not None:
        parts = urlsplit(proxy_url)
        host, port = parts.hostname or "127.0.0.1", str(parts.port or 8080)
        non_proxy = "|".join(_java_non_proxy(no_proxy))
        for scheme in ("https", "http"):
            flags += [f"-D{scheme}.proxyHost={host}", f"-D{scheme}.proxyPort={port}"]
        flags.append(f"-Dhttp.nonProxyHosts={non_proxy}")
    flags += [
        f"-Djavax.net.ssl.trustStore={truststore}",
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        f"-Djavax.net.ssl.trustStorePassword={JAVA_TRUSTSTORE_PASSWORD}",
    ]
    return " ".join(shlex.quote(t) for t in [*kept, *flags])


def user_java_truststore(java_tool_options: str) -> tuple[Path | None, str]:
    """A truststore the user's JAVA_TOOL_OPTIONS already named (its roots get merged)."""
    path, password = None, "changeit"
    for tok in shlex.split(java_tool_options):
        if tok.startswith("-Djavax.net.ssl.trustStore="):
            path = Path(tok.split("=", 1)[1])
        elif tok.startswith("-Djavax.net.ssl.trustStorePassword="):
            password = tok.split("=", 1)[1]
    return path, password


def shell_exports(env: Mapping[str, str]) -> str:
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())


def _php_ini_dir(trust: MergedTrust, user: str | None) -> str:
    """PHP's curl extension and streams ignore SSL_CERT_FILE: an extra ini directory
    (PHP_INI_SCAN_DIR; an empty entry keeps PHP's own directory) sets curl.cainfo and
    openssl.cafile to the bundle."""
    d = trust.pem.with_name(trust.pem.stem + "-php")
    ini = d / "llmwall.ini"
    if not ini.exists():
        d.mkdir(exist_ok=True)
        ini.write_text(f'curl.cainfo="{trust.pem}"\nopenssl.cafile="{trust.pem}"\n')
    if user is not None and str(d) in user.split(os.pathsep):
        return user
    return f"{'' if user is None else user}{os.pathsep}{d}"


def _node_options(user: str) -> str:
    preload = str(node_preload_path())
    if preload in user:
        return user
    flag = f'--require "{preload}"' if " " in preload else f"--require {preload}"
    return f"{user} {flag}".strip()


def _java_non_proxy(no_proxy: str) -> list[str]:
    out: list[str] = []
    for entry in filter(None, (e.strip() for e in no_proxy.split(","))):
        host = entry.split(":")[0] if entry.count(":") == 1 else entry
        if host == "::1":
            host = "[::1]"
        names = [f"*{host}"] if host.startswith(".") else [host]
        if not host.startswith((".", "[", "*")) and not host[:1].isdigit():
            names.append(f"*.{host}")
        out += [n for n in names if n not in out]
    if "127.*" not in out:
        out.append("127.*")
    return out


def _exempts(entry: str, hosts: list[str]) -> bool:
    """Whether a NO_PROXY entry (curl's syntax: `*`, `host`, `.suffix`, `host:port`)
    would exempt one of `hosts`."""
    if entry == "*":
        return True
    host = entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry
    host = host.lstrip("*").lstrip(".").lower()
    if not host or host in LOOPBACK:
        return False
    return any(h == host or h.endswith("." + host) for h in hosts)
