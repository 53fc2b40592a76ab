"""Wire cases: a whole request or response as bytes on the wire (any content type:
JSON, multipart, JSONL, form, text, a PDF, raw upload chunks), run through the core's
own read path (`Inspector.inspect_request` / `inspect_response`): the provider table
picks the dialect by host and path, the body codec decodes by content type, and the
Verdict's body, URL and headers are what would go upstream. The planted secret must not
be in any of them; `expect="block"` cases (text that cannot be rewritten: a PDF, an
upload chunk) must be blocked with the lock's reason in the rule."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from llmwall.core.exchange import Exchange
from llmwall.core.inspect import Inspector
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.core.verdict import Verdict
from llmwall.decision import Decision
from llmwall.routing.providers import ProviderTable
from tests.matrix.harness import PLACEHOLDER, detector


@dataclass(frozen=True)
class Wire:
    """One message as it crosses the proxy."""

    content: bytes
    content_type: str = "application/json"
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WireCase:
    dialect: str  # the dialect the provider table must pick ("generic": none knows it)
    position: str
    direction: str  # "request" or "response"
    host: str
    path: str
    build: Callable[[str], Wire]
    expect: str = "redact"  # or "block" (with `lock` in the rule)
    lock: str = ""
    # Raises if the provider's SDK rejects what llmwall sends on (see sdk_capture.py).
    accept: Callable[[bytes], None] | None = None
    tags: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.dialect}:{self.direction}:wire:{self.position}"

    @property
    def stream(self) -> bool:
        return False


_INSPECTOR: Inspector | None = None
TABLE = ProviderTable()


def inspector() -> Inspector:
    global _INSPECTOR
    if _INSPECTOR is None:
        _INSPECTOR = Inspector(load_policy(None), Scanner(detector()))
    return _INSPECTOR


def exchange(case: WireCase) -> Exchange:
    match = TABLE.identify(case.host, case.path)
    assert match is not None, f"{case.host} is not an LLM host"
    dialect = match.endpoint.dialect if match.endpoint else None
    assert (dialect or "generic") == case.dialect, f"table picked {dialect} for {case.path}"
    return Exchange("rid", match.provider.name, dialect, case.host, case.path)


def run_wire(case: WireCase, secret: str) -> tuple[Verdict, bytes, str]:
    """(the verdict, the bytes that go on, everything else that goes on as text)."""
    wire = case.build(secret)
    ins, ex = inspector(), exchange(case)
    headers = (("content-type", wire.content_type), *wire.headers)
    if case.direction == "request":
        verdict = asyncio.run(ins.inspect_request(ex, wire.content, wire.query, headers=headers))
        url = verdict.url if verdict.url is not None else f"{case.path}?{wire.query}"
        sent_headers = dict(enumerate(headers))
        for i, name, value in verdict.headers:
            sent_headers[i] = (name, value)
        rest = url + "\n" + "\n".join(f"{n}: {v}" for n, v in sent_headers.values())
    else:
        verdict = asyncio.run(
            ins.inspect_response(ex, 200, lambda: wire.content, content_type=wire.content_type)
        )
        rest = ""
    body = verdict.content if verdict.content is not None else wire.content
    return verdict, body, rest


def check_wire(case: WireCase, secret: str) -> None:
    verdict, body, rest = run_wire(case, secret)
    if case.expect == "block":
        assert verdict.decision is Decision.BLOCK, verdict.rules
        assert any(case.lock in rule for rule in verdict.rules), verdict.rules
        return
    assert verdict.decision is Decision.REDACT, verdict.rules
    rest = urllib.parse.unquote_plus(rest)
    text = body.decode("utf-8", "replace") + rest
    assert secret not in text and secret not in body.decode("utf-16", "replace")
    assert PLACEHOLDER.encode() in body or PLACEHOLDER in rest or _placeholder_encoded(body)
    if case.accept is not None:
        case.accept(body)


def _placeholder_encoded(body: bytes) -> bool:
    import base64
    import urllib.parse

    if urllib.parse.quote_plus(PLACEHOLDER).encode() in body:
        return True
    if PLACEHOLDER.encode("utf-16-le") in body:
        return True
    # base64-wrapped text parts: the placeholder is inside the re-encoded payload
    for token in body.replace(b'"', b" ").replace(b",", b" ").split():
        try:
            if PLACEHOLDER.encode() in base64.b64decode(token, validate=True):
                return True
        except ValueError:
            continue
    return False
