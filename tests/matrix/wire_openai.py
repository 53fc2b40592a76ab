"""Wire cases for OpenAI's non-chat endpoints, most as the openai SDK sends them."""

from __future__ import annotations

import io
import json

from tests.matrix import sdk_capture as cap
from tests.matrix.pdf import pdf_with_text
from tests.matrix.wire import Wire, WireCase

H = "api.openai.com"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00" + bytes(64)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _sdk(call, path: str):
    def build(secret: str) -> Wire:
        got, wire = cap.openai_request(lambda c: call(c, secret))
        assert got == path, got
        return wire

    return build


def _batch_line(s: str) -> bytes:
    line = {
        "custom_id": "r1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": "m", "messages": [{"role": "user", "content": f"my key {s}"}]},
    }
    return (json.dumps(line) + "\n" + json.dumps({**line, "custom_id": "r2"}) + "\n").encode()


def _finetune_line(s: str) -> bytes:
    line = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": s}]}
    return (json.dumps(line) + "\n").encode()


def _json(obj: object) -> Wire:
    return Wire(json.dumps(obj).encode())


REQUESTS = [
    (
        "openai_moderations",
        "/v1/moderations",
        "input (string)",
        _sdk(lambda c, s: c.moderations.create(input=f"check {s}"), "/v1/moderations"),
    ),
    (
        "openai_moderations",
        "/v1/moderations",
        "input[].text (parts)",
        _sdk(
            lambda c, s: c.moderations.create(
                model="omni-moderation-latest", input=[{"type": "text", "text": f"check {s}"}]
            ),
            "/v1/moderations",
        ),
    ),
    (
        "openai_files",
        "/v1/files",
        "multipart file (batch JSONL line body.messages[].content)",
        _sdk(
            lambda c, s: c.files.create(file=("b.jsonl", _batch_line(s)), purpose="batch"),
            "/v1/files",
        ),
    ),
    (
        "openai_files",
        "/v1/files",
        "multipart file (fine-tune JSONL messages[].content)",
        _sdk(
            lambda c, s: c.files.create(file=("ft.jsonl", _finetune_line(s)), purpose="fine-tune"),
            "/v1/files",
        ),
    ),
    (
        "openai_files",
        "/v1/files",
        "multipart file (text/plain)",
        _sdk(
            lambda c, s: c.files.create(
                file=("notes.txt", f"notes: {s}".encode(), "text/plain"), purpose="assistants"
            ),
            "/v1/files",
        ),
    ),
    (
        "openai_files",
        "/v1/files",
        "multipart filename",
        _sdk(
            lambda c, s: c.files.create(file=(f"{s} .txt", b"hello"), purpose="user_data"),
            "/v1/files",
        ),
    ),
    (
        "openai_uploads",
        "/v1/uploads",
        "filename (create)",
        _sdk(
            lambda c, s: c.uploads.create(
                bytes=5, filename=f"{s} .jsonl", mime_type="text/jsonl", purpose="batch"
            ),
            "/v1/uploads",
        ),
    ),
    (
        "openai_batches",
        "/v1/batches",
        "metadata.*",
        _sdk(
            lambda c, s: c.batches.create(
                completion_window="24h",
                endpoint="/v1/chat/completions",
                input_file_id="file-1",
                metadata={"owner": s},
            ),
            "/v1/batches",
        ),
    ),
    (
        "openai_assistants",
        "/v1/assistants",
        "instructions",
        _sdk(
            lambda c, s: c.beta.assistants.create(model="m", instructions=f"use {s}"),
            "/v1/assistants",
        ),
    ),
    (
        "openai_assistants",
        "/v1/threads/thread_1/messages",
        "content (message create)",
        _sdk(
            lambda c, s: c.beta.threads.messages.create("thread_1", role="user", content=f"k {s}"),
            "/v1/threads/thread_1/messages",
        ),
    ),
    (
        "openai_assistants",
        "/v1/threads/thread_1/runs",
        "additional_instructions",
        _sdk(
            lambda c, s: c.beta.threads.runs.create(
                "thread_1", assistant_id="asst_1", additional_instructions=f"k {s}"
            ),
            "/v1/threads/thread_1/runs",
        ),
    ),
    (
        "openai_assistants",
        "/v1/threads/runs",
        "thread.messages[].content (create and run)",
        _sdk(
            lambda c, s: c.beta.threads.create_and_run(
                assistant_id="asst_1", thread={"messages": [{"role": "user", "content": f"k {s}"}]}
            ),
            "/v1/threads/runs",
        ),
    ),
    (
        "openai_assistants",
        "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
        "tool_outputs[].output",
        _sdk(
            lambda c, s: c.beta.threads.runs.submit_tool_outputs(
                "run_1", thread_id="thread_1", tool_outputs=[{"tool_call_id": "c", "output": s}]
            ),
            "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
        ),
    ),
    (
        "openai_vector_stores",
        "/v1/vector_stores/vs_1/search",
        "query",
        _sdk(
            lambda c, s: c.vector_stores.search("vs_1", query=f"find {s}"),
            "/v1/vector_stores/vs_1/search",
        ),
    ),
    (
        "openai_audio",
        "/v1/audio/transcriptions",
        "multipart prompt (transcription)",
        _sdk(
            lambda c, s: c.audio.transcriptions.create(
                model="whisper-1", file=("a.wav", WAV), prompt=f"spell {s}"
            ),
            "/v1/audio/transcriptions",
        ),
    ),
    (
        "openai_audio",
        "/v1/audio/translations",
        "multipart prompt (translation)",
        _sdk(
            lambda c, s: c.audio.translations.create(
                model="whisper-1", file=("a.wav", WAV), prompt=f"spell {s}"
            ),
            "/v1/audio/translations",
        ),
    ),
    (
        "openai_audio",
        "/v1/audio/speech",
        "input (speech)",
        _sdk(
            lambda c, s: c.audio.speech.create(model="tts-1", voice="alloy", input=f"say {s}"),
            "/v1/audio/speech",
        ),
    ),
    (
        "openai_images",
        "/v1/images/generations",
        "prompt",
        _sdk(lambda c, s: c.images.generate(prompt=f"draw {s}"), "/v1/images/generations"),
    ),
    (
        "openai_images",
        "/v1/images/edits",
        "multipart prompt (edit)",
        _sdk(
            lambda c, s: c.images.edit(image=("i.png", PNG), prompt=f"edit {s}"),
            "/v1/images/edits",
        ),
    ),
    (
        "openai_conversations",
        "/v1/conversations",
        "items[].content",
        _sdk(
            lambda c, s: c.conversations.create(items=[{"role": "user", "content": f"k {s}"}]),
            "/v1/conversations",
        ),
    ),
    (
        "openai_conversations",
        "/v1/conversations/conv_1/items",
        "items[].content (add items)",
        _sdk(
            lambda c, s: c.conversations.items.create(
                "conv_1", items=[{"type": "message", "role": "user", "content": f"k {s}"}]
            ),
            "/v1/conversations/conv_1/items",
        ),
    ),
    (
        "openai_responses",
        "/v1/responses/input_tokens",
        "input (input_tokens)",
        _sdk(
            lambda c, s: c.responses.input_tokens.count(model="m", input=f"k {s}"),
            "/v1/responses/input_tokens",
        ),
    ),
    (
        "generic",
        "/v1/fine_tuning/jobs",
        "unknown endpoint JSON (fine-tuning suffix)",
        _sdk(
            lambda c, s: c.fine_tuning.jobs.create(model="m", training_file="f", suffix=s),
            "/v1/fine_tuning/jobs",
        ),
    ),
    (
        "generic",
        "/v1/realtime/client_secrets",
        "unknown endpoint JSON (session.instructions)",
        lambda s: _json({"session": {"type": "realtime", "instructions": f"k {s}"}}),
    ),
    (
        "generic",
        "/v1/evals",
        "unknown endpoint JSON (object key)",
        lambda s: _json({"name": "e", "metadata": {s: "v"}}),
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "unknown endpoint form body",
        lambda s: Wire(f"a=1&note=key+{s}".encode(), "application/x-www-form-urlencoded"),
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "unknown endpoint text/plain body",
        lambda s: Wire(f"key {s}".encode(), "text/plain; charset=utf-8"),
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "unknown endpoint JSONL body",
        lambda s: Wire(
            b'{"a": 1}\n' + json.dumps({"k": s}).encode() + b"\n", "application/x-ndjson"
        ),
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "unknown endpoint octet-stream text",
        lambda s: Wire(f"raw {s}".encode(), "application/octet-stream"),
    ),
    (
        "generic",
        "/v1/models",
        "GET query string",
        lambda s: Wire(b"", "", f"user={s}&limit=3"),
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "JSON nested in a string",
        lambda s: _json({"payload": json.dumps({"deep": [f"k {s}"]})}),
    ),
    (
        "openai_chat",
        "/v1/chat/completions",
        "header (custom)",
        lambda s: Wire(
            json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode(),
            headers=(("x-end-user", s), ("authorization", "Bearer sk-test")),
        ),
    ),
    (
        "openai_chat",
        "/v1/chat/completions",
        "URL query",
        lambda s: Wire(
            json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode(),
            query=f"trace={s}",
        ),
    ),
    (
        "openai_chat",
        "/v1/chat/completions",
        "UTF-16 body (charset kept)",
        lambda s: Wire(
            json.dumps({"model": "m", "messages": [{"role": "user", "content": f"k {s}"}]}).encode(
                "utf-16"
            ),
            "application/json; charset=utf-16",
        ),
    ),
]

