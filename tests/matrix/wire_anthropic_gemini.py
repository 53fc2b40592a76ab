"""Wire cases for Anthropic's and Gemini's (and Vertex's) non-chat endpoints, most as
the anthropic and google-genai SDKs send them."""

from __future__ import annotations

import io
import json

from tests.matrix import sdk_capture as cap
from tests.matrix.wire import Wire, WireCase

A = "api.anthropic.com"
G = "generativelanguage.googleapis.com"
V = "us-central1-aiplatform.googleapis.com"
VERTEX = "/v1/projects/p/locations/us-central1"


def _anthropic(call, path: str):
    def build(secret: str) -> Wire:
        got, wire = cap.anthropic_request(lambda c: call(c, secret))
        assert got == path, got
        return wire

    return build


def _genai(call, path: str, index: int = 0, replies=None):
    def build(secret: str) -> Wire:
        got, wire = cap.genai_requests(lambda c: call(c, secret), replies)[index]
        assert got == path, got
        return wire

    return build


def _json(obj: object) -> Wire:
    return Wire(json.dumps(obj).encode())


_UPLOAD = [
    (
        {
            "x-goog-upload-url": f"https://{G}/upload/v1beta/files?upload_id=U1&upload_protocol=resumable"
        },
        {},
    ),
    ({"x-goog-upload-status": "final"}, {"file": {"name": "files/1", "mimeType": "text/plain"}}),
]

REQUESTS = [
    (
        "anthropic_batches",
        A,
        "/v1/messages/batches",
        "requests[].params.messages[].content",
        _anthropic(
            lambda c, s: c.messages.batches.create(
                requests=[
                    {
                        "custom_id": "r1",
                        "params": {
                            "model": "m",
                            "max_tokens": 5,
                            "messages": [{"role": "user", "content": f"k {s}"}],
                        },
                    }
                ]
            ),
            "/v1/messages/batches",
        ),
    ),
    (
        "anthropic_batches",
        A,
        "/v1/messages/batches",
        "requests[].params.system",
        _anthropic(
            lambda c, s: c.messages.batches.create(
                requests=[
                    {
                        "custom_id": "r1",
                        "params": {
                            "model": "m",
                            "max_tokens": 5,
                            "system": f"use {s}",
                            "messages": [],
                        },
                    }
                ]
            ),
            "/v1/messages/batches",
        ),
    ),
    (
        "anthropic",
        A,
        "/v1/messages/count_tokens",
        "messages[].content (count_tokens)",
        _anthropic(
            lambda c, s: c.messages.count_tokens(
                model="m", messages=[{"role": "user", "content": f"k {s}"}]
            ),
            "/v1/messages/count_tokens",
        ),
    ),
    (
        "anthropic_files",
        A,
        "/v1/files",
        "multipart file (text/plain)",
        _anthropic(
            lambda c, s: c.beta.files.upload(file=("a.txt", f"k {s}".encode(), "text/plain")),
            "/v1/files",
        ),
    ),
    (
        "anthropic_complete",
        A,
        "/v1/complete",
        "prompt (legacy)",
        # the anthropic SDK (2.x) no longer has the legacy call: the wire shape by hand
        lambda s: _json(
            {
                "model": "claude-2.1",
                "max_tokens_to_sample": 5,
                "prompt": f"\n\nHuman: k {s}\n\nAssistant:",
            }
        ),
    ),
    (
        "anthropic_complete",
        A,
        "/v1/complete",
        "metadata.user_id (legacy)",
        lambda s: _json(
            {
                "model": "m",
                "max_tokens_to_sample": 5,
                "prompt": "\n\nHuman: hi\n\nAssistant:",
                "metadata": {"user_id": s},
            }
        ),
    ),
    (
        "generic",
        A,
        "/v1/agents",
        "unknown endpoint JSON (beta agents)",
        lambda s: _json({"name": "a", "instructions": f"k {s}"}),
    ),
    (
        "gemini_caches",
        G,
        "/v1/cachedContents",
        "contents[].parts[].text (caches.create)",
        _genai(
            lambda c, s: c.caches.create(
                model="gemini-2.0-flash",
                config={"contents": [{"role": "user", "parts": [{"text": f"doc {s}"}]}]},
            ),
            "/v1/cachedContents",
        ),
    ),
    (
        "gemini_caches",
        G,
        "/v1/cachedContents",
        "systemInstruction and displayName (caches.create)",
        _genai(
            lambda c, s: c.caches.create(
                model="gemini-2.0-flash",
                config={"system_instruction": f"use {s}", "display_name": "d"},
            ),
            "/v1/cachedContents",
        ),
    ),
    (
        "gemini_files",
        G,
        "/upload/v1/files",
        "file.display_name (resumable start)",
        _genai(
            lambda c, s: c.files.upload(
                file=io.BytesIO(b"hello"), config={"mime_type": "text/plain", "display_name": s}
            ),
            "/upload/v1/files",
            0,
            _UPLOAD,
        ),
    ),
    (
        "gemini_batches",
        G,
        "/v1/models/gemini-2.0-flash:batchGenerateContent",
        "batch.inputConfig.requests.requests[].request.contents (batches.create)",
        _genai(
            lambda c, s: c.batches.create(
                model="gemini-2.0-flash",
                src=[{"contents": [{"role": "user", "parts": [{"text": f"k {s}"}]}]}],
            ),
            "/v1/models/gemini-2.0-flash:batchGenerateContent",
        ),
    ),
    (
        "gemini_batches",
        G,
        "/v1beta/models/text-embedding-004:asyncBatchEmbedContent",
        "batch.inputConfig.requests.requests[].request.content (embeddings batch)",
        lambda s: _json(
            {
                "batch": {
                    "inputConfig": {
                        "requests": {
                            "requests": [{"request": {"content": {"parts": [{"text": f"k {s}"}]}}}]
                        }
                    }
                }
            }
        ),
    ),
    (
        "gemini_tuning",
        G,
        "/v1beta/tunedModels",
        "tuningTask.trainingData.examples.examples[].textInput",
        lambda s: _json(
            {
                "baseModel": "models/gemini-1.5-flash-001-tuning",
                "displayName": "t",
                "tuningTask": {
                    "trainingData": {
                        "examples": {"examples": [{"textInput": f"k {s}", "output": "o"}]}
                    }
                },
            }
        ),
    ),
    (
        "gemini",
        G,
        "/v1beta/tunedModels/t1:generateContent",
        "contents[].parts[].text (tuned model)",
        lambda s: _json({"contents": [{"role": "user", "parts": [{"text": f"k {s}"}]}]}),
    ),
    (
        "gemini_caches",
        V,
        f"{VERTEX}/cachedContents",
        "contents[].parts[].text (Vertex cache)",
        lambda s: _json(
            {"model": "m", "contents": [{"role": "user", "parts": [{"text": f"k {s}"}]}]}
        ),
    ),
    (
        "gemini",
        V,
        f"{VERTEX}/publishers/google/models/gemini-2.0-flash:countTokens",
        "contents[].parts[].text (Vertex countTokens)",
        lambda s: _json({"contents": [{"role": "user", "parts": [{"text": f"k {s}"}]}]}),
    ),
    (
        "generic",
        V,
        f"{VERTEX}/batchPredictionJobs",
        "unknown endpoint JSON (Vertex batch job)",
        lambda s: _json({"displayName": f"job {s}", "model": "m"}),
    ),
]

