"""The agent features inside one response stream: the StreamInspector's hooks.

    observe(event)          a tool call starts on a channel, or arrives whole: decided
    feed(key, ...)          answer text arrives: the prompt-leak watch reads it
    holds(key, final)       keep this channel's text back (a tool call's arguments, a
                            run of system-prompt words in progress)
    arguments(key, text)    a call's arguments are complete (restored): decided
    released(text)          text about to go out: placeholders restored
    restore_rewrites(...)   the same for whole objects (Responses' `*.done` copies, ...)
    closing(is_closing)     calls whose channel closes without arguments: decided
    finish()                the stream ended: whatever is undecided is decided

A block raises StreamBlocked before a byte of the blocked call's arguments left: they
are held until complete, and the inspector ends the stream with the dialect's error
event, code `llmwall_tool_blocked`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from llmwall.core.agent import LEAK, TOOL_BLOCKED, AgentContext, tool_rule
from llmwall.core.prompt_leak import LeakWatch
from llmwall.core.pseudonyms import Pseudonyms
from llmwall.core.tool_policy import ToolDecision, ToolPolicy
from llmwall.decision import Decision
from llmwall.routing.segment import Extraction, Path, Role, Trust
from llmwall.routing.tool_calls import fragments_to_arguments, parse_arguments, read_event


class StreamBlocked(Exception):
    """End the stream with the dialect's error event (see StreamInspector)."""

    def __init__(self, rule: str, code: str = "llmwall_policy_block", message: str = "") -> None:
        super().__init__(rule)
        self.rule = rule
        self.code = code
        self.message = message


