"""Compliance presets: policy packs shipped in `core/presets/*.yaml`.

A policy selects them with `preset: [hipaa, pci-dss]` (also inside `per_provider`
entries and per-identity policies). Presets combine: for an entity named by several,
the strongest action wins (block > redact > allow) and the lowest `min_scores`; the
policy's own keys then win over every preset (so `actions: {PERSON: allow}` with
`preset: [gdpr]` keeps names). Each file says what it covers and what it does not.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from llmwall.decision import Decision, worst
from llmwall.errors import ConfigError

_MERGED = ("actions", "min_scores")


def names() -> tuple[str, ...]:
    folder = resources.files("llmwall.core") / "presets"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def load(name: str) -> dict[str, Any]:
    path = resources.files("llmwall.core") / "presets" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), name
    return data


def description(name: str) -> str:
    return str(load(name).get("description", ""))


def selected(raw: Any, source: str, where: str = "preset") -> list[str]:
    """The preset names a `preset:` value selects (a name or a list of names)."""
    if raw is None:
        return []
    chosen = [raw] if isinstance(raw, str) else raw
    known = names()
    if not isinstance(chosen, list) or not all(isinstance(n, str) for n in chosen):
        raise ConfigError(f"{source}: {where}: expected a preset name or a list of them")
    for name in chosen:
        if name not in known:
            raise ConfigError(
                f"{source}: {where}: unknown preset {name!r}; use one of: {', '.join(known)}"
            )
    return chosen


def combined(chosen: list[str]) -> dict[str, Any]:
    """The presets merged into one partial policy mapping (actions, responses.actions,
    min_scores)."""
    out: dict[str, Any] = {"actions": {}, "responses": {"actions": {}}, "min_scores": {}}
    for name in chosen:
        pack = load(name)
        _strongest(out["actions"], pack.get("actions") or {})
        _strongest(out["responses"]["actions"], (pack.get("responses") or {}).get("actions") or {})
        for entity, score in (pack.get("min_scores") or {}).items():
            out["min_scores"][entity] = min(score, out["min_scores"].get(entity, score))
    return out


def _strongest(into: dict[str, str], actions: dict[str, str]) -> None:
    for key, action in actions.items():
        into[key] = worst(Decision(into[key]), Decision(action)).value if key in into else action