BLOCKED = [
    (
        "gemini_files",
        G,
        "/upload/v1beta/files",
        "raw chunk (resumable upload)",
        "upload_chunk",
        _genai(
            lambda c, s: c.files.upload(
                file=io.BytesIO(f"k {s}".encode()), config={"mime_type": "text/plain"}
            ),
            "/upload/v1beta/files",
            1,
            _UPLOAD,
        ),
    ),
]


def _message(s: str) -> dict:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [{"type": "text", "text": f"k {s}"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def _gen_response(s: str) -> dict:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": f"k {s}"}]}}]}


RESPONSES = [
    (
        "anthropic_batches",
        A,
        "/v1/messages/batches/b1/results",
        "results JSONL result.message.content[].text",
        lambda s: Wire(
            (
                json.dumps(
                    {"custom_id": "r1", "result": {"type": "succeeded", "message": _message(s)}}
                )
                + "\n"
            ).encode(),
            "application/binary",
        ),
        None,
    ),
    (
        "anthropic_complete",
        A,
        "/v1/complete",
        "completion (legacy)",
        lambda s: _json(
            {
                "type": "completion",
                "id": "c",
                "completion": f"k {s}",
                "stop_reason": "stop_sequence",
                "model": "m",
            }
        ),
        None,
    ),
    (
        "gemini_batches",
        G,
        "/v1beta/batches/b1",
        "metadata.output.inlinedResponses.inlinedResponses[].response (batch get)",
        lambda s: _json(
            {
                "name": "batches/b1",
                "metadata": {
                    "output": {
                        "inlinedResponses": {"inlinedResponses": [{"response": _gen_response(s)}]}
                    }
                },
                "done": True,
            }
        ),
        None,
    ),
    (
        "gemini_caches",
        G,
        "/v1beta/cachedContents/c1",
        "displayName (cache get)",
        lambda s: _json({"name": "cachedContents/c1", "displayName": f"d {s}", "model": "m"}),
        lambda body: cap.genai_parse(lambda c: c.caches.get(name="cachedContents/c1"), body),
    ),
]

WIRE_CASES = [
    *(WireCase(d, pos, "request", h, path, b) for d, h, path, pos, b in REQUESTS),
    *(
        WireCase(d, pos, "request", h, path, b, "block", lock)
        for d, h, path, pos, lock, b in BLOCKED
    ),
    *(WireCase(d, pos, "response", h, path, b, accept=a) for d, h, path, pos, b, a in RESPONSES),
]
