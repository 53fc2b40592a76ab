"""Routes: where a request may go when its provider fails, or when policy moves it.

    routes:
      - name: chat                      # optional; default "routes[i]"
        match:                          # every key optional; a route without `match`
          provider: openai              #   is only reachable from a policy `reroute:`
          host: api.openai.com          # glob
          model: "gpt-4*"               # glob
          path: /v1/chat/completions    # glob
        connect_timeout: 5              # seconds, for the primary
        read_timeout: 120               # seconds to the first response byte
        fallbacks:                      # tried in order
          - provider: anthropic
            model: claude-sonnet-4-5    # the model to ask for there (default: the client's)
            api_key_env: ANTHROPIC_API_KEY   # or api_key_file: /run/secrets/anthropic
            upstream: https://host:port      # base URL override (default: the provider's)
            api: anthropic              # the target dialect (default: the provider's chat API)
            max_tokens: 4096            # Anthropic needs one when the client set none
            connect_timeout: 5
            read_timeout: 120

Validated where built; errors name the key and the fix, e.g.
`routes[2].fallbacks[0].provider: 'antropic' is not a known provider`. Credentials are
read once at start-up and never appear in a repr, a log line or an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from llmwall.errors import ConfigError
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.providers import PROVIDERS, Provider
from llmwall.routing.translate import TARGETS

DEFAULT_CONNECT = 10.0
DEFAULT_READ = 300.0
_ROUTE_KEYS = {"name", "match", "fallbacks", "connect_timeout", "read_timeout"}
_MATCH_KEYS = {"provider", "host", "model", "path"}
_TARGET_KEYS = {
    "provider",
    "model",
    "api_key_env",
    "api_key_file",
    "upstream",
    "api",
    "max_tokens",
    "connect_timeout",
    "read_timeout",
}
_BY_NAME = {p.name: p for p in PROVIDERS}
_KNOWN = ", ".join(sorted(_BY_NAME))


@dataclass(frozen=True)
class RouteMatch:
    provider: str | None = None
    host: str | None = None
    model: str | None = None
    path: str | None = None

    def matches(self, provider: str, host: str, path: str, model: str | None) -> bool:
        return (
            (self.provider is None or self.provider == provider)
            and (self.host is None or fnmatchcase(host.lower(), self.host.lower()))
            and (self.path is None or fnmatchcase(path.split("?", 1)[0], self.path))
            and (self.model is None or (model is not None and fnmatchcase(model, self.model)))
        )


@dataclass(frozen=True)
class Target:
    """One fallback: a provider, the dialect spoken there, where, with what key."""

    provider: Provider
    dialect: str
    model: str | None
    scheme: str
    host: str
    port: int
    prefix: str
    path: str  # literal, or a template with {model} and {method} (Gemini)
    connect_timeout: float
    read_timeout: float
    max_tokens: int
    where: str
    api_key: str | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """The breaker's name for this upstream."""
        return f"{self.provider.name}@{self.host}:{self.port}"

    def url(self, model: str | None, stream: bool) -> str:
        path = self.path
        if "{model}" in path:
            method = "streamGenerateContent" if stream else "generateContent"
            path = path.format(model=quote(model or "", safe=""), method=method)
            if stream:
                path += "?alt=sse"
        default = 443 if self.scheme == "https" else 80
        netloc = self.host if self.port == default else f"{self.host}:{self.port}"
        return f"{self.scheme}://{netloc}{self.prefix}{path}"

    def headers(self) -> dict[str, str]:
        """Fresh headers for this target: nothing of the client's request is kept."""
        dialect = get_dialect(self.dialect)
        assert dialect is not None  # validated in parse_routes
        return {
            "content-type": "application/json",
            "accept-encoding": "identity",
            **dialect.upstream_headers(self.api_key),
        }


@dataclass(frozen=True)
class Route:
    name: str
    match: RouteMatch | None
    fallbacks: tuple[Target, ...]
    connect_timeout: float = DEFAULT_CONNECT
    read_timeout: float = DEFAULT_READ


@dataclass(frozen=True)
class RouteTable:
    routes: tuple[Route, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.routes)

    def match(self, provider: str, host: str, path: str, model: str | None) -> Route | None:
        for route in self.routes:
            if route.match is not None and route.match.matches(provider, host, path, model):
                return route
        return None

    def get(self, name: str) -> Route | None:
        for route in self.routes:
            if route.name == name:
                return route
        return None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(r.name for r in self.routes)


def parse_routes(
    raw: Any,
    source: str = "config",
    base_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    upstreams: Mapping[str, str] | None = None,
) -> RouteTable:
    """`upstreams`: provider name -> the config's `providers.<name>.upstream`, used by a
    fallback to that provider that names no `upstream` of its own."""
    env = os.environ if env is None else env
    upstreams = upstreams or {}
    base = base_dir or Path.cwd()
    if raw is None:
        return RouteTable()
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: routes: expected a list of routes")
    routes = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{source}: routes[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(
                f"{where}: expected a mapping with keys {', '.join(sorted(_ROUTE_KEYS))}"
            )
        _keys(item, _ROUTE_KEYS, where)
        name = item.get("name", f"routes[{i}]")
        if "name" in item and (
            not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name)
        ):
            raise ConfigError(f"{where}.name: expected a name of letters, digits, '_', '-' or '.'")
        if name in names:
            raise ConfigError(
                f"{where}.name: {name!r} is used by an earlier route; names must be unique"
            )
        names.add(name)
        match = _match(item["match"], f"{where}.match") if "match" in item else None
        fallbacks = item.get("fallbacks")
        if not isinstance(fallbacks, list) or not fallbacks:
            raise ConfigError(f"{where}.fallbacks: expected a non-empty list of fallback targets")
        targets = tuple(
            _target(t, f"{where}.fallbacks[{j}]", base, env, upstreams)
            for j, t in enumerate(fallbacks)
        )
        routes.append(
            Route(
                name,
                match,
                targets,
                _seconds(item, "connect_timeout", DEFAULT_CONNECT, where),
                _seconds(item, "read_timeout", DEFAULT_READ, where),
            )
        )
    return RouteTable(tuple(routes))


