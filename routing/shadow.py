"""Does a host, a path or a body look like an LLM API the provider table does not know?

Used by the shadow-AI inventory (`llmwall inventory`) and by `unknown_llm_hosts: deny`.
A name looks like an LLM API when one of its labels is a known LLM vendor, product or
gateway word, or an API-ish label (`api`, `inference`, `llm`, ...) sits under `.ai`.
A request looks like one when its path is an LLM API path (`/v1/chat/completions`,
`/v1/messages`, `:generateContent`, `/api/chat`, ...) or its JSON body has the shape of
one (`model` with `messages`, `prompt`, `input` or `contents`). Every answer is a short
reason string (`name:anthropic`, `path:/chat/completions`, `body:model+messages`): the
inventory stores the reason, never the path or the body.
"""

from __future__ import annotations

import json
import re

# Vendor, product and gateway words that, as a whole DNS label or a label's dash-part,
# name an LLM API. Words that are common English or other products are left out.
_VENDOR_WORDS = frozenset(
    """
    openai anthropic claude gemini generativelanguage aiplatform bedrock mistral
    codestral cohere groq fireworks deepseek openrouter perplexity huggingface replicate
    anyscale octoai cerebras sambanova deepinfra nebius moonshot kimi zhipu bigmodel
    dashscope qwen qianfan baichuan minimax stepfun hunyuan siliconflow volces doubao
    lingyiwanwu ai21 reka voyageai jina nomic novita hyperbolic lepton baseten predibase
    featherless friendli upstage chatgpt copilot githubcopilot codeium tabnine cursor
    phind ollama vllm litellm portkey helicone llm llms gpt chatbot aigateway llmgateway
    inference
    """.split()  # noqa: SIM905
)
# API-ish first labels that, under the .ai TLD, mean an API host (api.example.ai)
_API_LABELS = frozenset({"api", "inference", "llm", "models", "gateway", "chat", "completions"})
_SHORT_WORDS = frozenset({"llm", "gpt"})  # short words that count as a dash-part too
_LABEL_SPLIT = re.compile(r"[-_]")

# (pattern, the endpoint name the inventory records)
_LLM_PATHS = tuple(
    (re.compile(rx, re.IGNORECASE), name)
    for rx, name in (
        (r"/chat/completions$", "chat/completions"),
        (r"/v\d+\w*/(?:fim/)?completions$", "completions"),
        (r"/v\d+\w*/responses$", "responses"),
        (r"/v\d+\w*/embeddings$", "embeddings"),
        (r"/v\d+\w*/messages$", "messages"),
        (r"/v\d+\w*/chat$", "chat"),
        (r":(?:stream)?generateContent$", "generateContent"),
        (r"/api/(?:chat|generate|embed|embeddings)$", "ollama"),
        (r"/model/[^/]+/(?:converse|invoke)(?:-stream|-with-response-stream)?$", "bedrock"),
    )
)
_BODY_TEXT_KEYS = ("messages", "prompt", "input", "contents", "instructions")


def host_reason(host: str) -> str | None:
    """`name:<word>` when the host name looks like an LLM API, else None."""
    host = host.lower().rstrip(".")
    if not host or _is_ip(host):
        return None
    labels = host.split(".")
    for label in labels[:-1]:  # never the TLD itself
        if label in _VENDOR_WORDS:
            return f"name:{label}"
        for part in _LABEL_SPLIT.split(label):
            if part in _VENDOR_WORDS and (len(part) > 3 or part in _SHORT_WORDS):
                return f"name:{part}"
    if labels[-1] == "ai" and len(labels) >= 3 and labels[0] in _API_LABELS:
        return f"name:{labels[0]}.*.ai"
    return None


def request_reason(path: str, content: bytes | None) -> str | None:
    """`path:<endpoint>` or `body:<keys>` when a request looks like an LLM API call."""
    bare = path.split("?", 1)[0].rstrip("/")
    for rx, name in _LLM_PATHS:
        if rx.search(bare):
            return f"path:{name}"
    if not content or content[:1] not in (b"{", b" ", b"\n", b"\t", b"\r"):
        return None
    try:
        body = json.loads(content[: 4 * 1024 * 1024])
    except (ValueError, RecursionError):
        return None
    if isinstance(body, dict) and isinstance(body.get("model"), str):
        for key in _BODY_TEXT_KEYS:
            if key in body:
                return f"body:model+{key}"
    return None


def _is_ip(host: str) -> bool:
    if host.startswith("["):
        return True
    parts = host.split(".")
    return (len(parts) == 4 and all(p.isdigit() for p in parts)) or ":" in host
