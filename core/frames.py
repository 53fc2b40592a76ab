"""The decision path for WebSocket frames: one `FrameSession` per session, one
`FrameVerdict` per frame.

    client frame   parse -> protocol.client_event (an Extraction with paths inside the
                   frame's JSON) -> scanner -> judge (direction request) -> allow | redact
                   (the frame rewritten) | block (error event to the client, then close)
    server frame   parse -> the core's StreamInspector over the protocol's server stream
                   dialect (deltas held back per channel, so a secret split over frames is
                   seen whole; whole copies redacted as objects) -> the messages to send
                   instead -> allow | redact | block (error event, then close)

A binary frame is read like a text frame whenever its bytes are text (peers decode
binary frames as JSON text): JSON goes to the protocol, other UTF-8 text is scanned
whole and redacted in place (sent back as a binary frame in its own encoding). Bytes
that are no UTF-8 are `binary_content` (audio), their lossy UTF-8 reading still scanned
(a finding blocks: such bytes cannot be rewritten faithfully). A text frame that does
not parse is `unknown_content`; base64 audio inside JSON is `binary_content` by its
protocol's reading. Every frame is counted in the session's end record; a frame gets its
own record when it carries text from the client, or when it was not simply allowed
(redacted, blocked, unscanned); findings the policy allows in server frames appear in
the end record. Records never hold content: only rule
ids, finding counts, the event's name when the protocol knows it, sizes and a keyed
digest.

Pure: no mitmproxy. The adapter (`llmwall.addon.websocket`) applies the verdicts.
"""

from __future__ import annotations

import codecs
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.core.credential_slots import ID_ENTITIES, MAY_HOLD_ID_ENTITY
from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.judge import Judgement, judge, placeholder
from llmwall.core.refusals import content_free_reason
from llmwall.core.scanner import CONVERSATION_ROLES, Scans
from llmwall.decision import Decision
from llmwall.errors import InspectionError
from llmwall.routing import jsonpath
from llmwall.routing.body import json_body
from llmwall.routing.dialects.base import StreamEvent
from llmwall.routing.realtime.base import FrameProtocol, dumps
from llmwall.routing.segment import KEY, Direction, Extraction, Path, Role, Segment, Trust

# Earlier client turns kept for the conversation scan: as many as a set-up reaches
# (detectors/conversation.py SETUP_REACH); whole, so the detector's caches recognise
# them, unless longer than TURN_CHARS (then their end, where a window joins them).
TURNS, TURN_CHARS = 6, 32_000
CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's payload is at most 125 bytes
BLOCK_CODE = "llmwall_policy_block"
FAILED_CODE = "llmwall_inspection_failed"
# kinds of the audit records of a session
SESSION, CLIENT, SERVER = "websocket", "ws_client", "ws_server"


@dataclass(frozen=True, slots=True)
class Close:
    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class FrameVerdict:
    """What the adapter does with one frame. `send` None forwards it unchanged; else
    these messages go instead, in order, in the frame's direction (empty: dropped).
    `to_client` are llmwall's own messages for the client (an error event), sent before
    `close` ends the session on both sides."""

    decision: Decision
    send: tuple[bytes, ...] | None = None
    to_client: tuple[bytes, ...] = ()
    close: Close | None = None
    record: AuditRecord | None = None


