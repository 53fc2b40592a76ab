"""Who may use the proxy, and where a proxy reachable from the network may connect.

`check_listener(config)` is what `llmwall run` checks before it starts: a listener beyond
loopback needs `proxy_auth`, or `allow_unauthenticated: true` (then it warns), so that
llmwall never starts as an open relay by accident.

`InternalTargets` decides, for a listener beyond loopback, whether a tunnel or request
target is one of llmwall's own addresses, a loopback address or a link-local address
(169.254.0.0/16 holds cloud metadata services): those are refused, authenticated users
included, unless the config lists them in `allow_internal_targets` or names them as an
upstream (for llmwall's own connections to it, never as a client's tunnel target) or
as an LLM host. A loopback listener refuses nothing: its clients reach those
addresses directly anyway. Names are resolved (cached briefly); a name that resolves to
an internal address is refused like the address. The resolution llmwall checks is not
pinned for the connection, so a DNS answer that changes between the check and the
connect (rebinding) is not caught.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import socket
import time
from collections.abc import Iterable

from llmwall.core.config import Config
from llmwall.core.guard_config import InternalTarget
from llmwall.errors import ConfigError

log = logging.getLogger("llmwall")

_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
RESOLVE_TTL_S = 30.0


def is_loopback_host(host: str) -> bool:
    """Is a listen or target host a loopback address (or a loopback name)?"""
    host = host.strip("[]").lower().rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return _address(host).is_loopback
    except ValueError:
        return False


def check_listener(config: Config) -> str | None:
    """Raise ConfigError for an unauthenticated listener beyond loopback; return the
    warning to log when the config allows one explicitly."""
    if is_loopback_host(config.listen_host):
        return None
    where = config.listen_host or "all interfaces"
    if config.proxy_auth:
        return None
    if not config.allow_unauthenticated:
        raise ConfigError(
            f"{config.source}: listen: {where} is reachable from the network and proxy_auth "
            "is not set, so anyone who can reach it could use llmwall as an open relay; set "
            'proxy_auth (e.g. "@/etc/llmwall/htpasswd"), listen on 127.0.0.1, or set '
            "allow_unauthenticated: true if a network control already restricts who connects"
        )
    return (
        f"llmwall listens on {where} without proxy_auth (allow_unauthenticated: true): "
        "anyone who can reach this address can use the proxy"
    )


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    addr = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


@functools.lru_cache(maxsize=1024)
def _is_own_address(address: str) -> bool:
    """Can this process bind the address, i.e. is it one of this machine's?"""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.bind((address, 0))
        return True
    except OSError:
        return False


def internal_reason(address: str) -> str | None:
    """Why an IP address is internal (loopback, link-local, unspecified, own), or None."""
    try:
        addr = _address(address)
    except ValueError:
        return None
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link_local"
    if addr.is_unspecified:
        return "unspecified"
    if addr.is_multicast or addr.is_reserved:
        return None
    return "own_address" if _is_own_address(str(addr)) else None


class InternalTargets:
    def __init__(
        self,
        config: Config,
        allowed: Iterable[tuple[str, int | None]] = (),
        allowed_hosts: Iterable[str] = (),
    ) -> None:
        self.active = not is_loopback_host(config.listen_host)
        self.listed: tuple[InternalTarget, ...] = config.allow_internal_targets
        self.allowed = {(h.lower(), p) for h, p in allowed}  # configured upstreams, the relay
        self.allowed_hosts = {h.lower().rstrip(".") for h in allowed_hosts}  # LLM hosts
        self._cache: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = {}
        self.resolve_timeout = config.timeouts.connect

    def allow(self, host: str, port: int | None) -> None:
        self.allowed.add((host.lower(), port))

    def _exempt(self, host: str, port: int, address: str | None, upstream: bool) -> bool:
        h = host.lower().rstrip(".")
        if upstream and ((h, port) in self.allowed or (h, None) in self.allowed):
            return True
        if h in self.allowed_hosts:
            return True
        return any(t.allows(h, port, address) for t in self.listed)

    def literal(self, host: str, port: int, *, upstream: bool = False) -> str | None:
        """The reason to refuse without resolving (an address or a loopback name).
        `upstream`: llmwall's own connection (configured upstreams are allowed), not a
        client's tunnel or request target."""
        if not self.active or self._exempt(host, port, None, upstream):
            return None
        h = host.strip("[]").lower().rstrip(".")
        if h in _LOCAL_NAMES or h.endswith(".localhost"):
            return "loopback"
        reason = internal_reason(h)
        if reason and not self._exempt(host, port, h, upstream):
            return reason
        return None

    async def refused(self, host: str, port: int, *, upstream: bool = False) -> str | None:
        """The reason to refuse `host:port` (resolving a name), or None."""
        if not self.active or self._exempt(host, port, None, upstream):
            return None
        reason = self.literal(host, port, upstream=upstream)
        if reason:
            return reason
        try:
            _address(host)
            return None  # an address that is not internal
        except ValueError:
            pass
        for address in await self._resolve(host, port):
            reason = internal_reason(address)
            if reason and not self._exempt(host, port, address, upstream):
                return reason
        return None

    async def _resolve(self, host: str, port: int) -> tuple[str, ...]:
        key = (host.lower(), port)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), self.resolve_timeout
            )
            addresses = tuple(dict.fromkeys(str(i[4][0]) for i in infos))
        except (OSError, TimeoutError, UnicodeError):
            addresses = ()  # the connect will fail on its own
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = (now + RESOLVE_TTL_S, addresses)
        return addresses
