"""The real SDK of every dialect with tool calls, through the proxy: one chat turn,
streamed or not, as (answer text, [(tool name, arguments)]). A refusal raises the
SDK's own error; `Refused` carries what a stream's error event said where the SDK
yields it as an event instead of raising (Cohere)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.e2e.clients import anthropic_client, openai_client, trust
from tests.e2e.conftest import Proxy

Turn = tuple[str, list[tuple[str, Any]]]
TOOL = {
    "name": "send_email",
    "description": "Send an e-mail.",
    "schema": {
        "type": "object",
        "properties": {"to": {"type": "string"}, "body": {"type": "string"}},
        "required": ["to"],
    },
}


class Refused(Exception):
    pass


def openai_chat(proxy: Proxy, prompt: str, stream: bool, messages: Any = None) -> Turn:
    client = openai_client(proxy, max_retries=0)
    tools = [
        {
            "type": "function",
            "function": {
                "name": TOOL["name"],
                "description": TOOL["description"],
                "parameters": TOOL["schema"],
            },
        }
    ]
    msgs = messages or [{"role": "user", "content": prompt}]
    if not stream:
        r = client.chat.completions.create(model="gpt-x", messages=msgs, tools=tools)
        m = r.choices[0].message
        calls = [(c.function.name, json.loads(c.function.arguments)) for c in m.tool_calls or ()]
        return m.content or "", calls
    text, names, args = "", {}, {}
    for chunk in client.chat.completions.create(
        model="gpt-x", messages=msgs, tools=tools, stream=True
    ):
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for c in choice.delta.tool_calls or ():
                if c.function and c.function.name:
                    names[c.index] = c.function.name
                args[c.index] = args.get(c.index, "") + (c.function.arguments or "")
    return text, [(names[i], json.loads(args[i])) for i in names]


def openai_responses(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    client = openai_client(proxy, max_retries=0)
    tools = [
        {
            "type": "function",
            "name": TOOL["name"],
            "description": TOOL["description"],
            "parameters": TOOL["schema"],
        }
    ]
    if not stream:
        r = client.responses.create(model="gpt-x", input=prompt, tools=tools)  # type: ignore[arg-type]
    else:
        with client.responses.stream(model="gpt-x", input=prompt, tools=tools) as s:  # type: ignore[arg-type]
            for _ in s:
                pass
            r = s.get_final_response()
    calls = [(i.name, json.loads(i.arguments)) for i in r.output if i.type == "function_call"]
    return r.output_text, calls


def anthropic(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    client = anthropic_client(proxy, max_retries=0)
    tools = [
        {"name": TOOL["name"], "description": TOOL["description"], "input_schema": TOOL["schema"]}
    ]
    kw: dict[str, Any] = {
        "model": "claude-x",
        "max_tokens": 64,
        "tools": tools,
        "messages": [{"role": "user", "content": prompt}],
    }
    if stream:
        with client.messages.stream(**kw) as s:
            for _ in s:
                pass
            m = s.get_final_message()
    else:
        m = client.messages.create(**kw)
    text = "".join(b.text for b in m.content if b.type == "text")
    return text, [(b.name, b.input) for b in m.content if b.type == "tool_use"]


def gemini(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    from google import genai
    from google.genai import types

    client = genai.Client(
        api_key="g-test-key",
        http_options=types.HttpOptions(
            client_args={"proxy": proxy.url, "verify": trust(proxy)},
            retry_options=types.HttpRetryOptions(attempts=1),
        ),
    )
    decl = types.FunctionDeclaration(
        name=TOOL["name"], description=TOOL["description"], parameters_json_schema=TOOL["schema"]
    )
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[decl])],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    if stream:
        chunks = list(
            client.models.generate_content_stream(model="gemini-x", contents=prompt, config=config)
        )
    else:
        chunks = [client.models.generate_content(model="gemini-x", contents=prompt, config=config)]
    text, calls = "", []
    for c in chunks:
        for part in c.candidates[0].content.parts or ():
            text += part.text or ""
            if part.function_call:
                calls.append((part.function_call.name, dict(part.function_call.args or {})))
    return text, calls


def cohere(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    import cohere as sdk
    import httpx

    http = httpx.Client(proxy=proxy.url, verify=trust(proxy))
    client = sdk.ClientV2(api_key="co-test-key", httpx_client=http)
    tools = [
        {
            "type": "function",
            "function": {
                "name": TOOL["name"],
                "description": TOOL["description"],
                "parameters": TOOL["schema"],
            },
        }
    ]
    msgs = [{"role": "user", "content": prompt}]
    if not stream:
        r = client.chat(model="command-x", messages=msgs, tools=tools)  # type: ignore[arg-type]
        text = "".join(c.text for c in r.message.content or () if c.type == "text")
        calls = [
            (c.function.name, json.loads(c.function.arguments)) for c in r.message.tool_calls or ()
        ]
        return text, calls
    text, name, args = "", None, ""
    for event in client.chat_stream(model="command-x", messages=msgs, tools=tools):  # type: ignore[arg-type]
        if event.type == "content-delta":
            text += event.delta.message.content.text or ""
        elif event.type == "tool-call-start":
            name = event.delta.message.tool_calls.function.name
            args += event.delta.message.tool_calls.function.arguments or ""
        elif event.type == "tool-call-delta":
            args += event.delta.message.tool_calls.function.arguments or ""
        elif event.type == "message-end" and event.delta.finish_reason == "ERROR":
            raise Refused(event.delta.error)
    return text, [(name, json.loads(args))] if name else []


def bedrock_converse(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        verify=str(proxy.bundle),
        config=Config(proxies={"https": proxy.url}, retries={"max_attempts": 1}),
    )
    spec = {
        "toolSpec": {
            "name": TOOL["name"],
            "description": TOOL["description"],
            "inputSchema": {"json": TOOL["schema"]},
        }
    }
    kw = {
        "modelId": "m",
        "messages": [{"role": "user", "content": [{"text": prompt}]}],
        "toolConfig": {"tools": [spec]},
    }
    if not stream:
        r = client.converse(**kw)
        content = r["output"]["message"]["content"]
        text = "".join(b.get("text", "") for b in content)
        return text, [
            (b["toolUse"]["name"], b["toolUse"]["input"]) for b in content if "toolUse" in b
        ]
    text, name, args = "", None, ""
    for event in client.converse_stream(**kw)["stream"]:
        if "contentBlockStart" in event:
            name = event["contentBlockStart"]["start"]["toolUse"]["name"]
        delta = event.get("contentBlockDelta", {}).get("delta", {})
        text += delta.get("text", "")
        args += delta.get("toolUse", {}).get("input", "")
    return text, [(name, json.loads(args))] if name else []


def ollama(proxy: Proxy, prompt: str, stream: bool) -> Turn:
    import ollama as sdk

    client = sdk.Client(host="https://ollama.com", proxy=proxy.url, verify=trust(proxy))
    tools = [
        {
            "type": "function",
            "function": {
                "name": TOOL["name"],
                "description": TOOL["description"],
                "parameters": TOOL["schema"],
            },
        }
    ]
    msgs = [{"role": "user", "content": prompt}]
    parts = client.chat(model="llama-x", messages=msgs, tools=tools, stream=stream)
    text, calls = "", []
    for r in parts if stream else [parts]:
        text += r.message.content or ""
        calls += [(c.function.name, dict(c.function.arguments)) for c in r.message.tool_calls or ()]
    return text, calls


SDKS: dict[str, Callable[[Proxy, str, bool], Turn]] = {
    "openai_chat": openai_chat,
    "openai_responses": openai_responses,
    "anthropic": anthropic,
    "gemini": gemini,
    "cohere": cohere,
    "bedrock_converse": bedrock_converse,
    "ollama": ollama,
}
PROVIDERS = ("openai", "anthropic", "gemini", "cohere", "bedrock", "ollama")
