"""Incremental inspection of a response stream, one raw network chunk at a time.

The framing (from the dialect) turns chunks into events; each event's text pieces are
appended to their channel; a channel releases text only once more than `holdback`
characters are pending, and never cuts through a token or a finding, so a secret split
over many small deltas is still seen whole. Held text is flushed when its channel
closes. Tool-call arguments are held until their call completes and scanned as JSON.
A block ends the stream with the provider's own error event; the rest is swallowed.

Pure: no mitmproxy. Every window is judged by `llmwall.core.judge`, like a whole body;
the addon wraps an instance as `flow.response.stream`.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from llmwall.audit.record import FindingSummary
from llmwall.core import joins
from llmwall.core.agent_stream import StreamAgent, StreamBlocked
from llmwall.core.judge import Judgement, judge, redact
from llmwall.core.policy import Policy
from llmwall.core.pseudonyms import safe_cut
from llmwall.decision import Decision, worst
from llmwall.detectors.finding import Finding
from llmwall.errors import TruncatedStream
from llmwall.routing import jsonpath
from llmwall.routing.dialects.base import (
    ALL_CHANNELS,
    Collector,
    StreamDialect,
    StreamEvent,
    TextPiece,
)
from llmwall.routing.dialects.leftovers import collect_leftovers
from llmwall.routing.segment import Direction, Extraction, Role, Segment, Trust

Scan = Callable[[str, bool], tuple[Finding, ...]]

STEP = 32  # release in steps of at least this many characters (fewer scans)
CONTEXT = 64  # characters of already-released text kept as left context for detection
MAX_TOKEN = 256  # a token longer than this may be cut (it cannot all be held)
_SPACE = re.compile(r"\s")


__all__ = ["StreamBlocked", "StreamInspector", "StreamStats"]


@dataclass
class _Channel:
    structured: bool
    trust: Trust
    role: Role
    writable: bool = True
    pending: str = ""
    context: str = ""
    released: list[str] = field(default_factory=list)
    template: StreamEvent | None = None
    piece: TextPiece | None = None
    closed: bool = False
    key: Hashable = None


@dataclass
class StreamStats:
    """What the audit record of a streamed response needs: no content."""

    action: Decision = Decision.ALLOW
    rules: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    events: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    usage: dict[str, Any] | None = None
    upstream_error: bool = False
    truncated: bool = False
    completed: bool = False
    agent: dict[str, Any] = field(default_factory=dict)  # tool decisions, restorations

    def findings(self) -> tuple[FindingSummary, ...]:
        return tuple(
            FindingSummary(e, self.counts[e], round(self.scores[e], 4)) for e in sorted(self.counts)
        )

    def fire(self, rule: str, action: Decision) -> None:
        if rule not in self.rules:
            self.rules.append(rule)
        if action is not Decision.ALLOW:
            self.action = worst(self.action, action)


_CLEAN_MEMO = 256  # at most this many clean leftover strings are remembered per stream


class StreamInspector:
    def __init__(
        self,
        dialect: StreamDialect,
        scan: Scan,
        policy: Policy,
        *,
        holdback: int = 64,
        block_message: Callable[[str], str] = lambda rule: f"blocked by llmwall policy ({rule})",
        agent: Callable[[StreamStats], StreamAgent] | None = None,
    ) -> None:
        self.dialect = dialect
        self.framing = dialect.framing()
        self.scan = scan
        self.policy = policy
        self.holdback = holdback
        self.block_message = block_message
        self.channels: dict[Hashable, _Channel] = {}
        self.stats = StreamStats()
        # leftover and side strings of this stream in which nothing was found (the
        # `object`, `system_fingerprint` of every chunk, SSE event names): not judged again
        self._clean_leftovers: set[str] = set()
        self.done = False
        # tool calls, placeholders, prompt leaks (llmwall.core.agent_stream)
        self.agent = agent(self.stats) if agent is not None else None

    # -- the mitmproxy stream callable -------------------------------------------------

    def __call__(self, chunk: bytes) -> bytes:
        if self.done:
            return b""
        self.stats.bytes_in += len(chunk)
        out: list[bytes] = []
        try:
            if chunk:
                events = self.framing.feed(chunk)
            else:
                try:
                    events = self.framing.finish()
                except TruncatedStream:
                    events = []
                    self.stats.truncated = True
            for event in events:
                out.extend(self._event(event))
            if not chunk:
                if self.agent is not None:
                    self.agent.finish()
                out.extend(self._flush_all())
                if not self.stats.completed and not self.done:
                    self.stats.truncated = True
                    out.append(
                        self._end("upstream stream ended before completion", "upstream_truncated")
                    )
        except StreamBlocked as blocked:
            message = blocked.message or self.block_message(blocked.rule)
            out.append(self._end(message, blocked.code))
        data = b"".join(out)
        self.stats.bytes_out += len(data)
        return data

    def _end(self, message: str, code: str) -> bytes:
        self.done = True
        return self.dialect.error_event(message, code)

    # -- events ------------------------------------------------------------------------

    def _event(self, event: StreamEvent) -> list[bytes]:
        self.stats.events += 1
        if event.meta.get("undecodable"):
            if self.policy.unknown_content is not Decision.ALLOW:
                self.stats.fire("block:unknown_content", Decision.BLOCK)
                raise StreamBlocked("unknown_content")
            return [event.raw]
        if self.agent is not None:
            self.agent.observe(event)
        if self.dialect.is_error(event):
            self.stats.upstream_error = True
        if self.dialect.is_terminal(event):
            self.stats.completed = True
        usage = self.dialect.usage(event)
        if usage is not None:
            self.stats.usage = usage
        closing = self.dialect.closes(event)
        before: list[bytes] = []
        modified = False
        pieces = self.dialect.pieces(event)
        touched = set()
        changed: dict[Any, str] = {}
        emptied = 0
        for piece in pieces:
            ch = self._channel(piece)
            touched.add(piece.channel)
            if piece.full:
                # a repeated whole copy: first send what the channel still holds as a
                # delta (clients that render deltas must not lose it), then the copy
                held = self._release(ch, final=True)
                if held and ch.template is not None and ch.piece is not None:
                    before.append(
                        self.framing.encode(self.dialect.synthetic(ch.template, ch.piece, held))
                    )
                new = "".join(ch.released)
            else:
                ch.template, ch.piece = event, piece
                ch.pending += piece.text
                if self.agent is not None:
                    self.agent.feed(piece.channel, ch.role, ch.trust, ch.structured, piece.text)
                new = self._release(ch, final=self._closing(piece.channel, closing))
            if new != piece.text:
                event.data = jsonpath.set_many(event.data, {piece.path: new})
                changed[piece.path] = new
                modified = True
            if not new:
                emptied += 1
        mirrors = self.dialect.derived(event.data, changed) if changed else {}
        if mirrors:
            event.data = jsonpath.set_many(event.data, mirrors)
        for key, ch in self.channels.items():
            if key in touched or ch.closed or not self._closing(key, closing):
                continue
            text = self._release(ch, final=True)
            if text and ch.template is not None and ch.piece is not None:
                synthetic = self.dialect.synthetic(ch.template, ch.piece, text)
                before.append(self.framing.encode(synthetic))
        if self.agent is not None:
            self.agent.closing(lambda key: self._closing(key, closing))
        embedded = self.dialect.embedded(event)
        for path, extractor in embedded:
            if self._redact_embedded(event, path, extractor):
                modified = True
        covered = [p.path for p in pieces] + [path for path, _ in embedded]
        if self._redact_leftovers(event, covered):
            modified = True
        if self._redact_side(event):
            modified = True
        for key in touched:
            if self._closing(key, closing):
                self.channels[key].closed = True
        if pieces and emptied == len(pieces) and modified and self.dialect.droppable(event):
            return before
        return [*before, self.framing.encode(event) if modified else event.raw]

    def _flush_all(self) -> list[bytes]:
        out = []
        for ch in self.channels.values():
            if ch.closed:
                continue
            text = self._release(ch, final=True)
            ch.closed = True
            if text and ch.template is not None and ch.piece is not None:
                out.append(self.framing.encode(self.dialect.synthetic(ch.template, ch.piece, text)))
        return out

    @staticmethod
    def _closing(key: Hashable, closing: Any) -> bool:
        if closing is ALL_CHANNELS:
            return True
        if not isinstance(closing, Iterable):
            return False
        groups = list(closing)
        return key in groups or (isinstance(key, tuple) and bool(key) and key[0] in groups)

    def _channel(self, piece: TextPiece) -> _Channel:
        ch = self.channels.get(piece.channel)
        if ch is None:
            ch = _Channel(piece.structured, piece.trust, piece.role, piece.writable)
            ch.key = piece.channel
            self.channels[piece.channel] = ch
        return ch

    # -- detection ---------------------------------------------------------------------

    def _release(self, ch: _Channel, *, final: bool) -> str:
        if ch.structured:
            if not final or not ch.pending:
                return ""
            if self.agent is not None:  # decided on what the model wrote, before redaction
                self.agent.arguments(ch.key, ch.pending)
            text, ch.pending = self._structured(ch), ""
            ch.released.append(text)
            return text
        if not ch.pending or (not final and len(ch.pending) < self.holdback + STEP):
            return ""
        if self.agent is not None and self.agent.holds(ch.key, final):
            return ""
        off = len(ch.context)
        whole = ch.context + ch.pending
        redactions = self._judge(ch, whole, off)
        cut = len(ch.pending)
        if not final:
            cut -= self.holdback
            space = max((m.start() for m in _SPACE.finditer(ch.pending, 0, cut)), default=-1)
            if space >= 0 and cut - space <= MAX_TOKEN:
                cut = space + 1
            for f in redactions:
                if f.start - off < cut < f.end - off:
                    cut = max(0, f.start - off)
            if self.agent is not None and self.agent.restoring:
                cut = safe_cut(ch.pending, cut)
        raw = ch.pending[:cut]
        spans = [
            Finding(f.entity, max(0, f.start - off), f.end - off, f.score, f.detector, f.rule)
            for f in redactions
            if f.end - off > 0 and f.end - off <= cut
        ]
        text = redact(raw, spans) if spans else raw
        ch.pending = ch.pending[cut:]
        ch.context = (ch.context + raw)[-CONTEXT:]
        if self.agent is not None:
            text = self.agent.released(text)
        ch.released.append(text)
        return text

    def _judge(self, ch: _Channel, text: str, off: int) -> list[Finding]:
        """Findings to redact in `text` (those ending after `off`, the left context
        already released); raises StreamBlocked on a block."""
        fresh = [f for f in self.scan(text, ch.trust is Trust.EXTERNAL) if f.end > off]
        window = Extraction((Segment(text, ch.role, ch.trust, (), ch.writable),))
        judged = judge(window, [fresh], self.policy, Direction.RESPONSE)
        self._count(judged)
        if judged.decision is Decision.BLOCK:
            raise StreamBlocked(judged.block_rule)
        return list(judged.redactions.get(0, ()))

    def account(self, judged: Judgement) -> None:
        """Count a judgement made outside the stream (its headers) in its record."""
        self._count(judged)

    def _count(self, judged: Judgement) -> None:
        for f in judged.findings:
            self.stats.counts[f.entity] += f.count
            self.stats.scores[f.entity] = max(self.stats.scores[f.entity], f.max_score)
        for rule in judged.rules:
            self.stats.fire(rule, judged.decision)

    def _structured(self, ch: _Channel) -> str:
        c = Collector()
        c.json_string(ch.pending, (), ch.role, ch.trust)
        return self._apply(c.build(), ch.pending)

    def _redact_embedded(self, event: StreamEvent, path: Any, extractor: Any) -> bool:
        try:
            node = jsonpath.get(event.data, path)
        except LookupError:
            return False
        # _apply writes into its argument: work on a copy so a change is visible.
        new = self._apply(extractor(node), node, copy_first=True)
        if new is node or new == node:
            return False
        event.data = jsonpath.set_many(event.data, {path: new}) if path else new
        return True

    def _redact_leftovers(self, event: StreamEvent, covered: list[Any]) -> bool:
        """The strings of this event the dialect does not read (an unknown field, a new
        delta key), judged within this event (`routing.dialects.leftovers`)."""
        keys = self.dialect.non_text_keys
        if keys is None or event.data is None:
            return False
        c = Collector()
        collect_leftovers(c, event.data, covered, keys)
        extraction = c.build()
        if not (extraction.segments or extraction.unknown or extraction.binary):
            return False
        seen = self._clean_leftovers
        if not (extraction.unknown or extraction.binary or extraction.joins) and all(
            seg.text in seen for seg in extraction.segments
        ):
            return False  # the same strings as an earlier event's, in which nothing was found
        new = self._apply(extraction, event.data, self.dialect.derived, copy_first=True, clean=seen)
        if new is event.data or new == event.data:
            return False
        event.data = new
        return True

    def _redact_side(self, event: StreamEvent) -> bool:
        """The framing's text outside the payload (SSE comments, event names, ids),
        judged like model text within this event: kept when the policy lets it pass,
        else redacted (or the stream blocked)."""
        texts = self.framing.side_texts(event)
        if not texts:
            return False
        keys = list(texts)
        values = [texts[k] for k in keys]
        if all(v in self._clean_leftovers for v in values):
            return False  # event names and ids seen clean before (`content_block_delta`)
        segments = tuple(
            Segment(v, Role.ASSISTANT, Trust.MODEL, (i,)) for i, v in enumerate(values)
        )
        new = self._apply(Extraction(segments), list(values), clean=self._clean_leftovers)
        changed = {k: new[i] for i, k in enumerate(keys) if new[i] != values[i]}
        if not changed:
            return False
        self.framing.rewrite_side(event, changed)
        return True

    def _apply(
        self,
        extraction: Extraction,
        node: Any,
        derived: Callable[[Any, Mapping[Any, str]], Mapping[Any, Any]] | None = None,
        *,
        copy_first: bool = False,
        clean: set[str] | None = None,
    ) -> Any:
        """`node` with the rewrites of `extraction`'s judgement written in (a deep copy
        of it when `copy_first`, made only if there is something to write: most events
        have nothing, and the copy was most of their cost)."""
        # a text in parts (logprobs tokens) is scanned whole too (llmwall.core.joins)
        view = joins.view(extraction)
        found = [self.scan(s.text, s.trust is Trust.EXTERNAL) for s in view.segments]
        # (not with an agent: a clean string may still hold a placeholder to restore)
        if (
            clean is not None
            and self.agent is None
            and len(clean) < _CLEAN_MEMO
            and (view is extraction)
        ):
            clean.update(seg.text for seg, f in zip(view.segments, found, strict=True) if not f)
        if not any(found) and not (extraction.unknown or extraction.binary) and self.agent is None:
            return node  # nothing found, nothing to restore: no judgement to make
        judged = judge(extraction, joins.fold(extraction, found), self.policy, Direction.RESPONSE)
        self._count(judged)
        if judged.decision is Decision.BLOCK:
            raise StreamBlocked(judged.block_rule)
        rewrites = judged.rewrites
        if self.agent is not None:
            rewrites = self.agent.restore_rewrites(extraction, rewrites)
        if rewrites:
            if copy_first:
                node = copy.deepcopy(node)
            node = jsonpath.set_many(node, rewrites)
            mirrored = derived(node, rewrites) if derived is not None else {}
            if mirrored:
                node = jsonpath.set_many(node, mirrored)
        return node
