"""Policy per identity: the config's `identities` and `policies` blocks.

    identities:
      groups: {finance: [alice, bob]}        # group membership
    policies:                                # first match wins; no match -> `policy`
      - match: {group: finance}
        policy: finance.yaml                 # a file (relative to the config), or inline
      - match: {user: "svc-*"}               # glob on the authenticated user name
        policy: {preset: [pci-dss]}

An identity is the authenticated proxy user (`proxy_auth`) or a front-door key's user.
The chosen policy's own `per_provider` overrides then apply as usual, and every audit
record carries the digest of the policy that decided it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from llmwall.core.policy import Policy, load_policy, parse_policy
from llmwall.errors import ConfigError

_MATCH_KEYS = ("group", "user")


@dataclass(frozen=True)
class PolicyRule:
    policy: Policy
    user: str | None = None  # glob
    group: str | None = None

    def matches(self, user: str | None, groups: frozenset[str]) -> bool:
        if user is None:
            return False
        return (self.user is None or fnmatchcase(user, self.user)) and (
            self.group is None or self.group in groups
        )


@dataclass(frozen=True)
class PolicySet:
    base: Policy
    rules: tuple[PolicyRule, ...] = ()
    members: Mapping[str, frozenset[str]] = field(default_factory=dict)  # user -> groups

    def for_user(self, user: str | None) -> Policy:
        """The policy for an identity (None: unauthenticated): the first matching rule's,
        else the base policy."""
        if not self.rules or user is None:
            return self.base
        groups = self.members.get(user, frozenset())
        for rule in self.rules:
            if rule.matches(user, groups):
                return rule.policy
        return self.base

    def all(self) -> tuple[Policy, ...]:
        return (self.base, *(r.policy for r in self.rules))


def parse_policy_set(
    base: Policy,
    identities: Any,
    policies: Any,
    source: str,
    resolve: Callable[[str], Any],
) -> PolicySet:
    """Validate the two blocks; `resolve` turns a policy file name into its path."""
    groups = _groups(identities, source)
    members: dict[str, set[str]] = {}
    for name, users in groups.items():
        for user in users:
            members.setdefault(user, set()).add(name)
    if policies is None:
        return PolicySet(base, (), {u: frozenset(g) for u, g in members.items()})
    if not isinstance(policies, list):
        raise ConfigError(f"{source}: policies: expected a list of {{match: ..., policy: ...}}")
    rules = []
    for i, item in enumerate(policies):
        where = f"{source}: policies[{i}]"
        if not isinstance(item, dict) or set(item) - {"match", "policy"} or "policy" not in item:
            raise ConfigError(f"{where}: expected a mapping with keys match and policy")
        match = item.get("match") or {}
        if not isinstance(match, dict) or not match or set(match) - set(_MATCH_KEYS):
            raise ConfigError(f"{where}.match: expected a mapping with keys group and/or user")
        for key, value in match.items():
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}.match.{key}: expected a non-empty string")
        group = match.get("group")
        if group is not None and group not in groups:
            known = ", ".join(sorted(groups)) or "none defined"
            raise ConfigError(
                f"{where}.match.group: {group!r} is not a group of identities.groups ({known})"
            )
        spec = item["policy"]
        if isinstance(spec, str):
            policy = load_policy(str(resolve(spec)))
        elif isinstance(spec, dict):
            try:
                policy = parse_policy(spec, f"policies[{i}].policy")
            except ConfigError as exc:
                raise ConfigError(f"{source}: {exc}") from None
        else:
            raise ConfigError(f"{where}.policy: expected a policy file path or a mapping")
        rules.append(PolicyRule(policy, match.get("user"), group))
    return PolicySet(base, tuple(rules), {u: frozenset(g) for u, g in members.items()})


def _groups(raw: Any, source: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    where = f"{source}: identities"
    if not isinstance(raw, dict) or set(raw) - {"groups"}:
        raise ConfigError(f"{where}: expected a mapping with key groups")
    groups = raw.get("groups") or {}
    if not isinstance(groups, dict):
        raise ConfigError(f"{where}.groups: expected a mapping of group name to a list of users")
    for name, users in groups.items():
        if not isinstance(users, list) or not all(isinstance(u, str) and u for u in users):
            raise ConfigError(f"{where}.groups.{name}: expected a list of user names")
    return {str(name): tuple(users) for name, users in groups.items()}
