"""A local TLS server that stands in for the LLM providers' APIs.

It answers OpenAI Chat Completions, Anthropic Messages and Ollama `/api/chat` (plain and
streamed, with a text reply or one tool call), records
every request it receives, and can be scripted per request: a status, a reply text, a
delay between stream events, or a connection cut mid-stream.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Script:
    """How to answer one request (defaults: 200 with `reply`)."""

    reply: str = "Hello from the fake provider."
    status: int = 200
    error_body: dict[str, Any] | None = None
    delay: float = 0.0  # seconds between stream events
    cut_after: int | None = None  # close the connection after this many stream events
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before answering at all
    tool_call: tuple[str, dict[str, Any]] | None = (
        None  # (name, arguments): answer with one tool call
    )
    # (content type, body): answer with these bytes whatever the path (a list: streamed,
    # one chunk each) - any dialect's answer (tests/e2e/agent_shapes.py builds them)
    raw: tuple[str, bytes | list[bytes]] | None = None
    # exactly these bytes: (status, headers, body); a list body is sent chunked, one
    # chunk per item (`delay` between them)
    exact: tuple[int, dict[str, str], bytes | list[bytes]] | None = None
    trailers: dict[str, str] | None = None  # sent after a chunked `exact` body


class FakeProvider:
    def __init__(self, cert: Path, key: Path) -> None:
        self.received: list[Received] = []
        self.scripts: deque[Script] = deque()
        self.default = Script()
        self.last_event_sent_at = 0.0
        self.first_event_sent_at = 0.0
        handler = type("Handler", (_Handler,), {"provider": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def next(self, **kwargs: Any) -> None:
        self.scripts.append(Script(**kwargs))

    def reset(self) -> None:
        self.received.clear()
        self.scripts.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _upload_answer(path: str, n: int) -> dict[str, Any]:
    """OpenAI Uploads: create, add a part (a fresh part id each), complete."""
    upload = {"id": "upload_1", "object": "upload", "bytes": 0, "created_at": 1,
              "expires_at": 2, "filename": "f", "purpose": "assistants",
              "status": "pending"}  # fmt: skip
    if path.endswith("/parts"):
        return {
            "id": f"part_{n}",
            "object": "upload.part",
            "upload_id": "upload_1",
            "created_at": 1,
        }
    if path.endswith("/complete"):
        file = {"id": "file-1", "object": "file", "bytes": 0, "created_at": 1,
                "filename": "f", "purpose": "assistants", "status": "processed"}  # fmt: skip
        return {**upload, "status": "completed", "file": file}
    return upload


class _Handler(BaseHTTPRequestHandler):
    provider: FakeProvider
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms per response

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.provider.received.append(Received("GET", self.path, headers, b""))
        self._json(200, {"object": "list", "data": []})

    def _record_other(self) -> None:
        """Any other method is recorded too, so a probe cannot pass by the fake's 501."""
        length = int(self.headers.get("content-length", 0) or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.provider.received.append(Received(self.command, self.path, headers, body))
        self._json(200, {"object": "ok"})

    do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _record_other

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        body = self.rfile.read(length)
        p = self.provider
        p.received.append(
            Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        script = p.scripts.popleft() if p.scripts else p.default
        if script.hang:
            time.sleep(script.hang)
        if script.exact is not None:
            self._exact(script)
            return
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        if script.status != 200:
            self._json(
                script.status,
                script.error_body or {"error": {"message": "scripted error"}},
                script.headers,
            )
            return
        anthropic = self.path.endswith("/messages")
        if script.raw is not None:
            ctype, payload = script.raw
            if isinstance(payload, list):
                self._stream(payload, script, ctype)
            else:
                self.send_response(200)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
        elif "/v1/uploads" in self.path:
            self._json(200, _upload_answer(self.path, len(p.received)))
        elif self.path.endswith("/api/chat"):
            if data.get("stream", True):
                self._stream(_ollama_lines(script), script, "application/x-ndjson")
            else:
                self._json(200, _ollama_lines(script, whole=True)[0])
        elif data.get("stream"):
            events = (
                _anthropic_events(script.reply, script.tool_call)
                if anthropic
                else _openai_events(script.reply, script.tool_call)
            )
            self._stream(events, script)
        else:
            body = (
                _anthropic_message(script.reply, script.tool_call)
                if anthropic
                else _openai_completion(script.reply, script.tool_call)
            )
            self._json(200, body)

    def _exact(self, script: Script) -> None:
        assert script.exact is not None
        status, headers, body = script.exact
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if isinstance(body, bytes):
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        try:
            for chunk in body:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
                if script.delay:
                    time.sleep(script.delay)
            tail = "".join(f"{k}: {v}\r\n" for k, v in (script.trailers or {}).items())
            self.wfile.write(b"0\r\n" + tail.encode() + b"\r\n")
        except OSError:
            pass  # the proxy gave up on this body

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def _stream(
        self, events: list[bytes], script: Script, ctype: str = "text/event-stream"
    ) -> None:
        self.send_response(200)
        self.send_header("content-type", ctype)
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        p = self.provider
        for i, event in enumerate(events):
            if script.cut_after is not None and i >= script.cut_after:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            self.wfile.flush()
            now = time.monotonic()
            if i == 0:
                p.first_event_sent_at = now
            p.last_event_sent_at = now
            if script.delay:
                time.sleep(script.delay)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _words(text: str) -> list[str]:
    parts = text.split(" ")
    return [w + (" " if i < len(parts) - 1 else "") for i, w in enumerate(parts)]


Tool = tuple[str, dict[str, Any]] | None


def _openai_completion(text: str, tool: Tool = None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake1",
                    "type": "function",
                    "function": {"name": tool[0], "arguments": json.dumps(tool[1])},
                }
            ],
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-fake",
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if tool else "stop"}
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def _openai_events(text: str, tool: Tool = None) -> list[bytes]:
    env = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-fake",
    }
    chunks = [
        {
            **env,
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
            ],
        }
    ]
    if tool:
        args = json.dumps(tool[1])
        chunks.append(
            {
                **env,
                "choices": [
                    {
                        "index": 0,
                        "delta": {
                            "tool_calls": [
                                {
                                    "index": 0,
                                    "id": "call_fake1",
                                    "type": "function",
                                    "function": {"name": tool[0], "arguments": ""},
                                }
                            ]
                        },
                        "finish_reason": None,
                    }
                ],
            }
        )
        chunks += [
            {
                **env,
                "choices": [
                    {
                        "index": 0,
                        "delta": {
                            "tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 5]}}]
                        },
                        "finish_reason": None,
                    }
                ],
            }
            for i in range(0, len(args), 5)
        ]
    else:
        chunks += [
            {**env, "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]}
            for w in _words(text)
        ]
    chunks.append(
        {
            **env,
            "choices": [
                {"index": 0, "delta": {}, "finish_reason": "tool_calls" if tool else "stop"}
            ],
        }
    )
    return [b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks] + [b"data: [DONE]\n\n"]


def _anthropic_message(text: str, tool: Tool = None) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if tool:
        content = [{"type": "tool_use", "id": "toolu_fake1", "name": tool[0], "input": tool[1]}]
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-fake",
        "content": content,
        "stop_reason": "tool_use" if tool else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 7},
    }


