"""The policy: what to do about findings. Loaded from YAML, validated with errors that
name the key, applied by the pure functions of `llmwall.core.judge`."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import yaml

from llmwall.core import presets
from llmwall.core.tool_policy import KEYS as TOOL_KEYS
from llmwall.core.tool_policy import ToolPolicy, parse_tool_policy
from llmwall.core.yaml_source import read_yaml, with_line
from llmwall.decision import Decision
from llmwall.detectors.entities import ENTITIES, PROMPT_INJECTION, Category
from llmwall.detectors.finding import Finding
from llmwall.errors import ConfigError
from llmwall.routing.segment import Direction, Trust

# The decisions a policy key may name (a subset of the one vocabulary).
FINDING_ACTIONS = (Decision.ALLOW, Decision.REDACT, Decision.BLOCK)
# `actions:` also takes shadow (record what a block would do, forward unchanged) and,
# for PII and secrets, pseudonymize (stable placeholders, restored in the answer).
ENTITY_ACTIONS = (*FINDING_ACTIONS, Decision.SHADOW, Decision.PSEUDONYMIZE)


_KEYS = {
    "version",
    "actions",
    "min_score",
    "min_scores",
    "injection",
    "responses",
    "unknown_content",
    "binary_content",
    "unknown_endpoint",
    "signed_requests",
    "allowlist",
    "reroute",
    "per_provider",
    "preset",
    *TOOL_KEYS,
}
# what a per_provider entry may override (mappings among them merge key by key)
_OVERRIDABLE = (
    "actions",
    "min_score",
    "min_scores",
    "injection",
    "responses",
    "allowlist",
    "preset",
)


@dataclass(frozen=True)
class Policy:
    actions: dict[str, Decision]
    response_actions: dict[str, Decision]
    min_score: float
    min_scores: dict[str, float]
    injection_threshold: float
    indirect_threshold: float
    injection_model_output: Decision
    unknown_content: Decision
    binary_content: Decision
    # "scan" (the generic extractor reads it; what it cannot read is unknown_content),
    # "allow" (forwarded unscanned, recorded as such) or "block"
    unknown_endpoint: str
    signed_requests: Decision
    allow_values: frozenset[str]
    allow_patterns: tuple[re.Pattern[str], ...]
    allow_digests: frozenset[str]
    digest: str  # sha256 over the canonical JSON of the source mapping
    source: str
    # entity or category -> route name: requests with such findings go to that route
    # (see routing/routes.py) instead of their provider; the findings are then allowed.
    reroute: dict[str, str] = field(default_factory=dict)
    # provider name -> this policy with that provider's `per_provider` overrides applied
    providers: dict[str, Policy] = field(default_factory=dict)
    presets: tuple[str, ...] = ()  # the compliance packs it was built on (core/presets)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)  # as written, for with_presets

    def with_presets(self, names: list[str]) -> Policy:
        """This policy with more compliance presets (`llmwall scan --preset`)."""
        chosen = [*self.presets, *(n for n in names if n not in self.presets)]
        return parse_policy({**self.raw, "preset": chosen}, f"{self.source} + preset {names}")

    # tool-call rules, taint, tool pinning, prompt-leak detection (core/tool_policy.py)
    tools: ToolPolicy = field(default_factory=ToolPolicy)

    def for_provider(self, name: str) -> Policy:
        """The policy for traffic to provider `name` (its overrides, else this one)."""
        return self.providers.get(name, self)

    def route_for(self, entities: Iterable[str]) -> tuple[str, str] | None:
        """(route name, the entity or category that chose it) for the first finding
        type with a `reroute` entry, or None."""
        for entity in entities:
            for key in (entity, _category_name(entity)):
                if key in self.reroute:
                    return self.reroute[key], key
        return None

    def exempt(self, route: str) -> Policy:
        """This policy with the findings that `route` receives allowed: a rerouted
        request keeps them (that is the point of the route); others keep their action."""
        keys = {k for k, r in self.reroute.items() if r == route}
        keys |= {e for e in (*self.actions, *self.response_actions) if _category_name(e) in keys}
        allow = {k: Decision.ALLOW for k in keys}
        return replace(
            self,
            actions={**self.actions, **allow},
            response_actions={k: v for k, v in self.response_actions.items() if k not in keys},
        )

    def action_for(
        self, finding: Finding, value: str, trust: Trust, direction: Direction
    ) -> Decision | None:
        """The action for one finding, or None when it is ignored (score, allowlist)."""
        entity = finding.entity
        if (
            finding.score < self.min_scores.get(entity, self.min_score)
            and entity != PROMPT_INJECTION
        ):
            return None
        if entity == PROMPT_INJECTION:
            limit = self.indirect_threshold if trust is Trust.EXTERNAL else self.injection_threshold
            if finding.score < limit:
                return None
            if trust is Trust.MODEL:
                return self.injection_model_output
        if self._allowlisted(value):
            return None
        table = self.response_actions if direction is Direction.RESPONSE else {}
        for key in (entity, _category_name(entity)):
            if key in table:
                return table[key]
            if key in self.actions:
                act = self.actions[key]
                # a pseudonymized value comes back restored: in an answer it is allowed
                if act is Decision.PSEUDONYMIZE and direction is Direction.RESPONSE:
                    return Decision.ALLOW
                return act
        return Decision.ALLOW

    def _allowlisted(self, value: str) -> bool:
        if value in self.allow_values:
            return True
        if any(p.fullmatch(value) for p in self.allow_patterns):
            return True
        if self.allow_digests:
            return "sha256:" + hashlib.sha256(value.encode()).hexdigest() in self.allow_digests
        return False


def _category_name(entity: str) -> str:
    cat = ENTITIES.get(entity)
    return cat.value if cat else ""


def default_policy_text() -> str:
    return (
        resources.files("llmwall.core").joinpath("default_policy.yaml").read_text(encoding="utf-8")
    )


def load_policy(spec: str | dict[str, Any] | None, where: str = "policy") -> Policy:
    """`spec` is a file path, an inline mapping, or None for the built-in default."""
    if spec is None:
        return parse_policy(yaml.safe_load(default_policy_text()), "<built-in default policy>")
    if isinstance(spec, dict):
        return parse_policy(spec, where)
    text, raw = read_yaml(spec, "policy file")
    try:
        return parse_policy(raw if raw is not None else {}, str(spec))
    except ConfigError as exc:
        raise ConfigError(with_line(str(exc), str(spec), text)) from None


def parse_policy(raw: Any, source: str) -> Policy:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a policy must be a mapping of keys")
    for key in raw:
        if key not in _KEYS:
            raise ConfigError(
                f"{source}: unknown key {key!r}; allowed keys: {', '.join(sorted(_KEYS))}"
            )
    if raw.get("version", 1) != 1:
        raise ConfigError(f"{source}: version: only version 1 is supported")
    original = raw
    chosen = presets.selected(raw.get("preset"), source)
    raw = _with_presets(raw, chosen, source)
    defaults = yaml.safe_load(default_policy_text())
    merged = {**defaults, **raw, "preset": chosen}
    inj = {**defaults["injection"], **_mapping(merged, "injection", source)}
    for key in inj:
        if key not in {"threshold", "indirect_threshold", "model_output"}:
            raise ConfigError(
                f"{source}: injection.{key}: unknown key; "
                "allowed: threshold, indirect_threshold, model_output"
            )
    responses = _mapping(merged, "responses", source)
    for key in responses:
        if key != "actions":
            raise ConfigError(f"{source}: responses.{key}: unknown key; allowed: actions")
    allow = {**defaults["allowlist"], **_mapping(merged, "allowlist", source)}
    for key in allow:
        if key not in {"values", "patterns", "digests"}:
            raise ConfigError(
                f"{source}: allowlist.{key}: unknown key; allowed: values, patterns, digests"
            )
    patterns = []
    for i, p in enumerate(_strings(allow, "patterns", source, "allowlist")):
        try:
            patterns.append(re.compile(p))
        except re.error as exc:
            raise ConfigError(
                f"{source}: allowlist.patterns[{i}]: not a valid regex ({exc.msg})"
            ) from None
    # the policy's actions are laid over the default ones: naming one entity never
    # silently allows the rest
    raw_actions = {**defaults["actions"], **_mapping(raw, "actions", source)}
    merged["actions"] = raw_actions
    providers = {}
    if "per_provider" in raw:
        base = {k: v for k, v in raw.items() if k not in ("per_provider", "preset")}
        base["actions"] = raw_actions  # overrides merge into the effective ones
        for name, override in _per_provider(raw["per_provider"], source).items():
            merged_raw = _merge(base, override)
            providers[name] = parse_policy(merged_raw, f"{source}: per_provider.{name}")
    return Policy(
        actions=_actions(raw_actions, source, "actions"),
        response_actions=_actions(responses.get("actions", {}), source, "responses.actions"),
        min_score=_score(merged.get("min_score"), source, "min_score"),
        min_scores={
            _entity(k, source, "min_scores"): _score(v, source, f"min_scores.{k}")
            for k, v in _mapping(merged, "min_scores", source).items()
        },
        injection_threshold=_score(inj["threshold"], source, "injection.threshold"),
        indirect_threshold=_score(
            inj["indirect_threshold"], source, "injection.indirect_threshold"
        ),
        injection_model_output=_action(inj["model_output"], source, "injection.model_output"),
        unknown_content=_action(merged["unknown_content"], source, "unknown_content"),
        binary_content=_action(merged["binary_content"], source, "binary_content", redact=False),
        unknown_endpoint=_choice(merged["unknown_endpoint"], source, "unknown_endpoint"),
        signed_requests=_action(merged["signed_requests"], source, "signed_requests", redact=False),
        allow_values=frozenset(_strings(allow, "values", source, "allowlist")),
        allow_patterns=tuple(patterns),
        allow_digests=frozenset(_strings(allow, "digests", source, "allowlist")),
        digest=hashlib.sha256(
            json.dumps(merged, sort_keys=True, separators=(",", ":"), default=str).encode()
        ).hexdigest(),
        source=source,
        reroute=_reroute(raw.get("reroute"), source),
        providers=providers,
        presets=tuple(chosen),
        raw=original,
        tools=parse_tool_policy(raw, source),
    )


def _with_presets(raw: dict[str, Any], chosen: list[str], source: str) -> dict[str, Any]:
    """`raw` with the `chosen` preset packs laid under its own keys (see
    llmwall.core.presets)."""
    if not chosen:
        return {k: v for k, v in raw.items() if k != "preset"}
    pack = presets.combined(chosen)
    out = {k: v for k, v in raw.items() if k != "preset"}
    out["actions"] = {**pack["actions"], **_mapping(raw, "actions", source)}
    out["min_scores"] = {**pack["min_scores"], **_mapping(raw, "min_scores", source)}
    responses = _mapping(raw, "responses", source)
    out["responses"] = {
        **responses,
        "actions": {**pack["responses"]["actions"], **(responses.get("actions") or {})},
    }
    return out


def _per_provider(raw: Any, source: str) -> dict[str, dict[str, Any]]:
    from llmwall.routing.providers import PROVIDER_NAMES

    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: per_provider: expected a mapping of provider name to overrides"
        )
    for name, override in raw.items():
        if name not in PROVIDER_NAMES:
            raise ConfigError(
                f"{source}: per_provider.{name}: unknown provider; "
                f"use one of: {', '.join(sorted(PROVIDER_NAMES))}"
            )
        if not isinstance(override, dict):
            raise ConfigError(f"{source}: per_provider.{name}: expected a mapping of overrides")
        for key in override:
            if key not in _OVERRIDABLE:
                raise ConfigError(
                    f"{source}: per_provider.{name}.{key}: cannot be overridden per provider; "
                    f"allowed: {', '.join(_OVERRIDABLE)}"
                )
    return raw


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override` on top; nested mappings merge key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _mapping(raw: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key}: expected a mapping")
    return value


def _strings(raw: dict[str, Any], key: str, source: str, parent: str) -> list[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {parent}.{key}: expected a list of strings")
    return value


def _action(value: Any, source: str, where: str, redact: bool = True) -> Decision:
    allowed = [a.value for a in FINDING_ACTIONS if redact or a is not Decision.REDACT]
    if value not in allowed:
        raise ConfigError(f"{source}: {where}: {value!r} is not one of {', '.join(allowed)}")
    return Decision(value)


UNKNOWN_ENDPOINT = ("scan", "allow", "block")


def _choice(value: Any, source: str, where: str) -> str:
    if value not in UNKNOWN_ENDPOINT:
        raise ConfigError(
            f"{source}: {where}: {value!r} is not one of {', '.join(UNKNOWN_ENDPOINT)}"
        )
    return str(value)


def _entity(name: Any, source: str, where: str) -> str:
    categories = {c.value for c in Category}
    if name not in ENTITIES and name not in categories:
        raise ConfigError(
            f"{source}: {where}.{name}: unknown entity type; use a category "
            f"({', '.join(sorted(categories))}) or one of: {', '.join(sorted(ENTITIES))}"
        )
    return str(name)


def _actions(raw: Any, source: str, where: str) -> dict[str, Decision]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: {where}: expected a mapping of entity or category to action")
    out = {}
    for key, value in raw.items():
        entity = _entity(key, source, where)
        allowed = [a.value for a in ENTITY_ACTIONS]
        if where == "responses.actions" or entity in (PROMPT_INJECTION, Category.INJECTION.value):
            allowed.remove(Decision.PSEUDONYMIZE.value)  # nothing to restore it from
        if value not in allowed:
            raise ConfigError(
                f"{source}: {where}.{key}: {value!r} is not one of {', '.join(allowed)}"
            )
        out[entity] = Decision(value)
    return out


def _reroute(raw: Any, source: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: reroute: expected a mapping of entity or category to a route name"
        )
    out = {}
    for key, route in raw.items():
        entity = _entity(key, source, "reroute")
        if not isinstance(route, str) or not route:
            raise ConfigError(
                f"{source}: reroute.{key}: expected the name of a route in the config's routes"
            )
        out[entity] = route
    return out


def _score(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{source}: {where}: expected a number from 0 to 1, got {value!r}")
    return float(value)
