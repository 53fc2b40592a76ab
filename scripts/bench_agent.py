"""The core's own cost of the agent features, in process (no proxy, no network): the
Inspector's request + answer decision for the same bodies under the default policy and
under an agent policy (tool rules, taint, pseudonymized e-mail, prompt-leak watch).

    python scripts/bench_agent.py [--rounds 2000]
    PYTHONPATH=/tmp/agent-base python scripts/bench_agent.py --default-only   # old code

Rows: a chat without tools (text answer), an agent turn with tools (tool-call answer),
the same answer streamed. Medians and p99 in microseconds; `--default-only` runs only the
default-policy column, so a checkout without the agent features can be measured with
the same bodies (the chat path without tools must not get slower).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import parse_policy
from llmwall.core.scanner import Scanner
from llmwall.detectors.engine import Detector
from llmwall.routing.dialects import get as get_dialect


def _shapes() -> Any:
    """This checkout's answer shapes, loaded by path: `llmwall` itself may come from
    another checkout (PYTHONPATH) that has no such file."""
    path = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "agent_shapes.py"
    spec = importlib.util.spec_from_file_location("agent_shapes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["agent_shapes"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.SHAPES


SHAPES = _shapes()

AGENT_POLICY: dict[str, Any] = {
    "actions": {"secret": "redact", "pii": "redact", "EMAIL_ADDRESS": "pseudonymize",
                "PROMPT_INJECTION": "block"},
    "tools": [
        {"name": "delete_*", "action": "block"},
        {"name": "send_email", "args": {"to": ".*@(?!acme\\.com$).*"}, "action": "block"},
        {"name": "*payment*", "action": "shadow"},
    ],
    "taint": {"injection_score": 0.3, "block_tools": ["send_*", "delete_*"]},
    "prompt_leak": "warn",
}  # fmt: skip
SYSTEM = "You are a helpful assistant for the operations team of a small company."
TOOLS = [
    {"type": "function", "function": {"name": n, "description": f"{n} for the user",
     "parameters": {"type": "object", "properties": {"to": {"type": "string"}}}}}
    for n in ("send_email", "search_docs", "delete_file")
]  # fmt: skip
USER = "Please write a short summary of the quarterly results for the team meeting. " * 8


def chat(tools: bool) -> bytes:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": USER + ("Mail it to alice@example.org." if tools else "")},
    ]
    if tools:
        call = {"id": "c1", "type": "function",
                "function": {"name": "search_docs", "arguments": '{"q": "summary"}'}}  # fmt: skip
        messages += [
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "Revenue up, costs flat."},
        ]
    body: dict[str, Any] = {"model": "gpt-x", "messages": messages}
    if tools:
        body["tools"] = TOOLS
    return json.dumps(body).encode()


def run(ins: Inspector, request: bytes, answer: bytes | list[bytes], rounds: int) -> list[float]:
    ex = Exchange("rid", "openai", "openai_chat", "h", "/v1/chat/completions", "127.0.0.1:9")
    dialect = get_dialect("openai_chat")
    assert dialect is not None and dialect.stream is not None
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        verdict = asyncio.run(ins.inspect_request(ex, request))
        kw = {"context": verdict.context} if hasattr(verdict, "context") else {}
        if isinstance(answer, list):
            args = (ex, dialect.stream, 64, *kw.values())
            si = ins.stream_inspector(*args)
            for chunk in answer:
                si(chunk)
            si(b"")
        else:
            asyncio.run(ins.inspect_response(ex, 200, lambda: answer, **kw))  # type: ignore[arg-type]
        times.append((time.perf_counter() - t0) * 1e6)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--default-only", action="store_true")
    args = parser.parse_args()
    scanner = Scanner(Detector())
    policies = {"default": parse_policy({}, "default")}
    if not args.default_only:
        policies["agent"] = parse_policy(AGENT_POLICY, "agent")
    inspectors = {k: Inspector(p, scanner) for k, p in policies.items()}
    text = json.dumps(SHAPES["openai_chat"].body(None, None, "The summary is ready. " * 6))
    call = SHAPES["openai_chat"].body("send_email", {"to": "bob@acme.com", "body": "hi"})
    rows = [
        ("chat without tools, text answer", chat(False), text.encode()),
        ("agent turn with tools, tool-call answer", chat(True), json.dumps(call).encode()),
        ("agent turn with tools, streamed tool call", chat(True),
         SHAPES["openai_chat"].stream("send_email", {"to": "bob@acme.com", "body": "hi"})),
    ]  # fmt: skip
    import llmwall

    print(f"\ncore request + answer decision, {args.rounds} rounds, microseconds (p50 / p99)")
    print(f"llmwall from {Path(llmwall.__file__).parent.parent}\n")
    print("| what | " + " | ".join(inspectors) + " |")
    print("|---|" + "---|" * len(inspectors))
    for label, request, answer in rows:
        cells = []
        for ins in inspectors.values():
            run(ins, request, answer, 50)  # warm-up: caches, imports
            t = sorted(run(ins, request, answer, args.rounds))
            p99 = t[min(len(t) - 1, round(0.99 * (len(t) - 1)))]
            cells.append(f"{statistics.median(t):.0f} / {p99:.0f}")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
