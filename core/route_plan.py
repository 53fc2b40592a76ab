"""Where a request may go besides its provider: the plan for a route (pure, no I/O).

A plan lists the attempts in order; the adapter (`llmwall.addon.fallback`) carries it out.

    fallback route (config `routes[].match`): the primary first, then each fallback
    policy route (policy `reroute:`): the fallbacks only, never the primary
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llmwall.routing.routes import Route, RouteTable, Target
from llmwall.routing.translate import Translator, movable, translator


@dataclass(frozen=True)
class Attempt:
    """One fallback target, with the translation from the client's dialect."""

    target: Target
    translator: Translator | None  # None: this target cannot express the client's dialect
    model: str | None

    @property
    def provider(self) -> str:
        return self.target.provider.name


@dataclass(frozen=True)
class RoutePlan:
    route: Route
    fallbacks: tuple[Attempt, ...]
    trigger: str | None = None  # "policy:<entity>" for a policy route

    @property
    def primary(self) -> bool:
        """Is the client's own provider tried first (a fallback route)?"""
        return self.trigger is None


def fallbacks(route: Route, dialect: str, model: str | None) -> tuple[Attempt, ...]:
    return tuple(
        Attempt(t, translator(dialect, t.dialect), t.model or model) for t in route.fallbacks
    )


def unmovable_reason(route: Route, dialect: str, body: Any) -> str | None:
    """Why a request cannot take `route` (content-free), or None."""
    reason = movable(dialect, body)
    if reason is None and not any(translator(dialect, t.dialect) for t in route.fallbacks):
        reason = "untranslatable"
    return reason


def fallback_plan(
    routes: RouteTable,
    provider: str,
    host: str,
    path: str,
    model: str | None,
    dialect: str,
    body: Any,
) -> RoutePlan | tuple[str, str] | None:
    """The fallback route that covers this request: a plan, (route, reason) when the
    route matches but the request cannot move, or None when no route covers it."""
    route = routes.match(provider, host, path, model)
    if route is None:
        return None
    reason = unmovable_reason(route, dialect, body)
    if reason is not None:
        return route.name, reason
    return RoutePlan(route, fallbacks(route, dialect, model))
