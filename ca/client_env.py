"""Environment variables that point a client at llmwall and make it trust llmwall's CA."""

from __future__ import annotations

import shlex

from llmwall.ca.authority import CAFiles

LOOPBACK = "localhost,127.0.0.1,::1"


def client_env(ca: CAFiles, proxy_url: str) -> dict[str, str]:
    bundle = str(ca.bundle)
    return {
        "HTTPS_PROXY": proxy_url,
        "HTTP_PROXY": proxy_url,
        "https_proxy": proxy_url,
        "http_proxy": proxy_url,
        "NO_PROXY": LOOPBACK,
        "no_proxy": LOOPBACK,
        # Python (ssl, httpx, the OpenAI/Anthropic SDKs), requests, curl, git, Node
        "SSL_CERT_FILE": bundle,
        "REQUESTS_CA_BUNDLE": bundle,
        "CURL_CA_BUNDLE": bundle,
        "GIT_SSL_CAINFO": bundle,
        "NODE_EXTRA_CA_CERTS": str(ca.cert),
        "NODE_USE_ENV_PROXY": "1",
        "AWS_CA_BUNDLE": bundle,
        "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH": bundle,
    }


def shell_exports(env: dict[str, str]) -> str:
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