BLOCKED = [
    (
        "openai_files",
        "/v1/files",
        "multipart file (PDF needing redaction)",
        "pdf",
        _sdk(
            lambda c, s: c.files.create(
                file=("doc.pdf", pdf_with_text(f"key {s}"), "application/pdf"), purpose="user_data"
            ),
            "/v1/files",
        ),
    ),
    (
        "openai_uploads",
        "/v1/uploads/upload_1/parts",
        "multipart data (upload part)",
        "upload_part",
        _sdk(
            lambda c, s: c.uploads.parts.create("upload_1", data=io.BytesIO(f"k {s}\n".encode())),
            "/v1/uploads/upload_1/parts",
        ),
    ),
    (
        "openai_chat",
        "/v1/chat/completions",
        "messages[].content[].file.file_data (PDF)",
        "pdf",
        lambda s: _json(
            {
                "model": "m",
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "file",
                                "file": {
                                    "filename": "a.pdf",
                                    "file_data": "data:application/pdf;base64,"
                                    + __import__("base64")
                                    .b64encode(pdf_with_text(f"key {s}"))
                                    .decode(),
                                },
                            }
                        ],
                    }
                ],
            }
        ),
    ),
]


def _batch_output(s: str) -> Wire:
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": f"k {s}"}}]}
    line = {"id": "b1", "custom_id": "r1", "response": {"status_code": 200, "body": body}}
    return Wire((json.dumps(line) + "\n").encode(), "application/octet-stream")