class StreamAgent:
    def __init__(
        self,
        dialect: str,
        policy: ToolPolicy,
        context: AgentContext,
        pseudonyms: Pseudonyms | None,
        stats: Any,  # the inspector's StreamStats
    ) -> None:
        self.dialect = dialect
        self.policy = policy
        self.context = context
        self.pseudonyms = pseudonyms if pseudonyms is not None and len(pseudonyms) else None
        self.stats = stats
        self.tools = policy.active
        self.calls: dict[Hashable, str] = {}  # channel key -> tool name, undecided
        self.fragments: dict[Hashable, list[tuple[str, str]]] = {}
        self.decided: list[ToolDecision] = []
        self.restored = 0
        self.leak_mode = policy.prompt_leak if context.prompt is not None else "off"
        self.watches: dict[Hashable, LeakWatch] = {}

    @property
    def restoring(self) -> bool:
        return self.pseudonyms is not None

    # -- tool calls ----------------------------------------------------------------------

    def observe(self, event: Any) -> None:
        if not self.tools:
            return
        seen = read_event(self.dialect, event)
        for key, name in seen.started:
            self.calls.setdefault(key, name)
        for key, path, value in seen.fragments:
            self.fragments.setdefault(key, []).append((path, value))
        for call in seen.whole:
            self._decide(call.name, self._restored(call.arguments))
        for key, call in seen.finished:
            if self.calls.pop(key, None) is not None:  # no argument deltas came
                self._decide(call.name, self._restored(call.arguments))

    def arguments(self, key: Hashable, text: str) -> None:
        """A held argument channel is complete (`text` as the model wrote it). Raises
        StreamBlocked when the call is blocked."""
        name = self._name(key)
        if name is not None:
            self._decide(name, self._restored(parse_arguments(text)))

    def closing(self, is_closing: Callable[[Hashable], bool]) -> None:
        for key in [k for k in self.calls if is_closing(k)]:
            self._close(key)

    def finish(self) -> None:
        for key in list(self.calls):
            self._close(key)
        for key, watch in self.watches.items():
            if watch.finish():
                self._leak(key)

    def _close(self, key: Hashable) -> None:
        name = self.calls.pop(key, None)
        if name is None:
            return
        pieces = self.fragments.pop(key, None)
        args = fragments_to_arguments(pieces) if pieces else {}
        self._decide(name, self._restored(args))

    def _name(self, key: Hashable) -> str | None:
        if key in self.calls:
            return self.calls.pop(key)
        if isinstance(key, tuple):  # Gemini: (candidate, "args", json path)
            for started in list(self.calls):
                if isinstance(started, tuple) and key[: len(started)] == started:
                    return None  # decided on close, from the assembled fragments
        return None

    def _decide(self, name: str, arguments: Any) -> None:
        d = self.policy.decide(name, arguments, self.context.taint)
        if d.rule is None:
            return
        self.decided.append(d)
        self.stats.fire(tool_rule(d), d.action)
        self._note()
        if d.action is Decision.BLOCK:
            raise StreamBlocked(
                tool_rule(d),
                TOOL_BLOCKED,
                f"llmwall blocked the tool call {name!r}: policy rule {d.rule}",
            )

    def _restored(self, arguments: Any) -> Any:
        if self.pseudonyms is None:
            return arguments
        if isinstance(arguments, str):
            return self.pseudonyms.restore(arguments)[0]
        if isinstance(arguments, dict):
            return {k: self._restored(v) for k, v in arguments.items()}
        if isinstance(arguments, list):
            return [self._restored(v) for v in arguments]
        return arguments

    # -- held text -----------------------------------------------------------------------

    def holds(self, key: Hashable, final: bool) -> bool:
        """Keep this channel's pending text back? At the final release, the leak watch
        reads the channel's last word first (raising StreamBlocked on a leak)."""
        watch = self.watches.get(key)
        if final:
            if watch is not None and watch.finish():
                self._leak(key)
            return False
        if self.tools and (key in self.calls or self._tool_text(key)):
            return True
        return watch is not None and watch.holding

    def _tool_text(self, key: Hashable) -> bool:
        return isinstance(key, tuple) and any(
            isinstance(k, tuple) and key[: len(k)] == k for k in self.calls
        )

    def feed(self, key: Hashable, role: Role, trust: Trust, structured: bool, text: str) -> None:
        if self.leak_mode == "off" or structured or trust is not Trust.MODEL:
            return
        watch = self.watches.get(key)
        if watch is None:
            assert self.context.prompt is not None
            watch = self.watches[key] = LeakWatch(self.context.prompt)
        if not watch.leaked and watch.feed(text):
            self._leak(key)

    def _leak(self, key: Hashable) -> None:
        rule = f"{self.leak_mode}:{LEAK}"
        if rule in self.stats.rules:
            return
        action = {"warn": Decision.ALLOW, "block": Decision.BLOCK, "shadow": Decision.SHADOW}
        self.stats.counts[LEAK] += 1
        self.stats.scores[LEAK] = 1.0
        self.stats.fire(rule, action[self.leak_mode])
        if self.leak_mode == "block":
            raise StreamBlocked(rule)

    # -- placeholders --------------------------------------------------------------------

    def released(self, text: str) -> str:
        if self.pseudonyms is None or not text:
            return text
        new, n = self.pseudonyms.restore(text)
        if n:
            self.restored += n
            self._note()
        return new

    def restore_rewrites(
        self, extraction: Extraction, rewrites: Mapping[Path, str]
    ) -> Mapping[Path, str]:
        if self.pseudonyms is None:
            return rewrites
        out = dict(rewrites)
        for seg in extraction.segments:
            new, n = self.pseudonyms.restore(out.get(seg.path, seg.text))
            if n:
                out[seg.path] = new
                self.restored += n
        if len(out) != len(rewrites) or out != rewrites:
            self._note()
        return out

    def _note(self) -> None:
        """What the stream's record says (tool names, rules, counts: no content)."""
        agent: dict[str, Any] = {}
        if self.decided:
            agent["tools"] = [d.summary for d in self.decided]
        if self.restored:
            agent["restored"] = self.restored
        self.stats.agent = agent
