"""A secret cut by the boundary between two pieces of an upload (issue 13): Gemini
resumable chunks are checked at the chunk that starts where the last one ended; OpenAI
upload parts, which may arrive in any order, at the completion that orders them."""

from __future__ import annotations

import asyncio
import json

import pytest

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.core.upload_seams import EDGE, UploadSeams
from llmwall.decision import Decision

AWS = "AKIAQ7RZP4XK2M5TNWLB"
FILLER = "the quarterly numbers look fine and the team is on track\n" * 40


@pytest.fixture
def ins() -> Inspector:
    from tests.matrix.harness import detector

    return Inspector(load_policy(None), Scanner(detector()))


def _gemini_chunk(ins: Inspector, rid: str, offset: int, data: bytes, user: str | None = None):
    ex = Exchange(rid, "gemini", "gemini_files", "generativelanguage.googleapis.com",
                  "/upload/v1beta/files", user=user)  # fmt: skip
    headers = (
        ("content-type", "application/octet-stream"),
        ("x-goog-upload-command", "upload"),
        ("x-goog-upload-offset", str(offset)),
    )
    return asyncio.run(ins.inspect_request(ex, data, "upload_id=UP1&upload_protocol=resumable",
                                           headers=headers))  # fmt: skip


def test_a_secret_across_two_gemini_chunks_blocks_the_second(ins: Inspector) -> None:
    first = (FILLER + "key " + AWS[:10]).encode()
    second = (AWS[10:] + "\n" + FILLER).encode()
    assert _gemini_chunk(ins, "r1", 0, first).decision is Decision.ALLOW
    v = _gemini_chunk(ins, "r2", len(first), second)
    assert v.decision is Decision.BLOCK
    assert v.record.rules == ("block:AWS_ACCESS_KEY_ID:upload_chunk",)
    # sent again, it meets the same seam
    assert _gemini_chunk(ins, "r3", len(first), second).decision is Decision.BLOCK


def test_chunks_of_other_uploads_or_users_share_no_seam(ins: Inspector) -> None:
    first = (FILLER + "key " + AWS[:10]).encode()
    second = (AWS[10:] + "\n" + FILLER).encode()
    assert _gemini_chunk(ins, "r1", 0, first, user="alice").decision is Decision.ALLOW
    v = _gemini_chunk(ins, "r2", len(first), second, user="bob")
    assert v.decision is Decision.ALLOW  # bob's chunk follows no chunk of bob's
    assert v.record.rules == ("allow:upload_seam_unseen",)  # and the record says so


def test_a_clean_seam_passes(ins: Inspector) -> None:
    first = (FILLER + "key AKIA").encode()
    second = ("is a prefix, not a key\n" + FILLER).encode()
    assert _gemini_chunk(ins, "r1", 0, first).decision is Decision.ALLOW
    assert _gemini_chunk(ins, "r2", len(first), second).decision is Decision.ALLOW


def _openai(ins: Inspector, rid: str, path: str, body: bytes, ctype: str):
    ex = Exchange(rid, "openai", "openai_uploads", "api.openai.com", path)
    return asyncio.run(ins.inspect_request(ex, body, "", headers=(("content-type", ctype),)))


def _part(ins: Inspector, rid: str, data: bytes, part_id: str) -> None:
    body = (
        b'--B\r\nContent-Disposition: form-data; name="data"; filename="data"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n--B--\r\n"
    )
    v = _openai(ins, rid, "/v1/uploads/upload_9/parts", body, "multipart/form-data; boundary=B")
    assert v.decision is Decision.ALLOW, v.record.rules
    ex = Exchange(rid, "openai", "openai_uploads", "api.openai.com", "/v1/uploads/upload_9/parts")
    answer = {"id": part_id, "object": "upload.part", "upload_id": "upload_9", "created_at": 1}
    asyncio.run(
        ins.inspect_response(
            ex, 200, lambda: json.dumps(answer).encode(), content_type="application/json"
        )
    )


def _complete(ins: Inspector, rid: str, ids: list[str]):
    body = json.dumps({"part_ids": ids}).encode()
    return _openai(ins, rid, "/v1/uploads/upload_9/complete", body, "application/json")


def test_a_secret_across_two_openai_parts_blocks_the_completion(ins: Inspector) -> None:
    _part(ins, "p2", (AWS[10:] + "\n" + FILLER).encode(), "part_b")  # sent first
    _part(ins, "p1", (FILLER + "key " + AWS[:10]).encode(), "part_a")
    v = _complete(ins, "c1", ["part_a", "part_b"])
    assert v.decision is Decision.BLOCK
    assert v.record.rules == ("block:AWS_ACCESS_KEY_ID:upload_part",)
    assert _complete(ins, "c2", ["part_a", "part_b"]).decision is Decision.BLOCK  # again
    assert _complete(ins, "c3", ["part_b", "part_a"]).decision is Decision.ALLOW  # other order


def test_seams_keep_only_the_edges_and_forget_the_oldest() -> None:
    seams = UploadSeams(capacity=2)
    seams.part("u", "r1", b"a" * 10_000)
    assert len(seams._pending[("u", "r1")].head) == EDGE
    seams.part("u", "r2", b"b")
    seams.part("u", "r3", b"c")
    assert ("u", "r1") not in seams._pending and len(seams._pending) == 2
