"""Plain Python HTTP clients with default settings: httpx, requests, aiohttp, urllib."""

import asyncio
import json
import sys

URL = "https://api.openai.com/v1/chat/completions"
HEADERS = {"authorization": "Bearer sk-test-key", "content-type": "application/json"}


def body(prompt: str) -> dict:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]}


def main(kind: str, prompt: str) -> str:
    if kind == "httpx":
        import httpx

        r = httpx.post(URL, json=body(prompt), headers=HEADERS, timeout=30)
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]
    if kind == "requests":
        import requests

        r = requests.post(URL, json=body(prompt), headers=HEADERS, timeout=30)
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]
    if kind == "urllib":
        import urllib.request

        req = urllib.request.Request(URL, json.dumps(body(prompt)).encode(), HEADERS)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)["choices"][0]["message"]["content"]
    if kind in ("aiohttp", "aiohttp-no-trust-env"):
        import aiohttp

        async def go() -> str:
            # aiohttp reads HTTPS_PROXY only with trust_env=True (docs/CLIENTS.md)
            trust = kind == "aiohttp"
            async with (
                aiohttp.ClientSession(trust_env=trust) as s,
                s.post(URL, json=body(prompt), headers=HEADERS) as r,
            ):
                r.raise_for_status()
                return (await r.json())["choices"][0]["message"]["content"]

        return asyncio.run(go())
    if kind == "openai":
        import openai

        c = openai.OpenAI(api_key="sk-test-key", max_retries=0)
        r = c.chat.completions.create(model="gpt-4o-mini", messages=body(prompt)["messages"])
        return r.choices[0].message.content or ""
    if kind == "anthropic":
        import anthropic

        a = anthropic.Anthropic(api_key="sk-ant-test-key", max_retries=0)
        m = a.messages.create(
            model="claude-sonnet-4-5", max_tokens=64, messages=body(prompt)["messages"]
        )
        return m.content[0].text
    raise SystemExit(f"unknown client {kind}")


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
