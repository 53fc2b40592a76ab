"""Stream coverage cases for the non-chat endpoints that stream: Assistants runs
(message text deltas, tool-call argument deltas, whole objects), audio transcripts,
Anthropic's legacy completions, and unknown endpoints (the generic SSE and NDJSON
readers)."""

from __future__ import annotations

import json

from tests.matrix.harness import Case


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _sse(events: list[tuple[str | None, object]]) -> list[bytes]:
    out = []
    for name, data in events:
        head = f"event: {name}\n".encode() if name else b""
        payload = data if isinstance(data, str) else json.dumps(data)
        out.append(head + b"data: " + payload.encode() + b"\n\n")
    return out


def _assistant_text(s: str) -> list[bytes]:
    words = f"Here is the key: {s} keep it."
    deltas = [
        (
            "thread.message.delta",
            {
                "id": "msg_1",
                "object": "thread.message.delta",
                "delta": {"content": [{"index": 0, "type": "text", "text": {"value": p}}]},
            },
        )
        for p in _split(words)
    ]
    done = {
        "id": "msg_1",
        "object": "thread.message",
        "role": "assistant",
        "content": [{"type": "text", "text": {"value": words, "annotations": []}}],
    }
    return _sse([*deltas, ("thread.message.completed", done), ("done", "[DONE]")])


def _assistant_args(s: str) -> list[bytes]:
    args = json.dumps({"q": f"token {s}"})
    deltas = [
        (
            "thread.run.step.delta",
            {
                "id": "step_1",
                "object": "thread.run.step.delta",
                "delta": {
                    "step_details": {
                        "type": "tool_calls",
                        "tool_calls": [
                            {"index": 0, "type": "function", "function": {"arguments": p}}
                        ],
                    }
                },
            },
        )
        for p in _split(args, 3)
    ]
    done = {"id": "step_1", "object": "thread.run.step", "status": "completed"}
    return _sse([*deltas, ("thread.run.step.completed", done), ("done", "[DONE]")])


def _transcript(s: str) -> list[bytes]:
    words = f"She said {s} twice."
    deltas = [(None, {"type": "transcript.text.delta", "delta": p}) for p in _split(words)]
    return _sse([*deltas, (None, {"type": "transcript.text.done", "text": words})])


def _complete(s: str) -> list[bytes]:
    words = f"The key is {s}."
    events = [
        ("completion", {"type": "completion", "completion": p, "stop_reason": None})
        for p in _split(words)
    ]
    last = ("completion", {"type": "completion", "completion": "", "stop_reason": "stop_sequence"})
    return _sse([*events, last])


def _generic_sse(s: str) -> list[bytes]:
    return _sse([(None, {"type": "progress", "note": f"key {s}"}), (None, {"type": "done"})])


CASES = [
    Case(
        "openai_assistants",
        "thread.message.delta content[].text.value",
        "response",
        True,
        _assistant_text,
    ),
    Case(
        "openai_assistants",
        "thread.run.step.delta tool_calls[].function.arguments",
        "response",
        True,
        _assistant_args,
    ),
    Case("openai_audio", "transcript.text.delta + done copy", "response", True, _transcript),
    Case("anthropic_complete", "completion (legacy stream)", "response", True, _complete),
    Case("generic", "SSE event strings (unknown endpoint)", "response", True, _generic_sse),
]
