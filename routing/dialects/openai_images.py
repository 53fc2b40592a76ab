"""OpenAI images: generations (JSON: `prompt`, `user`), edits (multipart with `image`,
`image[]` and `mask` files, or JSON with image URLs) and variations. Images are binary;
prompts and URLs are text. Answers: `data[].revised_prompt` (the model's rewrite of the
prompt) and `url`; `b64_json` is binary. Streamed partial images are binary events."""

from __future__ import annotations

from typing import Any

from llmwall.routing.body import Body
from llmwall.routing.body.multipart import MultipartBody
from llmwall.routing.dialects.base import Collector, Dialect, ErrorShape
from llmwall.routing.dialects.fields import collect_fields, collect_rest
from llmwall.routing.dialects.generic import collect_body, collect_part_head
from llmwall.routing.dialects.openai_chat import OpenAIChat
from llmwall.routing.segment import Extraction, Role, Trust

TEXT_FIELDS = ("prompt", "user", "images", "mask", "metadata")
KNOWN_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        "model",
        "n",
        "size",
        "quality",
        "style",
        "response_format",
        "output_format",
        "output_compression",
        "background",
        "moderation",
        "stream",
        "partial_images",
        "input_fidelity",
    }
)


class OpenAIImages(Dialect):
    name = "openai_images"

    def read_request(self, body: Body) -> Extraction:
        if not isinstance(body, MultipartBody):
            return super().read_request(body)
        c = Collector()
        for i, part in enumerate(body.parts):
            collect_part_head(c, part, (i,), Role.USER, Trust.USER)
            collect_body(c, part.body, (i, "value"), Role.USER, Trust.USER)
        return c.build()

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        collect_fields(c, body, TEXT_FIELDS)
        collect_rest(c, body, KNOWN_FIELDS)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        for i, image in enumerate(body.get("data") or ()):
            if not isinstance(image, dict):
                continue
            c.text(
                image.get("revised_prompt"),
                ("data", i, "revised_prompt"),
                Role.ASSISTANT,
                Trust.MODEL,
            )
            c.text(image.get("url"), ("data", i, "url"), Role.ASSISTANT, Trust.MODEL)
            if image.get("b64_json"):
                c.binary(("data", i, "b64_json"))

    def error(self, status: int, message: str, code: str) -> ErrorShape:
        return OpenAIChat().error(status, message, code)

    def wants_stream(self, body: Any, path: str, query: str) -> bool:
        return isinstance(body, dict) and body.get("stream") is True

    def portable(self, body: Any) -> bool:
        return False


DIALECT = OpenAIImages()
