"""The `siem:` config block: a list of sinks the audit log is pushed to, validated here.

    siem:
      - {type: syslog, url: "tcp://127.0.0.1:6514", format: cef}     # tcp+tls://, udp://
      - {type: splunk-hec, url: "https://hec.example:8088", token_env: HEC_TOKEN}
      - {type: http, url: "https://collector.example/ingest", format: ocsf}

Keys of a sink (all but type and url optional):
    type         syslog | splunk-hec | http
    url          syslog: tcp://, tcp+tls:// or udp://HOST[:PORT] (ports 514, 6514, 514);
                 splunk-hec, http: http(s)://HOST[:PORT][/path] (HEC: /services/collector/event
                 when no path is given)
    format       syslog: cef (default), jsonl, ocsf, ecs; http: ocsf (default), jsonl, ecs,
                 cef; splunk-hec: splunk-hec only (the HEC envelope)
    name         the sink's id in metrics, logs and its cursor file (default type-host-port)
    token_env    the environment variable holding the token (required for splunk-hec;
                 http sends it as a Bearer token). The token itself never sits in the config.
    ca           a PEM file of CAs to trust for tcp+tls:// and https:// (default: the system's)
    batch        records per send (default 500)
    max_backlog  records not yet delivered before the backlog is full (default 100000)
    on_full      drop (default: skip the oldest undelivered records, raise an alarm, keep
                 serving) or block (the proxy refuses new requests until the backlog drains)
    timeout      seconds for a connect or a send (default 5)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from llmwall.errors import ConfigError

TYPES = ("syslog", "splunk-hec", "http")
ON_FULL = ("drop", "block")
SYSLOG_PORTS = {"tcp": 514, "tcp+tls": 6514, "udp": 514}
FORMATS_FOR = {
    "syslog": ("cef", "jsonl", "ocsf", "ecs"),
    "http": ("ocsf", "jsonl", "ecs", "cef"),
    "splunk-hec": ("splunk-hec",),
}
KEYS = (
    "type",
    "url",
    "format",
    "name",
    "token_env",
    "ca",
    "batch",
    "max_backlog",
    "on_full",
    "timeout",
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
_ENV = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SinkConfig:
    type: str
    url: str
    format: str
    name: str
    scheme: str
    host: str
    port: int
    token_env: str | None = None
    ca: Path | None = None
    batch: int = 500
    max_backlog: int = 100_000
    on_full: str = "drop"
    timeout: float = 5.0
    where: str = "siem[0]"  # for messages: `<source>: siem[i]`


def parse_siem(raw: Any, source: str, base_dir: Path | None = None) -> tuple[SinkConfig, ...]:
    """Validate the `siem:` value; ConfigError `<source>: siem[i].key: what (the fix)`."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(
            f"{source}: siem: expected a list of sinks, e.g. "
            '[{type: syslog, url: "tcp://127.0.0.1:6514", format: cef}]'
        )
    sinks = tuple(_sink(item, f"{source}: siem[{i}]", base_dir) for i, item in enumerate(raw))
    seen: dict[str, str] = {}
    for sink in sinks:
        if sink.name in seen:
            raise ConfigError(
                f"{source}: {sink.where}.name: {sink.name!r} is also the name of "
                f"{seen[sink.name]}; give each sink its own name"
            )
        seen[sink.name] = sink.where
    return sinks


def _sink(item: Any, where: str, base_dir: Path | None) -> SinkConfig:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping like {{type: syslog, url: ...}}")
    for key in item:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}; allowed keys: {', '.join(KEYS)}")
    kind = item.get("type")
    if kind not in TYPES:
        raise ConfigError(f"{where}.type: {kind!r} is not one of {', '.join(TYPES)}")
    url = item.get("url")
    if not isinstance(url, str) or not url:
        raise ConfigError(f"{where}.url: missing; give the receiver's URL")
    scheme, host, port = _url(kind, url, f"{where}.url")
    formats = FORMATS_FOR[kind]
    fmt = item.get("format", formats[0])
    if fmt not in formats:
        raise ConfigError(
            f"{where}.format: {fmt!r} is not one for a {kind} sink; use one of {', '.join(formats)}"
        )
    name = item.get("name", _default_name(kind, host, port))
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(
            f"{where}.name: {name!r} is not a sink name; use 1-63 letters, digits, '.', '_', '-'"
        )
    token_env = item.get("token_env")
    if token_env is not None and (not isinstance(token_env, str) or not _ENV.fullmatch(token_env)):
        raise ConfigError(
            f"{where}.token_env: expected the NAME of an environment variable (HEC_TOKEN), "
            "not the token itself"
        )
    if kind == "splunk-hec" and token_env is None:
        raise ConfigError(
            f"{where}.token_env: a splunk-hec sink needs the environment variable holding "
            "its HEC token (token_env: HEC_TOKEN)"
        )
    if kind == "syslog" and token_env is not None:
        raise ConfigError(f"{where}.token_env: syslog has no token; remove token_env")
    ca = _ca(item.get("ca"), scheme, f"{where}.ca", base_dir)
    return SinkConfig(
        type=kind,
        url=url,
        format=fmt,
        name=name,
        scheme=scheme,
        host=host,
        port=port,
        token_env=token_env,
        ca=ca,
        batch=_int(item, "batch", 500, 1, 10_000, where),
        max_backlog=_int(item, "max_backlog", 100_000, 1, 10**9, where),
        on_full=_choice(item, "on_full", ON_FULL, where),
        timeout=_seconds(item, "timeout", 5.0, where),
        where=where.rsplit(": ", 1)[-1],
    )


def _url(kind: str, url: str, where: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if kind == "syslog":
        if parts.scheme not in SYSLOG_PORTS or not parts.hostname or parts.path not in ("", "/"):
            raise ConfigError(
                f"{where}: {url!r} is not a syslog URL; use tcp://HOST:PORT, "
                "tcp+tls://HOST:PORT or udp://HOST:PORT"
            )
        default = SYSLOG_PORTS[parts.scheme]
    else:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"{where}: {url!r} is not an http(s) URL; use https://HOST[:PORT][/path]"
            )
        default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        raise ConfigError(f"{where}: {url!r} has a bad port; use a number 1-65535") from None
    return parts.scheme, parts.hostname, port


def _default_name(kind: str, host: str, port: int) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{kind}-{host}-{port}")[:63]


def _ca(value: Any, scheme: str, where: str, base_dir: Path | None) -> Path | None:
    if value is None:
        return None
    if scheme not in ("tcp+tls", "https"):
        raise ConfigError(f"{where}: only a tcp+tls:// or https:// sink uses a CA file; remove ca")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a PEM file path")
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise ConfigError(f"{where}: {path} is not a readable PEM file")
    return path


def _int(item: dict[str, Any], key: str, default: int, lo: int, hi: int, where: str) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{where}.{key}: expected a whole number from {lo} to {hi}")
    return value


def _seconds(item: dict[str, Any], key: str, default: float, where: str) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 300:
        raise ConfigError(f"{where}.{key}: expected seconds above 0 and at most 300")
    return float(value)


def _choice(item: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = item.get(key, allowed[0])
    if value not in allowed:
        raise ConfigError(f"{where}.{key}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)