def _keys(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown key {key!r}; allowed keys: {', '.join(sorted(allowed))}"
            )


def _match(raw: Any, where: str) -> RouteMatch:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with keys {', '.join(sorted(_MATCH_KEYS))}")
    _keys(raw, _MATCH_KEYS, where)
    for key, value in raw.items():
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}.{key}: expected a non-empty string (globs allowed)")
    provider = raw.get("provider")
    if provider is not None and provider not in _BY_NAME:
        raise ConfigError(
            f"{where}.provider: {provider!r} is not a known provider; known: {_KNOWN}"
        )
    return RouteMatch(provider, raw.get("host"), raw.get("model"), raw.get("path"))


def _target(
    raw: Any, where: str, base: Path, env: Mapping[str, str], upstreams: Mapping[str, str]
) -> Target:
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where}: expected a mapping with keys {', '.join(sorted(_TARGET_KEYS))}"
        )
    _keys(raw, _TARGET_KEYS, where)
    name = raw.get("provider")
    provider = _BY_NAME.get(name) if isinstance(name, str) else None
    if provider is None:
        raise ConfigError(f"{where}.provider: {name!r} is not a known provider; known: {_KNOWN}")
    dialect = raw.get("api") or default_dialect(provider)
    if dialect not in TARGETS:
        raise ConfigError(f"{where}.api: {dialect!r} is not one of {', '.join(sorted(TARGETS))}")
    path = _target_path(provider, dialect)
    if path is None:
        raise ConfigError(
            f"{where}.api: provider {provider.name} has no {dialect} endpoint llmwall can call; "
            f"choose another api or provider"
        )
    model = raw.get("model")
    if model is not None and (not isinstance(model, str) or not model):
        raise ConfigError(f"{where}.model: expected a model name string")
    if dialect == "gemini" and not model:
        raise ConfigError(f"{where}.model: a Gemini target needs a model (it goes into the URL)")
    configured = raw.get("upstream") or upstreams.get(provider.name)
    upstream = configured or provider.base_url
    if not isinstance(upstream, str) or not upstream.startswith(("http://", "https://")):
        raise ConfigError(
            f"{where}.upstream: expected a base URL like https://host:port "
            f"(provider {provider.name} has no default)"
        )
    parts = urlsplit(upstream)
    if not parts.hostname:
        raise ConfigError(f"{where}.upstream: {upstream!r} has no host")
    # A configured upstream (the target's, else the provider's `providers.<name>.upstream`)
    # may carry a path prefix; the provider's public base URL does not (its path is
    # already part of the endpoint paths in the provider table).
    prefix = parts.path.rstrip("/") if configured else ""
    max_tokens = raw.get("max_tokens", 4096)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ConfigError(f"{where}.max_tokens: expected a whole number >= 1")
    return Target(
        provider=provider,
        dialect=dialect,
        model=model,
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or (443 if parts.scheme == "https" else 80),
        prefix=prefix,
        path=path,
        connect_timeout=_seconds(raw, "connect_timeout", DEFAULT_CONNECT, where),
        read_timeout=_seconds(raw, "read_timeout", DEFAULT_READ, where),
        max_tokens=max_tokens,
        where=where,
        api_key=_credential(raw, where, base, env),
    )


def _credential(raw: dict[str, Any], where: str, base: Path, env: Mapping[str, str]) -> str | None:
    if "api_key_env" in raw and "api_key_file" in raw:
        raise ConfigError(f"{where}: give either api_key_env or api_key_file, not both")
    if "api_key_env" in raw:
        var = raw["api_key_env"]
        if not isinstance(var, str) or not var:
            raise ConfigError(f"{where}.api_key_env: expected the name of an environment variable")
        value = env.get(var)
        if not value:
            raise ConfigError(f"{where}.api_key_env: environment variable {var} is not set")
        return value.strip()
    if "api_key_file" in raw:
        name = raw["api_key_file"]
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}.api_key_file: expected a file path")
        path = Path(name).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{where}.api_key_file: cannot read {path}: {exc.strerror}") from None
        if not value:
            raise ConfigError(f"{where}.api_key_file: {path} is empty")
        return value
    return None


def _seconds(raw: dict[str, Any], key: str, default: float, where: str) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise ConfigError(f"{where}.{key}: expected seconds, a number above 0 and at most 3600")
    return float(value)


def default_dialect(provider: Provider) -> str:
    """The chat dialect llmwall speaks to `provider` (a fallback target, the front door)."""
    return provider.name if provider.name in ("anthropic", "gemini", "ollama") else "openai_chat"


def _target_path(provider: Provider, dialect: str) -> str | None:
    if dialect == "gemini":
        if provider.name != "gemini":
            return None
        return "/v1beta/models/{model}:{method}"
    for endpoint in provider.endpoints:
        if endpoint.dialect == dialect and endpoint.operation in ("chat", "messages"):
            literal = _literal(endpoint.path.pattern)
            if literal is not None:
                return literal
    return None


def _literal(pattern: str) -> str | None:
    """The one path a regex matches, if it is a plain escaped literal."""
    text = re.sub(r"\\(.)", r"\1", pattern)
    return (
        text if re.fullmatch(pattern, text) and not re.search(r"[\[\]()*+?{}|^$]", text) else None
    )
