"""OpenAI Responses over WebSocket (`wss://api.openai.com/v1/responses`, the openai SDK's
`beta.responses.connect()`), also the Codex CLI's WebSocket mode (same path under its
base URL, `https://chatgpt.com/backend-api/codex` on a ChatGPT login).

Client events: `response.create` carries a whole Responses request at the top level,
read by the `openai_responses` dialect (every field it reads in an HTTP request, and
unknown fields generically); `response.inject` and `response.steer` carry
input items. Server events are the Responses stream events as JSON text frames: the
`openai_responses` stream dialect says where their text is (deltas held back across
frames, `*.done`, items and the final `response` redacted as whole objects).

A block sends an `error` event with both error shapes clients read: the SDK's
`{"type":"error","status":…,"error":{…}}` (Codex reads `status_code` and maps it to an
HTTP error instead of retrying) with the stream's flat `code`/`message`; then 1008.
"""

from __future__ import annotations

from typing import Any, ClassVar

from llmwall.routing.dialects.base import Collector
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.dialects.openai_responses import DIALECT as RESPONSES
from llmwall.routing.dialects.openai_responses import OpenAIResponsesStream
from llmwall.routing.dialects.openai_responses_items import collect_items
from llmwall.routing.realtime.base import FrameProtocol, ServerStream, prose_leaves
from llmwall.routing.realtime.openai_realtime import collect_unknown_event
from llmwall.routing.segment import Extraction, Role, Trust

CLIENT_EVENTS = frozenset({"response.create", "response.inject", "response.steer"})
SERVER_EVENTS = frozenset(
    {
        "response.created", "response.in_progress", "response.queued", "response.completed",
        "response.failed", "response.incomplete", "response.output_item.added",
        "response.output_item.done", "response.content_part.added", "response.content_part.done",
        "response.output_text.delta", "response.output_text.done", "response.refusal.delta",
        "response.refusal.done", "response.function_call_arguments.delta",
        "response.function_call_arguments.done", "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done", "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done", "response.reasoning_text.delta",
        "response.reasoning_text.done", "response.output_text.annotation.added",
        "response.inject.created", "response.inject.failed", "response.steer.accepted",
        "response.steer.pending", "response.steer.failed", "codex.rate_limits", "error",
    }
)  # fmt: skip
_USER = (Role.USER, Trust.USER)
_WS_KEYS = frozenset({"type", "event_id", "stream_id"})  # the event's, not the request's


def client_extraction(data: Any) -> Extraction:
    if not isinstance(data, dict):
        return Extraction(unknown=((),))
    kind = data.get("type")
    if kind == "response.create":
        # The event is the request plus the WebSocket's own keys; paths stay top-level,
        # so they write back into the frame.
        return RESPONSES.extract_request({k: v for k, v in data.items() if k not in _WS_KEYS})
    c = Collector()
    if kind in ("response.inject", "response.steer"):
        collect_items(c, data.get("input"), ("input",), _USER, response=False)
        prose_leaves(c, {k: v for k, v in data.items() if k != "input"}, (), *_USER)
    else:
        collect_unknown_event(c, data, *_USER)
    return c.build()


class ResponsesServerStream(ServerStream, OpenAIResponsesStream):
    """The Responses stream dialect on this session's message framing."""


class ResponsesWebSocket(FrameProtocol):
    name: ClassVar[str] = "responses_ws"

    def client_event(self, data: Any) -> Extraction:
        return client_extraction(data)

    def server_stream(self) -> ResponsesServerStream:
        return ResponsesServerStream(self)

    def error_event(self, message: str, code: str) -> dict[str, Any]:
        error = OpenAIChat().error(403, message, code).body["error"]
        return {
            "type": "error",
            "status": 403,
            "status_code": 403,
            "code": code,
            "message": message,
            "param": None,
            "sequence_number": 0,
            "error": error,
        }

    def event_types(self) -> frozenset[str]:
        return CLIENT_EVENTS | SERVER_EVENTS


PROTOCOL = ResponsesWebSocket()
