"""The front door's configuration: an OpenAI-compatible reverse endpoint with virtual keys.

    front_door:
      listen: 127.0.0.1:8081            # plain HTTP
      keys:                             # optional virtual keys
        vk-team-a:
          user: team-a                  # the identity (per-identity policy, audit)
          credentials:                  # the real credentials, never shown to the app
            openai: {api_key_env: OPENAI_API_KEY}
            anthropic: {api_key_file: /run/secrets/anthropic}

Paths: `/<provider>/<that provider's own path>` (`/openai/v1/chat/completions`,
`/anthropic/v1/messages`, `/gemini/v1beta/models/...`), and `/v1/...` for OpenAI
itself, where a model named `<provider>/<model>` (`anthropic/claude-sonnet-4-5`) is
translated to that provider like a fallback route. Credentials are read once at
start-up and never appear in a repr, a log line or an error.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llmwall.errors import ConfigError
from llmwall.routing.providers import PROVIDER_NAMES
from llmwall.routing.routes import Route, Target, parse_routes


@dataclass(frozen=True)
class VirtualKey:
    user: str
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)  # provider -> key
    targets: Mapping[str, Target] = field(default_factory=dict, repr=False)  # provider -> target


@dataclass(frozen=True)
class FrontDoor:
    listen: tuple[str, int]
    keys: Mapping[str, VirtualKey] = field(default_factory=dict, repr=False)

    def key(self, presented: str | None) -> VirtualKey | None:
        return self.keys.get(presented) if presented else None

    def route_to(self, key: VirtualKey, provider: str, model: str) -> Route | None:
        """The one-target route that moves a request to `provider` asking for `model`,
        with the key's credential there (None: the key has none for it)."""
        target = key.targets.get(provider)
        if target is None:
            return None
        return Route(f"front_door:{provider}", None, (dataclasses.replace(target, model=model),))


def parse_front_door(
    raw: Any,
    source: str,
    listen: Callable[[str, str], tuple[str, int]],
    base_dir: Path,
    upstreams: Mapping[str, str],
    env: Mapping[str, str] | None = None,
) -> FrontDoor | None:
    if raw is None:
        return None
    where = f"{source}: front_door"
    if not isinstance(raw, dict) or set(raw) - {"listen", "keys"} or "listen" not in raw:
        raise ConfigError(f"{where}: expected a mapping with keys listen and keys")
    if not isinstance(raw["listen"], str):
        raise ConfigError(f"{where}.listen: expected a HOST:PORT string")
    address = listen(raw["listen"], f"{where}.listen")
    keys_raw = raw.get("keys") or {}
    if not isinstance(keys_raw, dict):
        raise ConfigError(f"{where}.keys: expected a mapping of virtual key to its user")
    keys = {}
    for name, spec in keys_raw.items():
        at = f"{where}.keys.{name}"
        if not isinstance(name, str) or len(name) < 8:
            raise ConfigError(f"{at}: a virtual key must be a string of 8 characters or more")
        if not isinstance(spec, dict) or set(spec) - {"user", "credentials"}:
            raise ConfigError(f"{at}: expected a mapping with keys user and credentials")
        user = spec.get("user")
        if not isinstance(user, str) or not user:
            raise ConfigError(f"{at}.user: expected the identity's name")
        creds = spec.get("credentials") or {}
        if not isinstance(creds, dict):
            raise ConfigError(f"{at}.credentials: expected a mapping of provider to a credential")
        targets: dict[str, Target] = {}
        for provider, cred in creds.items():
            if provider not in PROVIDER_NAMES:
                known = ", ".join(sorted(PROVIDER_NAMES))
                raise ConfigError(f"{at}.credentials.{provider}: unknown provider; known: {known}")
            if not isinstance(cred, dict) or set(cred) - {"api_key_env", "api_key_file"}:
                raise ConfigError(
                    f"{at}.credentials.{provider}: expected {{api_key_env: VAR}} or "
                    "{api_key_file: PATH}"
                )
            # built and validated exactly as a fallback target is (routing.routes)
            table = parse_routes(
                # the model is the client's, chosen per request (route_to)
                [
                    {
                        "name": "front_door",
                        "fallbacks": [{"provider": provider, "model": "-", **cred}],
                    }
                ],
                f"{at}.credentials.{provider}",
                base_dir,
                os.environ if env is None else env,
                upstreams=upstreams,
            )
            targets[provider] = table.routes[0].fallbacks[0]
        keys[name] = VirtualKey(
            user, {p: t.api_key for p, t in targets.items() if t.api_key}, targets
        )
    return FrontDoor(address, keys)
