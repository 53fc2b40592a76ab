"""What llmwall keeps about one flow: one typed object under `flow.metadata[KEY]`."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from llmwall.audit.record import AuditRecord
from llmwall.core.agent import AgentContext
from llmwall.core.exchange import Exchange
from llmwall.core.route_plan import RoutePlan
from llmwall.core.stream_inspector import StreamInspector
from llmwall.routing.dialects.base import Dialect
from llmwall.routing.routes import Route

KEY = "llmwall"


@dataclass
class RouteRun:
    """What the fallback executor did with a plan (llmwall.addon.fallback)."""

    trigger: str | None = None  # the first failure (or the policy entity) that moved it
    attempts: list[dict[str, Any]] = field(default_factory=list)
    translate: Callable[[bytes], bytes] | None = None  # a fallback's stream, translated
    final_url: str | None = None  # the fallback that answered, for the records

    def summary(self, route: str, origin: str) -> dict[str, Any]:
        return {
            "route": route,
            "from": origin,
            "trigger": self.trigger,
            "attempts": self.attempts,
            "to": next((a["provider"] for a in self.attempts if a["outcome"] == "ok"), None),
        }


@dataclass
class FlowState:
    exchange: Exchange
    dialect: Dialect | None
    model: str | None = None
    stream: bool = False  # the client asked for a streamed answer
    answered: bool = False  # llmwall answered the flow itself (a block): later hooks skip it
    fail_open: bool = False  # passed unscanned after an error (fail_mode: open)
    plan: RoutePlan | None = None
    asked_route: Route | None = None  # the client asked for it (the front door's provider/model)
    run: RouteRun | None = None
    reroute: dict[str, Any] | None = None  # `extra.reroute` of this flow's next records
    inspector: StreamInspector | None = None
    stream_unscanned: bool = False  # a stream passed through without a stream dialect
    pending: list[Future[int]] = field(default_factory=list)  # audit appends in flight
    records: list[AuditRecord] = field(default_factory=list)  # this flow's, in order
    spent: float = 0.0  # seconds llmwall itself spent on the flow (its added latency)
    reported: bool = False  # telemetry has seen the flow end
    context: AgentContext | None = None  # the request's taint, placeholders, prompt print

    @property
    def extra(self) -> dict[str, Any]:
        """The `extra` every record of this flow carries."""
        return {"reroute": self.reroute} if self.reroute is not None else {}
