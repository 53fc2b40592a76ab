"""Agent runtime control: what the Inspector adds to a request's and an answer's
decision when the policy governs tools, pseudonymizes values or watches for prompt
leaks. Pure decisions; the only state is the pseudonym vault (memory) and the tool
pins (`core/pins.py`).

    review_request    taint (the injection score of the request's untrusted text), tool
                      pinning, the prompt's shingles -> AgentContext, kept in the
                      request's Verdict; the adapter hands it to the answer's inspection
    review_response   restore placeholders, decide every tool call the answer asks for
                      (policy.tools, taint), prompt leak -> a revised Judgement
    stream            the same for a stream (llmwall.core.agent_stream.StreamAgent)

A policy with none of these features costs one attribute check per body.
"""

from __future__ import annotations

import copy
import pathlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from llmwall.audit.record import FindingSummary
from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement, Pseudonymizer
from llmwall.core.pins import CHANGED, PinStore, definition_digest
from llmwall.core.policy import Policy
from llmwall.core.prompt_leak import PromptPrint, leaks
from llmwall.core.pseudonyms import Pseudonyms, PseudonymVault, identity
from llmwall.core.taint import TaintLedger
from llmwall.core.tool_policy import ToolDecision
from llmwall.decision import Decision, worst
from llmwall.detectors.entities import PROMPT_INJECTION
from llmwall.detectors.finding import Finding
from llmwall.routing import jsonpath
from llmwall.routing.segment import Extraction, Path, Role, Trust
from llmwall.routing.tool_calls import definitions, response_calls

LEAK = "SYSTEM_PROMPT_LEAK"
TOOL_BLOCKED = "llmwall_tool_blocked"
_MODE_DECISION = {"warn": Decision.ALLOW, "block": Decision.BLOCK, "shadow": Decision.SHADOW}


@dataclass(frozen=True)
class AgentContext:
    """What a request leaves for its answer."""

    identity: str
    scope: str  # the pseudonym scope
    taint: float = 0.0  # highest injection score of the request's untrusted text
    prompt: PromptPrint | None = None  # the system prompt's shingles (prompt_leak on)