def _message(s: str) -> dict:
    return {
        "id": "msg_1",
        "object": "thread.message",
        "created_at": 1,
        "thread_id": "thread_1",
        "role": "assistant",
        "status": "completed",
        "attachments": [],
        "metadata": {},
        "content": [{"type": "text", "text": {"value": f"k {s}", "annotations": []}}],
    }


def _accept(call):
    return lambda body: cap.openai_parse(call, body)


RESPONSES = [
    (
        "openai_files",
        "/v1/files/file_1/content",
        "file content (batch output JSONL)",
        _batch_output,
        None,
    ),
    (
        "openai_files",
        "/v1/files/file_1",
        "file object filename",
        lambda s: _json(
            {
                "id": "file_1",
                "object": "file",
                "bytes": 1,
                "created_at": 1,
                "filename": f"{s} .txt",
                "purpose": "assistants",
            }
        ),
        _accept(lambda c: c.files.retrieve("file_1")),
    ),
    (
        "openai_assistants",
        "/v1/threads/thread_1/messages/msg_1",
        "content[].text.value (message)",
        lambda s: _json(_message(s)),
        _accept(lambda c: c.beta.threads.messages.retrieve("msg_1", thread_id="thread_1")),
    ),
    (
        "openai_assistants",
        "/v1/threads/thread_1/messages",
        "data[].content[].text.value (list)",
        lambda s: _json({"object": "list", "data": [_message(s)], "has_more": False}),
        _accept(lambda c: c.beta.threads.messages.list("thread_1")),
    ),
    (
        "openai_vector_stores",
        "/v1/vector_stores/vs_1/search",
        "data[].content[].text (search results)",
        lambda s: _json(
            {
                "object": "vector_store.search_results.page",
                "search_query": ["q"],
                "data": [
                    {
                        "file_id": "f",
                        "filename": "a.txt",
                        "score": 0.5,
                        "attributes": {},
                        "content": [{"type": "text", "text": f"doc {s}"}],
                    }
                ],
                "has_more": False,
                "next_page": None,
            }
        ),
        _accept(lambda c: c.vector_stores.search("vs_1", query="q")),
    ),
    (
        "openai_audio",
        "/v1/audio/transcriptions",
        "text (JSON transcript)",
        lambda s: _json({"text": f"she said {s}"}),
        None,
    ),
    (
        "openai_audio",
        "/v1/audio/transcriptions",
        "text/plain transcript",
        lambda s: Wire(f"she said {s}".encode(), "text/plain; charset=utf-8"),
        None,
    ),
    (
        "openai_images",
        "/v1/images/generations",
        "data[].revised_prompt",
        lambda s: _json(
            {"created": 1, "data": [{"revised_prompt": f"a {s}", "url": "https://x/y.png"}]}
        ),
        _accept(lambda c: c.images.generate(prompt="p")),
    ),
    (
        "openai_conversations",
        "/v1/conversations/conv_1/items",
        "data[].content[].text (items)",
        lambda s: _json(
            {
                "object": "list",
                "data": [
                    {
                        "type": "message",
                        "id": "m",
                        "status": "completed",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": f"k {s}", "annotations": []}],
                    }
                ],
                "has_more": False,
                "first_id": "m",
                "last_id": "m",
            }
        ),
        _accept(lambda c: c.conversations.items.list("conv_1")),
    ),
    (
        "openai_conversations",
        "/v1/responses/resp_1/input_items",
        "data[].content[].text (input items)",
        lambda s: _json(
            {
                "object": "list",
                "data": [
                    {
                        "type": "message",
                        "id": "m",
                        "status": "completed",
                        "role": "user",
                        "content": [{"type": "input_text", "text": f"k {s}"}],
                    }
                ],
                "has_more": False,
                "first_id": "m",
                "last_id": "m",
            }
        ),
        _accept(lambda c: c.responses.input_items.list("resp_1")),
    ),
    (
        "openai_responses",
        "/v1/responses/resp_1",
        "output[].content[].text (retrieve)",
        lambda s: _json(
            {
                "id": "resp_1",
                "object": "response",
                "created_at": 1,
                "model": "m",
                "status": "completed",
                "output": [
                    {
                        "type": "message",
                        "id": "m",
                        "status": "completed",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": f"k {s}", "annotations": []}],
                    }
                ],
                "parallel_tool_calls": True,
                "tool_choice": "auto",
                "tools": [],
            }
        ),
        _accept(lambda c: c.responses.retrieve("resp_1")),
    ),
    (
        "generic",
        "/v1/fine_tuning/jobs/ft_1/events",
        "unknown endpoint JSON answer",
        lambda s: _json({"object": "list", "data": [{"message": f"k {s}"}]}),
        None,
    ),
    (
        "generic",
        "/v1/some/new/endpoint",
        "unknown endpoint text answer",
        lambda s: Wire(f"k {s}".encode(), "text/plain"),
        None,
    ),
]

WIRE_CASES = [
    *(WireCase(d, pos, "request", H, path, b) for d, path, pos, b in REQUESTS),
    *(WireCase(d, pos, "request", H, path, b, "block", lock) for d, path, pos, lock, b in BLOCKED),
    *(WireCase(d, pos, "response", H, path, b, accept=a) for d, path, pos, b, a in RESPONSES),
]
