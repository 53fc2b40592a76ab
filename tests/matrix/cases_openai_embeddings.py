"""Coverage cases for OpenAI Embeddings: text only in the request's `input`."""

from __future__ import annotations

from typing import Any

from tests.matrix.harness import Case

D = "openai_embeddings"


def accept_request(body: Any) -> None:
    import pydantic
    from openai.types.embedding_create_params import EmbeddingCreateParams

    pydantic.TypeAdapter(EmbeddingCreateParams).validate_python(body)


CASES = [
    Case(
        D,
        "input (string)",
        "request",
        False,
        lambda s: {"model": "text-embedding-test", "input": f"key {s}"},
        accept_request,
    ),
    Case(
        D,
        "input[] (strings)",
        "request",
        False,
        lambda s: {
            "model": "text-embedding-test",
            "input": ["doc one", f"doc {s}"],
            "encoding_format": "float",
        },
        accept_request,
    ),
]
