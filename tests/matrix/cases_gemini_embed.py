"""Coverage cases for Gemini embeddings (`embedContent`, `batchEmbedContents`): request
text only, responses carry vectors."""

from __future__ import annotations

from tests.matrix.harness import Case

D = "gemini_embed"


def _content(text: str) -> dict:
    return {"parts": [{"text": text}]}


CASES = [
    Case(
        D,
        "content.parts[].text (embedContent)",
        "request",
        False,
        lambda s: {"model": "models/embed-test", "content": _content(f"key {s}")},
    ),
    Case(
        D,
        "title (embedContent)",
        "request",
        False,
        lambda s: {
            "content": _content("hi"),
            "taskType": "RETRIEVAL_DOCUMENT",
            "title": f"notes {s}",
        },
    ),
    Case(
        D,
        "requests[].content.parts[].text (batchEmbedContents)",
        "request",
        False,
        lambda s: {
            "requests": [
                {"model": "models/embed-test", "content": _content("hi")},
                {"model": "models/embed-test", "content": _content(f"key {s}")},
            ]
        },
    ),
    Case(
        D,
        "requests[].content.parts[].text (snake_case)",
        "request",
        False,
        lambda s: {
            "requests": [
                {
                    "model": "models/embed-test",
                    "content": {"parts": [{"text": f"key {s}"}]},
                    "task_type": "RETRIEVAL_QUERY",
                }
            ]
        },
    ),
]
