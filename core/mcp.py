"""MCP over HTTP: JSON-RPC messages between an agent and an MCP server, decided like
LLM traffic. Pure: the proxy adapter (`llmwall.addon.mcp`) hands bodies and SSE chunks
in and applies what comes back.

Client -> server (a POST body: one message or a batch):
    tools/call     the tool policy (`policy.tools`, taint from earlier MCP results),
                   then its arguments scanned and redacted like a request
    prompts/get    its arguments scanned and redacted
Server -> client (a JSON answer, or SSE events: the POST's answer stream or the legacy
transport's GET stream), told apart by the result's shape:
    tools/list     tool definitions: scanned (poisoned descriptions) and pinned
    tools/call     untrusted tool output: scanned, redacted; its injection score taints
                   the agent (`core/taint.py`) for the tool calls it makes next
    resources/read, prompts/get    untrusted text: scanned, redacted
A blocked message becomes a JSON-RPC error object with the same id (code -32001,
`data.code` llmwall_tool_blocked or llmwall_policy_block); nothing of it is forwarded.
On the legacy SSE transport a request's answer travels on the session's GET stream, not
in the POST's answer: a blocked request is forwarded as a harmless unknown method
(`llmwall/blocked`, no params) and the server's answer to its id is replaced on the
stream by llmwall's error.
Every decided message has its audit record (method, tool name, rules; no content).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from llmwall.audit.record import AuditRecord
from llmwall.core.agent import TOOL_BLOCKED, add, tool_rule, untrusted_injection
from llmwall.core.exchange import Exchange
from llmwall.core.judge import Judgement, judge
from llmwall.core.pins import CHANGED, definition_digest
from llmwall.core.pseudonyms import identity
from llmwall.decision import Decision
from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import Collector, StreamEvent
from llmwall.routing.framing.sse import SSEFraming
from llmwall.routing.segment import Direction, Extraction, Role, Trust

ERROR_CODE = -32001  # JSON-RPC server error range: "blocked by policy"
NEUTRAL = "llmwall/blocked"  # the method a blocked legacy-transport request is sent as
MAX_SESSIONS = 1024
_MODES = {"warn": Decision.ALLOW, "block": Decision.BLOCK, "shadow": Decision.SHADOW}


@dataclass
class McpOutcome:
    """What to send instead of the original (None: forward unchanged), and the records."""

    content: bytes | None = None
    records: list[AuditRecord] = field(default_factory=list)
    blocked: bool = False
    answer: bytes | None = None  # a request answered by llmwall (JSON-RPC errors)


def kind_of(message: dict[str, Any]) -> str:
    """The method a message is, or answers (read from the result's shape)."""
    method = message.get("method")
    if isinstance(method, str):
        return method
    result = message.get("result")
    if isinstance(result, dict):
        for key, kind in (
            ("tools", "tools/list"),
            ("contents", "resources/read"),
            ("messages", "prompts/get"),
            ("content", "tools/call"),
            ("structuredContent", "tools/call"),
        ):
            if key in result:
                return f"{kind} result"
    return "other"


def extract(message: dict[str, Any], kind: str) -> Extraction:
    c = Collector()
    params: dict[str, Any] = _mapping(message.get("params"))
    result: dict[str, Any] = _mapping(message.get("result"))
    if kind == "tools/call":
        c.leaves(params.get("arguments"), ("params", "arguments"), Role.TOOL_CALL, Trust.MODEL)
    elif kind == "prompts/get":
        c.leaves(params.get("arguments"), ("params", "arguments"), Role.USER, Trust.USER)
    elif kind == "tools/list result":
        for i, tool in enumerate(result.get("tools") or ()):
            if isinstance(tool, dict):
                base = ("result", "tools", i)
                for key in ("title", "description"):
                    c.text(tool.get(key), (*base, key), Role.TOOL_DEFINITION, Trust.SYSTEM)
                for key in ("inputSchema", "outputSchema"):
                    c.leaves(tool.get(key), (*base, key), Role.TOOL_DEFINITION, Trust.SYSTEM)
    elif kind == "tools/call result":
        _content(c, result.get("content"), ("result", "content"), Role.TOOL_RESULT)
        c.leaves(
            result.get("structuredContent"),
            ("result", "structuredContent"),
            Role.TOOL_RESULT,
            Trust.EXTERNAL,
        )
    elif kind == "resources/read result":
        for i, item in enumerate(result.get("contents") or ()):
            if isinstance(item, dict):
                c.text(
                    item.get("text"),
                    ("result", "contents", i, "text"),
                    Role.DOCUMENT,
                    Trust.EXTERNAL,
                )
                if "blob" in item:
                    c.binary(("result", "contents", i, "blob"))
    elif kind == "prompts/get result":
        c.text(result.get("description"), ("result", "description"), Role.DOCUMENT, Trust.EXTERNAL)
        for i, msg in enumerate(result.get("messages") or ()):
            if isinstance(msg, dict):
                content = msg.get("content")
                path = ("result", "messages", i, "content")
                _content(
                    c,
                    [content] if isinstance(content, dict) else content,
                    path,
                    Role.DOCUMENT,
                    single=isinstance(content, dict),
                )
    return c.build()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _content(
    c: Collector, content: Any, path: tuple[Any, ...], role: Role, single: bool = False
) -> None:
    for i, block in enumerate(content if isinstance(content, list) else ()):
        if not isinstance(block, dict):
            continue
        p = path if single else (*path, i)
        kind = block.get("type")
        if kind == "text":
            c.text(block.get("text"), (*p, "text"), role, Trust.EXTERNAL)
        elif kind == "resource" and isinstance(block.get("resource"), dict):
            c.text(block["resource"].get("text"), (*p, "resource", "text"), role, Trust.EXTERNAL)
        elif kind in ("image", "audio"):
            c.binary(p)


class McpInspector:
    """Decides MCP messages with the proxy's Inspector (its scanner, policy, agent
    state and recorder)."""

    def __init__(self, inspector: Any) -> None:
        self.inspector = inspector
        # legacy SSE sessions: session id -> {request id: llmwall's error for it}
        self.blocked: dict[str, dict[Any, dict[str, Any]]] = {}

    # -- bodies --------------------------------------------------------------------------

    def request(
        self, exchange: Exchange, content: bytes, legacy_session: str | None = None
    ) -> McpOutcome:
        """`legacy_session`: the session id of a legacy-transport POST (its answers come
        on the session's GET stream)."""
        outcome = self._body(exchange, content, "request")
        if legacy_session is None or outcome.answer is None:
            return outcome
        errors = json.loads(outcome.answer) if outcome.answer else []
        errors = errors if isinstance(errors, list) else [errors]
        pending = self.blocked.setdefault(legacy_session, {})
        while len(self.blocked) > MAX_SESSIONS:
            self.blocked.pop(next(iter(self.blocked)))
        neutral = []
        for err in errors:
            pending[err["id"]] = err
            neutral.append({"jsonrpc": "2.0", "id": err["id"], "method": NEUTRAL})
        outcome.answer = None
        outcome.content = json.dumps(neutral[0] if len(neutral) == 1 else neutral).encode()
        return outcome

    def response(self, exchange: Exchange, content: bytes) -> McpOutcome:
        return self._body(exchange, content, "response")

    def _body(self, exchange: Exchange, content: bytes, kind: str) -> McpOutcome:
        outcome = McpOutcome()
        if not content.strip():
            return outcome
        try:
            parsed = json.loads(content)
        except (ValueError, RecursionError):
            return outcome  # not JSON-RPC: nothing llmwall reads (forwarded as is)
        batch = isinstance(parsed, list)
        messages = parsed if batch else [parsed]
        out, errors, changed = [], [], False
        for message in messages:
            if not isinstance(message, dict):
                out.append(message)
                continue
            new, record, blocked = self.message(exchange, message, kind)
            if record is not None:
                outcome.records.append(record)
            if blocked:
                outcome.blocked = True
                if kind == "request":
                    if "id" in message:
                        errors.append(new)
                    continue
            changed = changed or new is not message
            out.append(new)
        if kind == "request" and outcome.blocked:
            # nothing of a blocked batch goes on: llmwall answers its requests
            body: Any = errors if batch else (errors[0] if errors else None)
            outcome.answer = json.dumps(body).encode() if body is not None else b""
            return outcome
        if changed:
            outcome.content = json.dumps(out if batch else out[0], ensure_ascii=False).encode()
        return outcome

    # -- one message ---------------------------------------------------------------------

    def message(
        self, exchange: Exchange, message: dict[str, Any], direction: str
    ) -> tuple[dict[str, Any], AuditRecord | None, bool]:
        """(the message to send on, its record, blocked?)."""
        kind = kind_of(message)
        if kind not in ("tools/call", "prompts/get") and not kind.endswith(" result"):
            return message, None, False
        ins = self.inspector
        policy = ins.policy_for(exchange)
        agent = ins.agent
        who = identity(exchange.user, exchange.client)
        extraction = extract(message, kind)
        scans = ins.scanner.scan(extraction)
        judged = judge(extraction, scans, policy, Direction.REQUEST)
        extra: dict[str, Any] = {"method": kind}
        code, blocked_message = "llmwall_policy_block", ""
        if kind == "tools/call":
            params = message.get("params") or {}
            name = str(params.get("name") or "")
            extra["tool"] = name
            d = policy.tools.decide(name, params.get("arguments"), agent.ledger.score(who))
            if d.rule is not None:
                judged = add(judged, (tool_rule(d),), d.action)
                extra["decision"] = d.summary
                if d.action is Decision.BLOCK:
                    code = TOOL_BLOCKED
                    blocked_message = (
                        f"llmwall blocked the tool call {name!r}: policy rule {d.rule}"
                    )
        if kind == "tools/list result":
            judged = self._pin(exchange, who, message, policy.tools.tool_pinning, judged, extra)
        if kind.endswith(" result"):
            score = untrusted_injection(extraction, scans)
            if score:
                agent.ledger.taint(who, score)
                extra["taint"] = round(score, 4)
        decision = judged.decision
        record = ins.recorder.record(
            exchange,
            direction,
            decision,
            rules=judged.rules,
            findings=judged.findings,
            body=json.dumps(message, sort_keys=True).encode(),
            extra={"mcp": extra},
        )
        if decision is Decision.BLOCK:
            text = blocked_message or f"llmwall blocked this MCP message: {judged.reason}"
            return error(message.get("id"), text, code, judged.block_rule), record, True
        if judged.rewrites:
            return (
                jsonpath.set_many(json.loads(json.dumps(message)), judged.rewrites),
                record,
                False,
            )
        return message, record, False

    def _pin(
        self,
        exchange: Exchange,
        who: str,
        message: dict[str, Any],
        mode: str,
        judged: Judgement,
        extra: dict[str, Any],
    ) -> Judgement:
        tools = (message.get("result") or {}).get("tools") or []
        extra["tools"] = len(tools)
        pins = self.inspector.agent.pins if mode != "off" else None
        if pins is None:
            return judged
        changed, new = [], 0
        for tool in tools:
            if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                digest = definition_digest(
                    tool["name"], tool.get("description"), tool.get("inputSchema")
                )
                state = pins.check(who, f"mcp:{exchange.host}", tool["name"], digest)
                new += state == "new"
                if state == "changed":
                    changed.append(tool["name"])
        if new:
            extra["pins"] = {"new": new}
        if not changed:
            return judged
        extra["pins"] = {**extra.get("pins", {}), "changed": changed}
        rules = tuple(f"{mode}:{CHANGED}:{n}" for n in changed)
        return add(judged, rules, _MODES[mode], (CHANGED, len(changed), 1.0))

    # -- streams -------------------------------------------------------------------------

    def stream(
        self, exchange: Exchange, submit: Callable[[AuditRecord], None]
    ) -> Callable[[bytes], bytes]:
        """An SSE stream of JSON-RPC messages (a POST's answer, or the legacy GET
        stream): each event is a whole message, decided on its own."""
        framing = SSEFraming()
        session: list[str] = []  # the legacy session this stream carries, once known

        def on_chunk(chunk: bytes) -> bytes:
            events = framing.feed(chunk) if chunk else framing.finish()
            out = []
            for event in events:
                out.append(self._event(exchange, event, framing, submit, session))
            return b"".join(out)

        return on_chunk

    def _event(
        self,
        exchange: Exchange,
        event: StreamEvent,
        framing: SSEFraming,
        submit: Callable[[AuditRecord], None],
        session: list[str],
    ) -> bytes:
        if event.name == "endpoint" and isinstance(event.meta.get("sentinel"), str):
            found = legacy_session(str(event.meta["sentinel"]))
            if found:
                session.append(found)
        if not isinstance(event.data, dict):
            return event.raw  # comments, the legacy `endpoint` event
        pending = self.blocked.get(session[0]) if session else None
        if pending and event.data.get("id") in pending and "method" not in event.data:
            return framing.encode(replace(event, data=pending.pop(event.data["id"])))
        new, record, _ = self.message(exchange, event.data, "response")
        if record is not None:
            submit(record)
        if new is event.data:
            return event.raw
        return framing.encode(replace(event, data=new))


def legacy_session(url: str) -> str | None:
    """The session id of a legacy-transport message URL (`/messages/?session_id=...`)."""
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get("session_id")
    return values[0] if values else None


def error(message_id: Any, text: str, code: str, rule: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": message_id,
        "error": {"code": ERROR_CODE, "message": text, "data": {"code": code, "rule": rule}},
    }