def _anthropic_events(text: str, tool: Tool = None) -> list[bytes]:
    start = {
        "type": "message_start",
        "message": {**_anthropic_message(""), "content": [], "stop_reason": None},
    }
    events: list[dict[str, Any]] = [start]
    if tool:
        args = json.dumps(tool[1])
        events.append(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_fake1",
                    "name": tool[0],
                    "input": {},
                },
            }
        )
        events += [
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "input_json_delta", "partial_json": args[i : i + 5]},
            }
            for i in range(0, len(args), 5)
        ]
    else:
        events.append(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            }
        )
        events += [
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w}}
            for w in _words(text)
        ]
    events += [
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use" if tool else "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 7},
        },
        {"type": "message_stop"},
    ]
    return [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]


def _ollama_lines(script: Script, whole: bool = False) -> list[Any]:
    env = {"model": "llama-fake", "created_at": "2026-01-01T00:00:00Z"}
    last = {
        **env,
        "message": {"role": "assistant", "content": ""},
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 5,
        "eval_count": 7,
    }
    if script.tool_call:
        last["message"]["tool_calls"] = [
            {"function": {"name": script.tool_call[0], "arguments": script.tool_call[1]}}
        ]
    if whole:
        return [
            {
                **last,
                "message": {**last["message"], "content": "" if script.tool_call else script.reply},
            }
        ]
    lines = (
        []
        if script.tool_call
        else [
            {**env, "message": {"role": "assistant", "content": w}, "done": False}
            for w in _words(script.reply)
        ]
    )
    return [json.dumps(x).encode() + b"\n" for x in [*lines, last]]
