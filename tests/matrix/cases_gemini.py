"""Coverage cases for Gemini generateContent / streamGenerateContent / countTokens
(Developer API and Vertex). Streams run in both framings: SSE (`alt=sse`, CRLF as on
Vertex, LF as on the Developer API) and the streamed JSON array."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.matrix import sdk_google_cohere_ollama as sdk
from tests.matrix.harness import Case

D = "gemini"


def _req(contents: list, **extra: object) -> dict:
    return {"contents": contents, **extra}


def _user(*parts: dict) -> dict:
    return {"role": "user", "parts": list(parts)}


def _model(*parts: dict) -> dict:
    return {"role": "model", "parts": list(parts)}


def _hi() -> list:
    return [_user({"text": "hi"})]


def _resp(*parts: dict, **cand: object) -> dict:
    return {
        "candidates": [{"content": _model(*parts), "finishReason": "STOP", "index": 0, **cand}],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 5, "totalTokenCount": 8},
        "modelVersion": "gemini-test",
        "responseId": "resp-1",
    }


def _split(text: str, n: int = 5) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


def _chunk(parts: list[dict], **cand: object) -> dict:
    return {
        "candidates": [{"content": _model(*parts), "index": 0, **cand}],
        "modelVersion": "gemini-test",
        "responseId": "resp-1",
    }


def _sentence(secret: str) -> str:
    return f"Here is the key you asked for: {secret} keep it safe, it was in the config."


def _deltas(secret: str, make: Callable[[str], dict]) -> list[dict]:
    return [_chunk([make(p)]) for p in _split(_sentence(secret))]


def _finish(chunks: list[dict], **cand: object) -> list[dict]:
    last = _chunk([{"text": ""}], finishReason="STOP", **cand)
    last["usageMetadata"] = {
        "promptTokenCount": 3,
        "candidatesTokenCount": 9,
        "totalTokenCount": 12,
    }
    return [*chunks, last]


def _frame(chunks: list[dict], framing: str) -> list[bytes]:
    if framing == "array":
        body = [json.dumps(c, indent=2).encode() for c in chunks]
        return [b"[" + body[0], *(b"\r\n,\r\n" + b for b in body[1:]), b"\r\n]"]
    nl = b"\r\n" if framing == "sse-crlf" else b"\n"
    return [b"data: " + json.dumps(c).encode() + nl + nl for c in chunks]


_STREAMS: dict[str, Callable[[str], list[dict]]] = {
    "candidates[].content.parts[].text": lambda s: _finish(_deltas(s, lambda p: {"text": p})),
    "candidates[].content.parts[].text (thought)": lambda s: _finish(
        [
            *_deltas(s, lambda p: {"text": p, "thought": True}),
            _chunk([{"text": "", "thought": True, "thoughtSignature": "c2lnbmF0dXJl"}]),
        ]
    ),
    "candidates[].content.parts[].functionCall.args": lambda s: _finish(
        [
            _chunk([{"text": "Calling the tool now."}]),
            _chunk(
                [
                    {
                        "functionCall": {
                            "name": "lookup",
                            "args": {"query": f"token {s}", "limit": 3},
                        },
                        "thoughtSignature": "c2ln",
                    }
                ]
            ),
        ]
    ),
    "candidates[].content.parts[].executableCode.code": lambda s: _finish(
        _deltas(s, lambda p: {"executableCode": {"language": "PYTHON", "code": p}})
    ),
    "candidates[].content.parts[].codeExecutionResult.output": lambda s: _finish(
        _deltas(s, lambda p: {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": p}})
    ),
    "candidates[].groundingMetadata.groundingSupports[].segment.text": lambda s: _finish(
        _deltas(s, lambda p: {"text": p}),
        groundingMetadata={
            "groundingSupports": [
                {
                    "segment": {"startIndex": 0, "endIndex": 9, "text": f"key {s}"},
                    "groundingChunkIndices": [0],
                }
            ],
            "groundingChunks": [{"web": {"uri": "https://example.com", "title": "example"}}],
        },
    ),
    "candidates[].content.parts[].functionCall.partialArgs[].stringValue (Vertex)": lambda s: (
        _finish(
            [
                _chunk(
                    [
                        {
                            "functionCall": {
                                "name": "lookup",
                                "partialArgs": [
                                    {"jsonPath": "$.q", "stringValue": p, "willContinue": True}
                                ],
                                "willContinue": True,
                            }
                        }
                    ]
                )
                for p in _split(_sentence(s))
            ]
            + [
                _chunk(
                    [
                        {
                            "functionCall": {
                                "partialArgs": [
                                    {"jsonPath": "$.q", "stringValue": "", "willContinue": False}
                                ],
                                "willContinue": False,
                            }
                        }
                    ]
                )
            ]
        )
    ),
}


def _stream_cases() -> list[Case]:
    cases = []
    for position, build in _STREAMS.items():
        for framing in ("sse-crlf", "sse", "array"):
            accept = sdk.gemini_array if framing == "array" else sdk.gemini_sse
            cases.append(
                Case(
                    D,
                    f"{position} [{framing}]",
                    "response",
                    True,
                    lambda s, b=build, f=framing: _frame(b(s), f),
                    accept,
                )
            )
    return cases


def _accept_array_body(body: Any) -> None:
    sdk.gemini_array(json.dumps(body).encode())


CASES = [
    Case(
        D,
        "systemInstruction.parts[].text",
        "request",
        False,
        lambda s: _req(_hi(), systemInstruction={"parts": [{"text": f"Use key {s}"}]}),
    ),
    Case(
        D,
        "system_instruction.parts[].text (snake_case)",
        "request",
        False,
        lambda s: _req(_hi(), system_instruction={"parts": [{"text": f"Use key {s}"}]}),
    ),
    Case(
        D,
        "contents[].parts[].text (user)",
        "request",
        False,
        lambda s: _req([_user({"text": f"my key is {s}"})]),
    ),
    Case(
        D,
        "contents[].parts[].text (model history)",
        "request",
        False,
        lambda s: _req([_user({"text": "hi"}), _model({"text": f"the key is {s}"})]),
    ),
    Case(
        D,
        "contents[].parts[].text (unsigned thought)",
        "request",
        False,
        lambda s: _req(
            [
                _user({"text": "hi"}),
                _model({"text": f"thinking about {s}", "thought": True}, {"text": "ok"}),
            ]
        ),
    ),
    Case(
        D,
        "contents[].parts[].text (signed answer)",
        "request",
        False,
        lambda s: _req(
            [_user({"text": "hi"}), _model({"text": f"the key is {s}", "thoughtSignature": "c2ln"})]
        ),
    ),
    Case(
        D,
        "contents[].parts[].functionCall.args",
        "request",
        False,
        lambda s: _req(
            [
                _model(
                    {
                        "functionCall": {"name": "f", "args": {"q": {"deep": [s]}}},
                        "thoughtSignature": "c2ln",
                    }
                )
            ]
        ),
    ),
    Case(
        D,
        "contents[].parts[].function_call.args (snake_case)",
        "request",
        False,
        lambda s: _req(
            [{"role": "model", "parts": [{"function_call": {"name": "f", "args": {"q": s}}}]}]
        ),
    ),
    Case(
        D,
        "contents[].parts[].functionResponse.response",
        "request",
        False,
        lambda s: _req(
            [_user({"functionResponse": {"name": "f", "response": {"output": f"balance for {s}"}}})]
        ),
    ),
    Case(
        D,
        "contents[].parts[].function_response.response (snake_case)",
        "request",
        False,
        lambda s: _req(
            [
                {
                    "role": "user",
                    "parts": [{"function_response": {"name": "f", "response": {"output": s}}}],
                }
            ]
        ),
    ),
    Case(
        D,
        "contents[].parts[].executableCode.code",
        "request",
        False,
        lambda s: _req(
            [_model({"executableCode": {"language": "PYTHON", "code": f"key = '{s}'"}})]
        ),
    ),
    Case(
        D,
        "contents[].parts[].codeExecutionResult.output",
        "request",
        False,
        lambda s: _req(
            [_model({"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": f"printed {s}"}})]
        ),
    ),
    Case(
        D,
        "contents[].parts[].toolResponse.response (server tool)",
        "request",
        False,
        lambda s: _req(
            [_user({"toolResponse": {"id": "t1", "response": {"result": f"found {s}"}}})]
        ),
    ),
    Case(
        D,
        "contents[].parts[].text (function role)",
        "request",
        False,
        lambda s: _req([{"role": "function", "parts": [{"text": f"tool says {s}"}]}]),
    ),
    Case(
        D,
        "tools[].functionDeclarations[].description",
        "request",
        False,
        lambda s: _req(
            _hi(), tools=[{"functionDeclarations": [{"name": "f", "description": f"uses {s}"}]}]
        ),
    ),
    Case(
        D,
        "tools[].functionDeclarations[].parameters",
        "request",
        False,
        lambda s: _req(
            _hi(),
            tools=[
                {
                    "functionDeclarations": [
                        {
                            "name": "f",
                            "parameters": {
                                "type": "OBJECT",
                                "properties": {"q": {"type": "STRING", "description": f"e.g. {s}"}},
                            },
                        }
                    ]
                }
            ],
        ),
    ),
    Case(
        D,
        "tools[].functionDeclarations[].parametersJsonSchema",
        "request",
        False,
        lambda s: _req(
            _hi(),
            tools=[
                {
                    "functionDeclarations": [
                        {
                            "name": "f",
                            "parametersJsonSchema": {
                                "type": "object",
                                "properties": {"q": {"type": "string", "default": s}},
                            },
                        }
                    ]
                }
            ],
        ),
    ),
    Case(
        D,
        "tools[].function_declarations[].description (snake_case)",
        "request",
        False,
        lambda s: _req(
            _hi(), tools=[{"function_declarations": [{"name": "f", "description": f"uses {s}"}]}]
        ),
    ),
    Case(
        D,
        "generationConfig.responseSchema",
        "request",
        False,
        lambda s: _req(
            _hi(),
            generationConfig={
                "responseMimeType": "application/json",
                "responseSchema": {"type": "OBJECT", "description": f"k {s}"},
            },
        ),
    ),
    Case(
        D,
        "generationConfig.responseJsonSchema",
        "request",
        False,
        lambda s: _req(
            _hi(),
            generationConfig={"responseJsonSchema": {"type": "object", "description": f"k {s}"}},
        ),
    ),
    Case(
        D,
        "generation_config.response_schema (snake_case)",
        "request",
        False,
        lambda s: _req(
            _hi(),
            generation_config={"response_schema": {"type": "OBJECT", "description": f"k {s}"}},
        ),
    ),
    Case(
        D,
        "generationConfig.stopSequences[]",
        "request",
        False,
        lambda s: _req(_hi(), generationConfig={"stopSequences": [s]}),
    ),
    Case(
        D,
        "generateContentRequest.contents[].parts[].text (countTokens)",
        "request",
        False,
        lambda s: {
            "generateContentRequest": {
                "model": "models/gemini-test",
                "contents": [_user({"text": f"count {s}"})],
            }
        },
    ),
    Case(
        D,
        "candidates[].content.parts[].text",
        "response",
        False,
        lambda s: _resp({"text": f"Your key: {s}"}),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].content.parts[].text (thought, signed)",
        "response",
        False,
        lambda s: _resp(
            {"text": f"thinking about {s}", "thought": True, "thoughtSignature": "c2ln"},
            {"text": "done"},
        ),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].content.parts[].functionCall.args",
        "response",
        False,
        lambda s: _resp({"functionCall": {"name": "f", "args": {"k": s, "n": 1}}}),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].content.parts[].executableCode.code",
        "response",
        False,
        lambda s: _resp({"executableCode": {"language": "PYTHON", "code": f"print('{s}')"}}),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].content.parts[].codeExecutionResult.output",
        "response",
        False,
        lambda s: _resp({"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": s}}),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].groundingMetadata.groundingSupports[].segment.text",
        "response",
        False,
        lambda s: _resp(
            {"text": "see sources"},
            groundingMetadata={
                "groundingSupports": [
                    {"segment": {"startIndex": 0, "endIndex": 3, "text": f"key {s}"}}
                ]
            },
        ),
        sdk.gemini_body,
    ),
    Case(
        D,
        "candidates[].citationMetadata.citations[].title",
        "response",
        False,
        lambda s: _resp(
            {"text": "cited"},
            citationMetadata={"citations": [{"uri": "https://example.com", "title": f"doc {s}"}]},
        ),
        sdk.gemini_body,
    ),
    Case(
        D,
        "[].candidates[].content.parts[].text (buffered JSON array)",
        "response",
        False,
        lambda s: [
            _chunk([{"text": f"Your key: {s}"}]),
            _chunk([{"text": "."}], finishReason="STOP"),
        ],
        _accept_array_body,
    ),
    *_stream_cases(),
]
