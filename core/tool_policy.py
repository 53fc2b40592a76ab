"""The agent part of a policy: rules over the tool calls a model asks for, taint, tool
pinning and prompt-leak detection. Parsed here from the policy's `tools`, `taint`,
`tool_pinning` and `prompt_leak` keys (errors name the key path, so the config's line is
found); decided by `ToolPolicy.decide`, a pure function of a call and the request's taint.

    tools:                          first match wins; no match: allow
      - name: "delete_*"            glob on the tool name (fnmatch, case-sensitive)
        args: {to: ".*@evil\\.com"}  optional: dotted path -> regex, re.fullmatch, all must match
        action: block               allow | block | shadow
    taint:
      injection_score: 0.3          a request whose untrusted text scores this for injection
      block_tools: ["send_*"]       ... may not get these tool calls back
    tool_pinning: warn              off | warn | block | shadow
    prompt_leak: block              off | warn | block | shadow
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Any

from llmwall.decision import Decision
from llmwall.errors import ConfigError

KEYS = ("tools", "taint", "tool_pinning", "prompt_leak")
TOOL_ACTIONS = (Decision.ALLOW, Decision.BLOCK, Decision.SHADOW)
MODES = ("off", "warn", "block", "shadow")


@dataclass(frozen=True)
class ToolRule:
    index: int
    name: str  # glob
    args: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]
    action: Decision

    @property
    def id(self) -> str:
        return f"tools[{self.index}]"

    def matches(self, name: str, arguments: Any) -> bool:
        if not fnmatch.fnmatchcase(name, self.name):
            return False
        for path, pattern in self.args:
            value = _lookup(arguments, path)
            if value is None or pattern.fullmatch(value) is None:
                return False
        return True


@dataclass(frozen=True)
class ToolDecision:
    """What the policy says about one tool call: `action` allow, block or shadow;
    `rule` the rule id that decided (None: no rule matched)."""

    name: str
    action: Decision
    rule: str | None = None

    @property
    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "decision": self.action.value, "rule": self.rule}


@dataclass(frozen=True)
class ToolPolicy:
    rules: tuple[ToolRule, ...] = ()
    taint_score: float | None = None  # None: no taint rule
    taint_tools: tuple[str, ...] = ()
    tool_pinning: str = "off"
    prompt_leak: str = "off"

    @property
    def active(self) -> bool:
        """Do response tool calls need a decision at all?"""
        return bool(self.rules) or (self.taint_score is not None and bool(self.taint_tools))

    def tainted(self, score: float) -> bool:
        return self.taint_score is not None and score > 0 and score >= self.taint_score

    def decide(self, name: str, arguments: Any, taint: float = 0.0) -> ToolDecision:
        """Taint first (a tainted request may not get these calls back, whatever the
        rules allow), then the rules, first match wins."""
        if self.tainted(taint):
            for i, glob in enumerate(self.taint_tools):
                if fnmatch.fnmatchcase(name, glob):
                    return ToolDecision(name, Decision.BLOCK, f"taint.block_tools[{i}]")
        for rule in self.rules:
            if rule.matches(name, arguments):
                return ToolDecision(name, rule.action, rule.id)
        return ToolDecision(name, Decision.ALLOW)


def _lookup(arguments: Any, path: tuple[str, ...]) -> str | None:
    """The value at a dotted path of the parsed arguments, as text (strings as they
    are, other JSON values compactly encoded); None when the path is missing."""
    node = arguments
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return None
    if isinstance(node, str):
        return node
    return json.dumps(node, separators=(",", ":"), ensure_ascii=False)


def parse_tool_policy(raw: dict[str, Any], source: str) -> ToolPolicy:
    """The agent keys of a policy mapping (each optional)."""
    taint = raw.get("taint") or {}
    if not isinstance(taint, dict):
        raise ConfigError(
            f"{source}: taint: expected a mapping with keys injection_score, block_tools"
        )
    for key in taint:
        if key not in ("injection_score", "block_tools"):
            raise ConfigError(
                f"{source}: taint.{key}: unknown key; allowed: injection_score, block_tools"
            )
    score = taint.get("injection_score")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1
    ):
        raise ConfigError(
            f"{source}: taint.injection_score: expected a number from 0 to 1, got {score!r}"
        )
    globs = taint.get("block_tools") or []
    if not isinstance(globs, list) or not all(isinstance(g, str) and g for g in globs):
        raise ConfigError(
            f'{source}: taint.block_tools: expected a list of tool-name globs like "send_*"'
        )
    if globs and score is None:
        raise ConfigError(
            f"{source}: taint.injection_score: required with taint.block_tools "
            "(the injection score from which a request is tainted, e.g. 0.3)"
        )
    return ToolPolicy(
        rules=_rules(raw.get("tools"), source),
        taint_score=float(score) if score is not None else None,
        taint_tools=tuple(globs),
        tool_pinning=_mode(raw.get("tool_pinning", "off"), source, "tool_pinning"),
        prompt_leak=_mode(raw.get("prompt_leak", "off"), source, "prompt_leak"),
    )


def _mode(value: Any, source: str, key: str) -> str:
    if value is False:  # YAML reads a bare `off` as false
        value = "off"
    if value not in MODES:
        raise ConfigError(f"{source}: {key}: {value!r} is not one of {', '.join(MODES)}")
    return str(value)


def _rules(raw: Any, source: str) -> tuple[ToolRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(
            f'{source}: tools: expected a list of rules like {{name: "delete_*", action: block}}'
        )
    rules = []
    for i, spec in enumerate(raw):
        where = f"{source}: tools[{i}]"
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: expected a mapping with keys name, args, action")
        for key in spec:
            if key not in ("name", "args", "action"):
                raise ConfigError(f"{where}.{key}: unknown key; allowed: name, args, action")
        name = spec.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f'{where}.name: expected a tool-name glob like "delete_*"')
        action = spec.get("action")
        allowed = [a.value for a in TOOL_ACTIONS]
        if action not in allowed:
            raise ConfigError(f"{where}.action: {action!r} is not one of {', '.join(allowed)}")
        args = spec.get("args") or {}
        if not isinstance(args, dict):
            raise ConfigError(f"{where}.args: expected a mapping of dotted path to regex")
        compiled = []
        for path, pattern in args.items():
            if not isinstance(path, str) or not path or not isinstance(pattern, str):
                raise ConfigError(
                    f"{where}.args.{path}: expected a dotted argument path mapped to a regex string"
                )
            try:
                compiled.append((tuple(path.split(".")), re.compile(pattern)))
            except re.error as exc:
                raise ConfigError(f"{where}.args.{path}: not a valid regex ({exc.msg})") from None
        rules.append(ToolRule(i, name, tuple(compiled), Decision(action)))
    return tuple(rules)