@dataclass
class _Tally:
    """What the end record of a session says: counts, no content."""

    frames: Counter[str] = field(default_factory=Counter)
    bytes: Counter[str] = field(default_factory=Counter)
    decisions: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    counts: Counter[str] = field(default_factory=Counter)
    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rules: list[str] = field(default_factory=list)

    def add(self, side: str, decision: Decision, findings: tuple[FindingSummary, ...]) -> None:
        self.decisions[side][decision.value] += 1
        for f in findings:
            self.counts[f.entity] += f.count
            self.scores[f.entity] = max(self.scores[f.entity], f.max_score)

    def rule(self, rules: tuple[str, ...]) -> None:
        self.rules.extend(r for r in rules if r not in self.rules)

    def findings(self) -> tuple[FindingSummary, ...]:
        return tuple(
            FindingSummary(e, self.counts[e], round(self.scores[e], 4)) for e in sorted(self.counts)
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """How a frame's bytes read. `kind`: "json" (`data` the parsed value), "text" (a
    binary frame whose bytes are text but not JSON: `data` the text), "binary" (bytes
    that are no text, such as audio: `data` their lossy UTF-8 reading) or "unknown" (a
    text frame that is not JSON). `codec`: the encoding a rewrite is sent in (a binary
    frame keeps its own: UTF-8 with or without a BOM, UTF-16/32 as json.loads reads
    it)."""

    kind: str
    data: Any = None
    codec: str = "utf-8"


_UNKNOWN = Reading("unknown")
# A frame that arrives after llmwall closed the session: dropped (already decided).
_DROPPED = FrameVerdict(Decision.BLOCK, ())


class FrameSession:
    """The inspection of one WebSocket session (one upgrade's Exchange)."""

    def __init__(
        self,
        inspector: Inspector,
        exchange: Exchange,
        protocol: FrameProtocol,
        *,
        holdback: int,
        model: str | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.inspector = inspector
        self.exchange = exchange
        self.protocol = protocol
        self.policy = inspector.policy_for(exchange)
        self.dialect = protocol.server_stream()
        self.stream = inspector.stream_inspector(exchange, self.dialect, holdback)
        self.model = model
        self.clock = clock
        self.tally = _Tally()
        self.closed_by_llmwall = False
        self.server_unscanned = False  # the server side failed, fail-open: passes unread
        self.fail_open_seen = False
        self._turns: list[tuple[str, bool]] = []  # earlier client turns: (text, indirect)
        self._opened = clock()

    # -- the session -------------------------------------------------------------------

    def start(self) -> AuditRecord:
        return self._record(SESSION, Decision.ALLOW, self._opened, event="start")

    def end(self, *, close_code: int | None, closed_by_client: bool | None) -> AuditRecord:
        """The session's record: its frames and decisions by side, and how it closed."""
        t = self.tally
        sides = ("client", "server")
        if self.closed_by_llmwall:
            decision = Decision.BLOCK
        elif any(t.decisions[s][Decision.REDACT.value] for s in sides):
            decision = Decision.REDACT
        elif self.fail_open_seen or self.server_unscanned:
            decision = Decision.UNSCANNED
        else:
            decision = Decision.ALLOW
        closed_by = (
            "llmwall"
            if self.closed_by_llmwall
            else {True: "client", False: "server", None: None}[closed_by_client]
        )
        held = sum(len(ch.pending) for ch in self.stream.channels.values())
        return self._record(
            SESSION,
            decision,
            self._opened,
            event="end",
            rules=tuple(t.rules),
            findings=t.findings(),
            fail_open=self.fail_open_seen,
            more={
                "frames": {s: t.frames[s] for s in sides},
                "bytes": {s: t.bytes[s] for s in sides},
                "decisions": {s: dict(t.decisions[s]) for s in sides},
                "close_code": close_code,
                "closed_by": closed_by,
                "seconds": round(self.clock() - self._opened, 3),
                "held_back_chars": held,  # server text still held when the session ended
            },
        )

    # -- client frames -----------------------------------------------------------------

    async def client(self, content: bytes, is_text: bool) -> FrameVerdict:
        started = self.clock()
        self.tally.frames["client"] += 1
        self.tally.bytes["client"] += len(content)
        if self.closed_by_llmwall:
            return _DROPPED
        reading = self._parse(content, is_text)
        data = reading.data
        if reading.kind == "json":
            extraction = self.protocol.client_event(data)
            self.model = self.protocol.model(data) or self.model
        elif reading.kind == "text":
            extraction = _plain(data, Role.USER, Trust.USER)
        else:
            extraction = _unreadable(reading, Role.USER, Trust.USER)
        scans: Scans = []
        if extraction.segments:
            turns = reading.kind != "binary"  # bytes are no conversation turn
            scans = await self.inspector.scanner.ascan(
                extraction, conversation=turns and not self._turns
            )
            if turns:
                self._across_frames(extraction, scans)
        carries_text = bool(extraction.segments) and reading.kind != "binary"
        if reading.kind == "json":
            extraction, scans = await self._with_unread(data, extraction, scans)
        judged = judge(extraction, scans, self.policy, Direction.REQUEST)
        judged = self._unmovable(_rewritable(reading, judged))
        event = _event(self.protocol, reading)
        if judged.decision is Decision.BLOCK:
            message = f"llmwall blocked this message: {judged.reason}"
            return self._close(CLIENT, judged, started, content, event, message, BLOCK_CODE)
        send = None
        if judged.decision is Decision.REDACT and judged.rewrites:
            send = (_rewritten(reading, content, judged),)
        decision = judged.decision if send is not None else Decision.ALLOW
        self.tally.add("client", decision, judged.findings)
        self.tally.rule(judged.rules)
        record: AuditRecord | None = None
        if carries_text or decision is not Decision.ALLOW or judged.findings:
            record = self._record(
                CLIENT,
                decision,
                started,
                event=event,
                rules=judged.rules,
                findings=judged.findings,
                body=content,
            )
        return FrameVerdict(decision, send, record=record)

    # -- server frames -----------------------------------------------------------------

    def server(self, content: bytes, is_text: bool) -> FrameVerdict:
        started = self.clock()
        self.tally.frames["server"] += 1
        self.tally.bytes["server"] += len(content)
        if self.closed_by_llmwall:
            return _DROPPED
        if self.server_unscanned:
            self.tally.add("server", Decision.UNSCANNED, ())
            return FrameVerdict(Decision.UNSCANNED)
        reading = self._parse(content, is_text)
        data = reading.data
        if reading.kind != "json":
            return self._server_unread(reading, content, started)
        event = self.protocol.event_type(data)
        # ids and other strings the stream dialect does not read: checked first, and
        # redacted in the frame before the stream inspector sees it
        ids = self._server_ids(data)
        if ids.decision is Decision.BLOCK:
            message = f"llmwall blocked this response: {ids.reason}"
            return self._close(SERVER, ids, started, content, event, message, BLOCK_CODE)
        raw = content
        if ids.decision is Decision.REDACT and ids.rewrites:
            data = jsonpath.set_many(data, ids.rewrites)
            raw = json_body.dumps(data, content, ids.rewrites).encode(reading.codec)
        framing = self.dialect.framing()
        before = Counter(self.stream.stats.counts)
        out = self.stream(framing.token(raw, data))
        messages = framing.messages(out)
        new = Counter(self.stream.stats.counts)
        new.subtract(before)
        findings = tuple(
            FindingSummary(e, n, round(self.stream.stats.scores[e], 4))
            for e, n in sorted(new.items())
            if n > 0
        ) + (ids.findings if raw is not content else ())
        rules = tuple(self.stream.stats.rules) + (ids.rules if raw is not content else ())
        self.tally.rule(rules)
        if self.stream.done:
            rule = next((r for r in rules if r.startswith("block")), "block")
            self.closed_by_llmwall = True
            self.tally.add("server", Decision.BLOCK, findings)
            return FrameVerdict(
                Decision.BLOCK,
                tuple(messages),
                close=Close(self.protocol.close_code, close_reason(f"llmwall blocked: {rule}")),
                record=self._record(
                    SERVER,
                    Decision.BLOCK,
                    started,
                    event=event,
                    rules=rules,
                    findings=findings,
                    body=content,
                ),
            )
        send = None if messages == [content] else tuple(messages)
        # Held-back text makes many frames differ from what arrived; a frame is redacted
        # when what it sends carries a placeholder for a finding judged during it.
        marks = [placeholder(f.entity).encode() for f in findings]
        redacted = send is not None and (
            raw is not content
            or any(mark in m and mark not in content for m in messages for mark in marks)
        )
        decision = Decision.REDACT if redacted else Decision.ALLOW
        self.tally.add("server", decision, findings)
        record: AuditRecord | None = None
        if decision is not Decision.ALLOW:
            record = self._record(
                SERVER, decision, started, event=event, rules=rules, findings=findings,
                body=content,
            )  # fmt: skip
        return FrameVerdict(decision, send, record=record)

    async def _with_unread(
        self, data: Any, extraction: Extraction, scans: Scans
    ) -> tuple[Extraction, Scans]:
        """The extraction plus every string of the frame the protocol's reader left out
        (ids, enums, fields it does not know, object keys; not binary or unknown
        content), checked for ID_ENTITIES only."""
        unread = [
            (p, t) for p, t in _unread_strings(data, extraction) if MAY_HOLD_ID_ENTITY.search(t)
        ]
        if not unread:
            return extraction, scans
        extra = Extraction(segments=tuple(Segment(t, Role.USER, Trust.USER, p) for p, t in unread))
        found = await self.inspector.scanner.ascan(extra)
        merged = replace(extraction, segments=extraction.segments + extra.segments)
        return merged, [*scans, *(_id_findings(f) for f in found)]

    def _server_ids(self, data: Any) -> Judgement:
        """Every string and key of the server frame, checked for ID_ENTITIES and judged
        as the model's: the stream dialect reads text where each event has it, and ids,
        fields it does not know and keys would pass unread otherwise. What the stream
        inspector reads is left to it (`_read_by_stream`): a secret split over deltas
        is only whole there, and audio is no text."""
        # Long strings (audio) are first matched against what the stream reads, short
        # ones (ids) first against the pattern: each test on the cheaper side first.
        read: list[Path] | None = None
        leaves = []
        for p, t in _strings(data, ()):
            if len(t) <= 256 and not MAY_HOLD_ID_ENTITY.search(t):
                continue
            if read is None:
                read = self._read_by_stream(data)
            if any(p[: len(h)] == h or h[: len(p)] == p for h in read):
                continue
            if len(t) <= 256 or MAY_HOLD_ID_ENTITY.search(t):
                leaves.append((p, t))
        if not leaves:
            return Judgement(Decision.ALLOW)
        extra = Extraction(
            segments=tuple(Segment(t, Role.ASSISTANT, Trust.MODEL, p) for p, t in leaves)
        )
        found = [_id_findings(f) for f in self.inspector.scanner.scan(extra)]
        if not any(found):
            return Judgement(Decision.ALLOW)
        return judge(extra, found, self.stream.policy, Direction.RESPONSE)

    def _read_by_stream(self, data: Any) -> list[Path]:
        """The paths of the server event the stream inspector reads itself: its held
        back pieces, the text of its whole copies, and binary content (audio)."""
        event = StreamEvent(raw=b"", data=data)
        read = [piece.path for piece in self.dialect.pieces(event)]
        for path, extract in self.dialect.embedded(event):
            found = extract(jsonpath.get(data, path))
            read += [(*path, *p) for p in (*found.binary, *(s.path for s in found.segments))]
        return read

    def _server_unread(self, reading: Reading, content: bytes, started: float) -> FrameVerdict:
        """A server frame that is not JSON: text that does not parse (unknown), text in
        a binary frame (scanned whole as the model's, redacted in place, sent back as a
        binary frame in its own encoding), or bytes (binary; their lossy text scanned,
        a finding blocks)."""
        event = _event(self.protocol, reading)
        if reading.kind == "text":
            extraction = _plain(reading.data, Role.ASSISTANT, Trust.MODEL)
        else:
            extraction = _unreadable(reading, Role.ASSISTANT, Trust.MODEL)
        scans = self.inspector.scanner.scan(extraction) if extraction.segments else []
        judged = judge(extraction, scans, self.stream.policy, Direction.RESPONSE)
        judged = _rewritable(reading, judged)
        if judged.decision is Decision.BLOCK:
            message = f"llmwall blocked this response: {judged.reason}"
            return self._close(SERVER, judged, started, content, event, message, BLOCK_CODE)
        send = None
        if judged.decision is Decision.REDACT and judged.rewrites:
            send = (_rewritten(reading, content, judged),)
        decision = judged.decision if send is not None else Decision.ALLOW
        self.tally.add("server", decision, judged.findings)
        self.tally.rule(judged.rules)
        record: AuditRecord | None = None
        if decision is not Decision.ALLOW:
            record = self._record(
                SERVER, decision, started, event=event, rules=judged.rules,
                findings=judged.findings, body=content,
            )  # fmt: skip
        return FrameVerdict(decision, send, record=record)

    # -- close reasons -----------------------------------------------------------------

    def peer_close_reason(self, reason: str, from_client: bool) -> str:
        """A close frame's reason from one peer, as the other side gets it: up to 123
        bytes of anything, read like the peer's text (the user's, or the model's) and
        redacted; a reason the policy would block is dropped (the session is closing
        anyway; the close code still crosses)."""
        if not reason:
            return reason
        if from_client:
            side, policy, direction = "client", self.policy, Direction.REQUEST
            extraction = _plain(reason, Role.USER, Trust.USER)
        else:
            side, policy, direction = "server", self.stream.policy, Direction.RESPONSE
            extraction = _plain(reason, Role.ASSISTANT, Trust.MODEL)
        judged = judge(extraction, self.inspector.scanner.scan(extraction), policy, direction)
        self.tally.rule(judged.rules)
        if judged.findings:
            self.tally.add(side, judged.decision, judged.findings)
        if judged.decision is Decision.BLOCK:
            return ""
        if judged.decision is Decision.REDACT and judged.rewrites:
            return close_reason(str(jsonpath.set_many(reason, judged.rewrites)))
        return reason

    # -- failures ----------------------------------------------------------------------

    def failure(self, from_client: bool, exc: BaseException, *, fail_open: bool) -> FrameVerdict:
        """Inspecting a frame raised: close the session (fail closed), or, with
        `fail_mode: open`, pass the frame unscanned, visibly (and, on the server side,
        every later frame: the stream inspector's state is no longer trustworthy)."""
        side, kind = ("client", CLIENT) if from_client else ("server", SERVER)
        started = self.clock()
        if fail_open:
            self.fail_open_seen = True
            if not from_client:
                self.server_unscanned = True
            self.tally.add(side, Decision.UNSCANNED, ())
            record = self._record(
                kind, Decision.UNSCANNED, started, event="other", rules=("fail_open",),
                fail_open=True,
            )  # fmt: skip
            return FrameVerdict(Decision.UNSCANNED, record=record)
        reason = content_free_reason(exc)
        judged = Judgement(Decision.BLOCK, ("fail_closed",))
        message = f"llmwall could not inspect this session ({reason}); closed (fail closed)"
        return self._close(kind, judged, started, None, "other", message, FAILED_CODE)

    def audit_failure(self) -> FrameVerdict:
        """A frame's record could not be committed: its decision is not carried out; the
        frame is dropped and the session closed (fail closed). No record: the audit log
        is what failed."""
        self.closed_by_llmwall = True
        message = "llmwall could not record this decision (audit unavailable); closed"
        error = self.protocol.error_event(message, "llmwall_audit_failed")
        return FrameVerdict(
            Decision.BLOCK,
            (),
            to_client=(dumps(error),) if error is not None else (),
            close=Close(self.protocol.close_code, "llmwall: audit unavailable"),
        )

    # -- helpers -----------------------------------------------------------------------

    def _across_frames(self, extraction: Extraction, scans: Scans) -> None:
        """A session is one conversation: an injection set up in one client frame and
        finished in a later one is scored over the turns together, as a request's turns
        are (the finding goes to this frame's turn). The last TURNS earlier turns are
        kept, in memory only."""
        idx = [i for i, seg in enumerate(extraction.segments) if seg.role in CONVERSATION_ROLES]
        if not idx:
            return
        current = [
            (extraction.segments[i].text, extraction.segments[i].trust is Trust.EXTERNAL)
            for i in idx
        ]
        if self._turns:
            hit = self.inspector.scanner.detector.scan_conversation([*self._turns, *current])
            if hit is not None and hit.turn >= len(self._turns):
                index = idx[hit.turn - len(self._turns)]
                scans[index] = (*scans[index], hit.finding)
        self._turns = [*self._turns, *((t[-TURN_CHARS:], x) for t, x in current)][-TURNS:]

    def _unmovable(self, judged: Judgement) -> Judgement:
        """Findings that a policy `reroute:` entry sends to a route: a session cannot
        move to another provider mid-way, so, as for a request that cannot move, the
        frame is blocked rather than sent where the operator did not want it."""
        chosen = (
            self.policy.route_for(f.entity for f in judged.findings) if judged.findings else None
        )
        if chosen is None or not self.policy.reroute:
            return judged
        rule = f"block:reroute:{chosen[0]}:websocket"
        return Judgement(Decision.BLOCK, (*judged.rules, rule), judged.findings)

    def _parse(self, content: bytes, is_text: bool) -> Reading:
        """How the frame reads. A text frame is JSON or unknown. A binary frame is read
        the same way whenever its bytes are text, because peers decode binary frames as
        JSON text too (`json.loads(bytes)`, a `Blob`'s text): JSON (in UTF-8 with or
        without a BOM, or UTF-16/32, as json.loads reads bytes) whatever its type, else
        UTF-8 text is plain text. Bytes that are no UTF-8 stay binary, with their lossy
        UTF-8 reading (what a non-fatal `TextDecoder` makes of them) still scanned.
        JSON that a peer could read differently from llmwall (duplicate keys, NaN)
        raises InspectionError: the frame is then a failure (closed, or passed unscanned
        with fail_mode: open)."""
        try:
            data = json_body.loads(content)
        except InspectionError as exc:
            if str(exc) not in (json_body.NOT_JSON, "JSON body is not UTF-8"):
                raise
        else:
            return Reading("json", data, "utf-8" if is_text else json.detect_encoding(content))
        if is_text:
            return _UNKNOWN
        codec = "utf-8-sig" if content.startswith(codecs.BOM_UTF8) else "utf-8"
        try:
            return Reading("text", content.decode(codec), codec)
        except UnicodeDecodeError:
            return Reading("binary", content.decode("utf-8", "replace"))

    def _close(
        self,
        kind: str,
        judged: Judgement,
        started: float,
        content: bytes | None,
        event: str,
        message: str,
        code: str,
    ) -> FrameVerdict:
        """Block: the frame is dropped, the client gets the protocol's error event, and
        the session is closed on both sides with the protocol's policy close code."""
        self.closed_by_llmwall = True
        side = "client" if kind == CLIENT else "server"
        self.tally.add(side, Decision.BLOCK, judged.findings)
        self.tally.rule(judged.rules)
        error = self.protocol.error_event(message, code)
        record = self._record(
            kind, Decision.BLOCK, started, event=event, rules=judged.rules,
            findings=judged.findings, body=content,
        )  # fmt: skip
        rule = judged.block_rule if code == BLOCK_CODE else "fail_closed"
        return FrameVerdict(
            Decision.BLOCK,
            (),
            to_client=(dumps(error),) if error is not None else (),
            close=Close(self.protocol.close_code, close_reason(f"llmwall blocked: {rule}")),
            record=record,
        )

    def _record(
        self,
        kind: str,
        decision: Decision,
        started: float,
        *,
        event: str,
        rules: tuple[str, ...] = (),
        findings: tuple[FindingSummary, ...] = (),
        body: bytes | None = None,
        fail_open: bool = False,
        more: dict[str, Any] | None = None,
    ) -> AuditRecord:
        side = {CLIENT: "client", SERVER: "server"}.get(kind)
        info: dict[str, Any] = {"protocol": self.protocol.name, "event": event}
        if side is not None:
            info["frame"] = self.tally.frames[side]  # the frame's number on its side
        return self.inspector.recorder.record(
            replace(self.exchange, started=started),
            kind,
            decision,
            rules=rules,
            findings=findings,
            body=body,
            fail_open=fail_open,
            model=self.model,
            extra={"websocket": {**info, **(more or {})}},
        )


def _unreadable(reading: Reading, role: Role, trust: Trust) -> Extraction:
    """A frame that is not JSON: bytes (binary, their lossy text scanned too), or a
    text frame nobody reads (unknown)."""
    if reading.kind != "binary":
        return Extraction(unknown=((),))
    lossy = reading.data
    segments = (Segment(lossy, role, trust, ()),) if lossy else ()
    return Extraction(segments=segments, binary=((),))


def _id_findings(found: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(f for f in found if f.entity in ID_ENTITIES)


def _strings(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    """Every string of a JSON value and every object key, with its path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield (*path, KEY, key), key
            yield from _strings(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _strings(child, (*path, i))


def _unread_strings(data: Any, extraction: Extraction) -> list[tuple[Path, str]]:
    """The frame's strings and keys that no segment reads and that are not under a
    binary or unknown path (base64 media; content the policy decides as a whole)."""
    read = {seg.path[:n] for seg in extraction.segments for n in range(len(seg.path) + 1)}
    opaque = (*extraction.binary, *extraction.unknown)
    out = []
    for path, text in _strings(data, ()):
        if not text or path in read:
            continue
        if any(path[: len(p)] == p for p in opaque):
            continue
        out.append((path, text))
    return out


def _rewritable(reading: Reading, judged: Judgement) -> Judgement:
    """Bytes that are no text cannot be rewritten faithfully: a finding in their lossy
    reading blocks the frame instead of redacting it."""
    if reading.kind != "binary" or judged.decision is not Decision.REDACT:
        return judged
    rules = (*judged.rules, "block:websocket_binary_text")
    return Judgement(Decision.BLOCK, rules, judged.findings)


def _plain(text: str, role: Role, trust: Trust) -> Extraction:
    """The text of a binary frame that is text but not JSON: one segment, the whole."""
    return Extraction(segments=(Segment(text, role, trust, ()),)) if text else Extraction()


def _rewritten(reading: Reading, content: bytes, judged: Judgement) -> bytes:
    """The frame with the judgement's redactions, in the frame's own encoding."""
    tree = jsonpath.set_many(reading.data, judged.rewrites)
    if reading.kind == "text":
        return str(tree).encode(reading.codec)
    return json_body.dumps(tree, content, judged.rewrites).encode(reading.codec)


def _event(protocol: FrameProtocol, reading: Reading) -> str:
    """The event name for the audit: the protocol's for JSON, else the frame's kind."""
    if reading.kind == "json":
        return protocol.event_type(reading.data)
    return "binary" if reading.kind == "binary" else "other"


def close_reason(text: str) -> str:
    """`text` cut to what a close frame can carry, on a character boundary."""
    raw = text.encode()
    if len(raw) <= CLOSE_REASON_BYTES:
        return text
    return raw[:CLOSE_REASON_BYTES].decode(errors="ignore")