@dataclass(frozen=True)
class ResponseReview:
    judged: Judgement
    rewrites: Mapping[Path, str]  # the judged rewrites plus the restored placeholders
    tools: tuple[ToolDecision, ...] = ()
    restored: int = 0
    blocked_tool: ToolDecision | None = None

    @property
    def extra(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.tools:
            out["tools"] = [t.summary for t in self.tools]
        if self.restored:
            out["restored"] = self.restored
        return out

    @property
    def message(self) -> str:
        if self.blocked_tool is not None:
            return (
                f"llmwall blocked the tool call {self.blocked_tool.name!r}: "
                f"policy rule {self.blocked_tool.rule}"
            )
        return f"llmwall blocked this response: {self.judged.reason}"


class Agent:
    """The agent features of one proxy: the vault, the pins and the taint ledger are
    shared by every flow."""

    def __init__(
        self,
        vault: PseudonymVault | None = None,
        pins: PinStore | None = None,
        ledger: TaintLedger | None = None,
        home: pathlib.Path | None = None,
    ) -> None:
        self.vault = vault or PseudonymVault()
        self.ledger = ledger or TaintLedger()
        self.home = home  # where the pins live when none are given
        self._pins = pins
        self._lock = threading.Lock()
        self._known: dict[int, tuple[Policy, bool, bool]] = {}

    @property
    def pins(self) -> PinStore | None:
        """The pin store, opened on first use (None: no home, no pinning)."""
        if self._pins is None and self.home is not None:
            with self._lock:
                if self._pins is None:
                    self._pins = PinStore.at_home(self.home)
        return self._pins

    def wanted(self, policy: Policy) -> bool:
        """Does this policy use any agent feature?"""
        return self._features(policy)[0]

    def _features(self, policy: Policy) -> tuple[bool, bool]:
        """(any agent feature, pseudonymizes), worked out once per policy object: the
        chat path without them pays a dictionary look-up."""
        known = self._known.get(id(policy))
        if known is not None and known[0] is policy:
            return known[1], known[2]
        t = policy.tools
        pseudo = Decision.PSEUDONYMIZE in policy.actions.values()
        wanted = (
            pseudo
            or t.active
            or t.tool_pinning != "off"
            or t.prompt_leak != "off"
            or t.taint_score is not None
        )
        if len(self._known) > 256:  # policies come and go with reloads
            self._known.clear()
        self._known[id(policy)] = (policy, wanted, pseudo)
        return wanted, pseudo

    # -- requests ----------------------------------------------------------------------

    def pseudonymizer(self, exchange: Exchange, policy: Policy) -> Pseudonymizer | None:
        if not self._features(policy)[1]:
            return None
        return self.vault.scope(_scope(exchange)).placeholder

    def review_request(
        self,
        exchange: Exchange,
        dialect: str | None,
        body: Any,
        extraction: Extraction,
        scans: Any,
        policy: Policy,
        judged: Judgement,
    ) -> tuple[Judgement, AgentContext | None, dict[str, Any]]:
        """The request's Judgement with pinning findings added, its AgentContext (None
        when the policy uses no agent feature), and what the record's `extra.agent`
        says (counts and tool names only)."""
        if not self.wanted(policy):
            return judged, None, {}
        t = policy.tools
        who = identity(exchange.user, exchange.client)
        extra: dict[str, Any] = {}
        taint = max(self.ledger.score(who), untrusted_injection(extraction, scans))
        if taint:
            extra["taint"] = round(taint, 4)
        prompt = None
        if t.prompt_leak != "off":
            prompt = PromptPrint.of(
                [
                    s.text
                    for s in extraction.segments
                    if s.role is Role.SYSTEM and s.trust is Trust.SYSTEM
                ]
            )
        if t.tool_pinning != "off" and self.pins is not None:
            judged, pins = self._pin(who, exchange.provider, dialect, body, t.tool_pinning, judged)
            if pins:
                extra["pins"] = pins
        pseudonymized = sum(1 for r in judged.rules if r.startswith("pseudonymize:"))
        if pseudonymized:
            extra["pseudonymized"] = sum(
                f.count for f in judged.findings if f"pseudonymize:{f.entity}" in judged.rules
            )
        context = AgentContext(who, _scope(exchange), taint, prompt)
        return judged, context, extra

    def _pin(
        self,
        who: str,
        provider: str,
        dialect: str | None,
        body: Any,
        mode: str,
        judged: Judgement,
    ) -> tuple[Judgement, dict[str, Any]]:
        assert self.pins is not None
        new, changed = 0, []
        for tool in definitions(dialect, body):
            digest = definition_digest(tool.name, tool.description, tool.schema)
            state = self.pins.check(who, provider, tool.name, digest)
            new += state == "new"
            if state == "changed":
                changed.append(tool.name)
        summary: dict[str, Any] = {}
        if new:
            summary["new"] = new
        if not changed:
            return judged, summary
        summary["changed"] = changed
        rules = tuple(f"{mode}:{CHANGED}:{name}" for name in changed)
        return add(judged, rules, _MODE_DECISION[mode], (CHANGED, len(changed), 1.0)), summary

    # -- answers -----------------------------------------------------------------------

    def scope_of(self, context: AgentContext | None) -> Pseudonyms | None:
        if context is None:
            return None
        return self.vault.existing(context.scope)

    def review_response(
        self,
        dialect: str | None,
        body: Any,
        extraction: Extraction,
        judged: Judgement,
        policy: Policy,
        context: AgentContext | None,
    ) -> ResponseReview | None:
        """Restore placeholders, decide the tool calls, look for a prompt leak. The
        returned rewrites are the judged ones with the placeholders restored. None:
        nothing to do for this answer."""
        if context is None:
            return None
        t = policy.tools
        rewrites = dict(judged.rewrites)
        restores: dict[Path, str] = {}  # the answer as the model meant it
        restored = 0
        scope = self.scope_of(context)
        if scope is not None and len(scope):
            for seg in extraction.segments:
                new, n = scope.restore(seg.text)
                if n:
                    restores[seg.path] = new
                    new, n = scope.restore(rewrites.get(seg.path, seg.text))
                    rewrites[seg.path] = new
                    restored += n
        if context.prompt is not None and t.prompt_leak != "off":
            answer = " ".join(s.text for s in extraction.segments if s.trust is Trust.MODEL)
            if leaks(context.prompt, answer):
                rule = f"{t.prompt_leak}:{LEAK}"
                judged = add(judged, (rule,), _MODE_DECISION[t.prompt_leak], (LEAK, 1, 1.0))
        decisions: list[ToolDecision] = []
        blocked = None
        if t.active and judged.decision is not Decision.BLOCK:
            # decided on the arguments the model wrote (placeholders restored), not
            # on their redacted copy
            view = jsonpath.set_many(copy.deepcopy(body), restores) if restores else body
            for call in response_calls(dialect, view):
                d = t.decide(call.name, call.arguments, context.taint)
                if d.rule is None:
                    continue
                decisions.append(d)
                judged = add(judged, (tool_rule(d),), d.action)
                if d.action is Decision.BLOCK and blocked is None:
                    blocked = d
        if not (restored or decisions or judged.rules != ()):
            return None
        return ResponseReview(judged, rewrites, tuple(decisions), restored, blocked)


def tool_rule(d: ToolDecision) -> str:
    return f"{d.action.value}:tool:{d.name}:{d.rule}"


def add(
    judged: Judgement,
    rules: tuple[str, ...],
    action: Decision,
    finding: tuple[str, int, float] | None = None,
) -> Judgement:
    """`judged` with more rules (and one more finding type) that ask for `action`."""
    findings = judged.findings
    if finding is not None:
        findings = (*findings, FindingSummary(*finding))
    decision = worst(judged.decision, action) if action is not Decision.ALLOW else judged.decision
    if decision is Decision.BLOCK:
        return Judgement(decision, (*judged.rules, *rules), findings)
    return replace(judged, decision=decision, rules=(*judged.rules, *rules), findings=findings)


def untrusted_injection(extraction: Extraction, scans: Any) -> float:
    """The highest prompt-injection score among the request's untrusted segments (tool
    results, documents, MCP results: Trust.EXTERNAL)."""
    best = 0.0
    for segment, findings in zip(extraction.segments, scans, strict=False):
        if segment.trust is not Trust.EXTERNAL:
            continue
        for f in findings:
            if isinstance(f, Finding) and f.entity == PROMPT_INJECTION:
                best = max(best, f.score)
    return best


def _scope(exchange: Exchange) -> str:
    return f"{identity(exchange.user, exchange.client)}|{exchange.provider}"


__all__ = ["TOOL_BLOCKED", "Agent", "AgentContext", "ResponseReview"]
