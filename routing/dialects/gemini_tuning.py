"""Gemini tuned models (`/v1beta/tunedModels`) and Vertex tuning jobs: training examples
inline (`tuningTask.trainingData.examples.examples[].textInput` and `.output`), the
display name and description. Other fields are read generically (Vertex training data
lives in Cloud Storage, not on the wire). Answers: the tuned model or operation."""

from __future__ import annotations

from typing import Any

from llmwall.routing.dialects.base import Collector, ResourceDialect
from llmwall.routing.dialects.gemini import DIALECT as GEMINI
from llmwall.routing.dialects.gemini import field
from llmwall.routing.dialects.generic import collect_json
from llmwall.routing.segment import KEY, Path, Role, Trust


def _examples(body: dict[str, Any]) -> tuple[Path, Any]:
    path: Path = ()
    node: Any = body
    for name in ("tuningTask", "trainingData", "examples", "examples"):
        key, node = field(node, name)
        path = (*path, key)
        if node is None:
            return path, None
    return path, node


class GeminiTuning(ResourceDialect):
    name = "gemini_tuning"
    errors_as = GEMINI

    def collect_request(self, c: Collector, body: dict[str, Any]) -> None:
        path, examples = _examples(body)
        for i, example in enumerate(examples if isinstance(examples, list) else ()):
            key, text = field(example, "textInput")
            c.text(text, (*path, i, key), Role.USER, Trust.USER)
            key, out = field(example, "output")
            c.text(out, (*path, i, key), Role.ASSISTANT, Trust.MODEL)
        for name, value in body.items():
            if name not in ("tuningTask", "tuning_task"):
                c.text(name, (KEY, name), Role.USER, Trust.USER)
                collect_json(c, value, (name,), Role.USER, Trust.USER)
        task = body.get("tuningTask", body.get("tuning_task"))
        if isinstance(task, dict):
            tkey = "tuningTask" if "tuningTask" in body else "tuning_task"
            for name, value in task.items():
                if name not in ("trainingData", "training_data"):
                    collect_json(c, value, (tkey, name), Role.USER, Trust.USER)

    def collect_response(self, c: Collector, body: dict[str, Any]) -> None:
        collect_json(c, body, (), Role.ASSISTANT, Trust.MODEL)


DIALECT = GeminiTuning()
