"""Coverage cases for Bedrock Converse / ConverseStream (eventstream responses)."""

from __future__ import annotations

import json
from typing import Any

from llmwall.routing.framing.eventstream import event_message
from tests.matrix import sdk_bedrock
from tests.matrix.harness import Case

D = "bedrock_converse"


def _req(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    msgs = list(messages) or [_user({"text": "hi"})]
    return {"messages": msgs, "inferenceConfig": {"maxTokens": 100}, **extra}


def _user(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def _resp(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": list(blocks)}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 7, "totalTokens": 12},
        "metrics": {"latencyMs": 42},
    }


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def stream(blocks: list[tuple[str, str]]) -> list[bytes]:
    """A ConverseStream response: one content block per (kind, text), padded like Bedrock."""
    pad = "abcdefghijklmnopqrstuvwxyzABCDEF"
    events: list[tuple[str, dict[str, Any]]] = [
        ("messageStart", {"role": "assistant", "p": pad[:7]})
    ]
    for i, (kind, text) in enumerate(blocks):
        if kind == "text":
            events += [
                (
                    "contentBlockDelta",
                    {"contentBlockIndex": i, "delta": {"text": part}, "p": pad[: len(part)]},
                )
                for part in _split(text)
            ]
        elif kind == "tool":
            events.append(
                (
                    "contentBlockStart",
                    {
                        "contentBlockIndex": i,
                        "start": {"toolUse": {"toolUseId": "tooluse_1", "name": "lookup"}},
                    },
                )
            )
            events += [
                (
                    "contentBlockDelta",
                    {"contentBlockIndex": i, "delta": {"toolUse": {"input": part}}, "p": "ab"},
                )
                for part in _split(text, 3)
            ]
        elif kind == "toolResult":
            events.append(
                (
                    "contentBlockStart",
                    {
                        "contentBlockIndex": i,
                        "start": {"toolResult": {"toolUseId": "tooluse_1", "status": "success"}},
                    },
                )
            )
            events += [
                (
                    "contentBlockDelta",
                    {"contentBlockIndex": i, "delta": {"toolResult": [{"text": part}]}},
                )
                for part in _split(text)
            ]
        elif kind == "citation":
            citation = {
                "title": "doc",
                "sourceContent": [{"text": text}],
                "location": {"documentChar": {"documentIndex": 0, "start": 0, "end": 5}},
            }
            events.append(
                ("contentBlockDelta", {"contentBlockIndex": i, "delta": {"citation": citation}})
            )
        events.append(("contentBlockStop", {"contentBlockIndex": i, "p": "abc"}))
    events.append(("messageStop", {"stopReason": "end_turn", "p": "abcd"}))
    events.append(
        (
            "metadata",
            {
                "usage": {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14},
                "metrics": {"latencyMs": 30},
                "p": "ab",
            },
        )
    )
    return [event_message(name, data) for name, data in events]


_SAY = "Here is the key: {s} and more words after it to flow."

CASES = [
    Case(D, "system[].text", "request", False, lambda s: _req(system=[{"text": f"key {s}"}])),
    Case(
        D,
        "system[].guardContent.text.text",
        "request",
        False,
        lambda s: _req(system=[{"guardContent": {"text": {"text": f"key {s}"}}}]),
    ),
    Case(
        D,
        "messages[].content[].text",
        "request",
        False,
        lambda s: _req(_user({"text": f"key {s}"})),
    ),
    Case(
        D,
        "messages[].content[].text (assistant)",
        "request",
        False,
        lambda s: _req(
            _user({"text": "hi"}), {"role": "assistant", "content": [{"text": f"k {s}"}]}
        ),
    ),
    Case(
        D,
        "messages[].content[].toolUse.input",
        "request",
        False,
        lambda s: _req(
            {
                "role": "assistant",
                "content": [
                    {"toolUse": {"toolUseId": "t1", "name": "f", "input": {"q": {"deep": [s]}}}}
                ],
            }
        ),
    ),
    Case(
        D,
        "messages[].content[].toolResult.content[].text",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "toolResult": {
                        "toolUseId": "t1",
                        "content": [{"text": f"out {s}"}],
                        "status": "success",
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "messages[].content[].toolResult.content[].json",
        "request",
        False,
        lambda s: _req(
            _user({"toolResult": {"toolUseId": "t1", "content": [{"json": {"rows": [{"k": s}]}}]}})
        ),
    ),
    Case(
        D,
        "messages[].content[].toolResult.content[].document.source.text",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "toolResult": {
                        "toolUseId": "t1",
                        "content": [
                            {
                                "document": {
                                    "format": "txt",
                                    "name": "d",
                                    "source": {"text": f"d {s}"},
                                }
                            }
                        ],
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "messages[].content[].toolResult.content[].searchResult.content[].text",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "toolResult": {
                        "toolUseId": "t1",
                        "content": [
                            {
                                "searchResult": {
                                    "source": "https://example.com",
                                    "title": "r",
                                    "content": [{"text": f"found {s}"}],
                                }
                            }
                        ],
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "messages[].content[].document.source.text",
        "request",
        False,
        lambda s: _req(
            _user({"document": {"format": "txt", "name": "notes", "source": {"text": f"doc {s}"}}})
        ),
    ),
    Case(
        D,
        "messages[].content[].document.source.content[].text",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "document": {
                        "format": "txt",
                        "name": "notes",
                        "source": {"content": [{"text": f"doc {s}"}]},
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "messages[].content[].document.context",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "document": {
                        "format": "pdf",
                        "name": "n",
                        "context": f"ctx {s}",
                        "source": {"s3Location": {"uri": "s3://b/k"}},
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "messages[].content[].guardContent.text.text",
        "request",
        False,
        lambda s: _req(_user({"guardContent": {"text": {"text": f"guard {s}"}}})),
    ),
    Case(
        D,
        "messages[].content[].citationsContent.content[].text",
        "request",
        False,
        lambda s: _req(
            _user({"text": "q"}),
            {
                "role": "assistant",
                "content": [
                    {"citationsContent": {"content": [{"text": f"cited {s}"}], "citations": []}}
                ],
            },
        ),
    ),
    Case(
        D,
        "messages[].content[].citationsContent.citations[].sourceContent[].text",
        "request",
        False,
        lambda s: _req(
            _user({"text": "q"}),
            {
                "role": "assistant",
                "content": [
                    {
                        "citationsContent": {
                            "content": [{"text": "x"}],
                            "citations": [{"title": "t", "sourceContent": [{"text": f"src {s}"}]}],
                        }
                    }
                ],
            },
        ),
    ),
    Case(
        D,
        "messages[].content[].searchResult.content[].text",
        "request",
        False,
        lambda s: _req(
            _user(
                {
                    "searchResult": {
                        "source": "https://example.com",
                        "title": "r",
                        "content": [{"text": f"found {s}"}],
                    }
                }
            )
        ),
    ),
    Case(
        D,
        "toolConfig.tools[].toolSpec.description",
        "request",
        False,
        lambda s: _req(
            toolConfig={
                "tools": [
                    {
                        "toolSpec": {
                            "name": "f",
                            "description": f"uses {s}",
                            "inputSchema": {"json": {"type": "object"}},
                        }
                    }
                ]
            }
        ),
    ),
    Case(
        D,
        "toolConfig.tools[].toolSpec.inputSchema.json (strings)",
        "request",
        False,
        lambda s: _req(
            toolConfig={
                "tools": [
                    {
                        "toolSpec": {
                            "name": "f",
                            "inputSchema": {
                                "json": {
                                    "type": "object",
                                    "properties": {
                                        "q": {"type": "string", "description": f"e.g. {s}"}
                                    },
                                }
                            },
                        }
                    }
                ]
            }
        ),
    ),
    Case(
        D,
        "additionalModelRequestFields (leaves)",
        "request",
        False,
        lambda s: _req(additionalModelRequestFields={"metadata": {"note": f"k {s}"}}),
    ),
    Case(
        D,
        "promptVariables.*.text",
        "request",
        False,
        lambda s: _req(promptVariables={"name": {"text": f"k {s}"}}),
    ),
    Case(
        D,
        "output.message.content[].text",
        "response",
        False,
        lambda s: _resp({"text": f"key {s}"}),
        sdk_bedrock.converse_body,
    ),
    Case(
        D,
        "output.message.content[].toolUse.input",
        "response",
        False,
        lambda s: _resp({"toolUse": {"toolUseId": "t1", "name": "f", "input": {"k": s}}}),
        sdk_bedrock.converse_body,
    ),
    Case(
        D,
        "output.message.content[].citationsContent.content[].text",
        "response",
        False,
        lambda s: _resp(
            {"citationsContent": {"content": [{"text": f"cited {s}"}], "citations": []}}
        ),
        sdk_bedrock.converse_body,
    ),
    Case(
        D,
        "contentBlockDelta.delta.text",
        "response",
        True,
        lambda s: stream([("text", _SAY.format(s=s))]),
        sdk_bedrock.converse_stream,
    ),
    Case(
        D,
        "contentBlockDelta.delta.toolUse.input",
        "response",
        True,
        lambda s: stream(
            [("text", "Calling the tool."), ("tool", json.dumps({"q": f"token {s}"}))]
        ),
        sdk_bedrock.converse_stream,
    ),
    Case(
        D,
        "contentBlockDelta.delta.text (second block)",
        "response",
        True,
        lambda s: stream([("tool", json.dumps({"q": 1})), ("text", _SAY.format(s=s))]),
        sdk_bedrock.converse_stream,
    ),
    Case(
        D,
        "contentBlockDelta.delta.toolResult[].text",
        "response",
        True,
        lambda s: stream([("toolResult", _SAY.format(s=s)), ("text", "done")]),
        None,
    ),
]

# Citations in a stream are redacted through `StreamDialect.embedded`; the inspector does
# not yet notice an in-place redaction of an embedded object (see
# tests/routing/test_bedrock_converse.py), so this case runs there until it does.
CITATION_STREAM = Case(
    D,
    "contentBlockDelta.delta.citation.sourceContent[].text",
    "response",
    True,
    lambda s: stream([("text", "see the doc"), ("citation", f"src {s}")]),
    sdk_bedrock.converse_stream,
)
