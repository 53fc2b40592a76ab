"""The real SDKs, pointed at the proxy and trusting llmwall's CA bundle."""

from __future__ import annotations

import ssl

import anthropic
import openai

from tests.e2e.conftest import Proxy


def openai_client(proxy: Proxy, **kw: object) -> openai.OpenAI:
    http = openai.DefaultHttpxClient(proxy=proxy.url, verify=trust(proxy))
    return openai.OpenAI(api_key="sk-test-key", http_client=http, **kw)  # type: ignore[arg-type]


def anthropic_client(proxy: Proxy, **kw: object) -> anthropic.Anthropic:
    http = anthropic.DefaultHttpxClient(proxy=proxy.url, verify=trust(proxy))
    return anthropic.Anthropic(api_key="sk-ant-test-key", http_client=http, **kw)  # type: ignore[arg-type]


def trust(proxy: Proxy) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(proxy.bundle))
