"""The coverage matrix: every dialect x text position x direction x (stream, non-stream).

Each dialect contributes `tests/matrix/cases_<dialect>.py` with a `CASES` list. A case
builds a body (or a list of raw stream chunks) with a planted secret at one position;
the harness runs it through the same code the proxy uses and checks that the secret is
gone, a placeholder took its place, and (where the provider has a Python SDK) the SDK
still accepts the rewritten body or stream.
"""

from __future__ import annotations

import json
import random
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmwall.core.judge import judge
from llmwall.core.policy import load_policy
from llmwall.core.scanner import Scanner
from llmwall.core.stream_inspector import StreamInspector
from llmwall.detectors.engine import Detector
from llmwall.routing import jsonpath
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.segment import Direction


# Distinct secret per case: an OpenAI project key, caught by a deterministic recognizer.
def planted_secret() -> str:
    alphabet = string.ascii_letters + string.digits
    return "sk-proj-" + "".join(secrets.choice(alphabet) for _ in range(48))


PLACEHOLDER = "<OPENAI_API_KEY>"


@dataclass(frozen=True)
class Case:
    dialect: str
    position: str  # human-readable JSON position, e.g. "messages[].content[].text"
    direction: str  # "request" or "response"
    stream: bool
    build: Callable[[str], Any]  # secret -> body (dict) or list[bytes] stream chunks
    # Raises if the provider's SDK rejects the rewritten body/stream. For streams it
    # returns the text a client assembles from the events (through the SDK where one
    # exists), so a secret split across deltas cannot hide from the check.
    accept: Callable[[Any], str | None] | None = None

    @property
    def id(self) -> str:
        kind = "stream" if self.stream else "body"
        return f"{self.dialect}:{self.direction}:{kind}:{self.position}"


_DETECTOR: Detector | None = None


def detector() -> Detector:
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = Detector()
    return _DETECTOR


def run_body(case: Case, secret: str) -> Any:
    dialect = get_dialect(case.dialect)
    assert dialect is not None
    body = case.build(secret)
    direction = Direction(case.direction)
    extract = (
        dialect.extract_request if direction is Direction.REQUEST else dialect.extract_response
    )
    extraction = extract(body)
    # the proxy's own scanner: text split across parts is scanned whole too
    scans = Scanner(detector()).scan(extraction)
    decision = judge(extraction, scans, load_policy(None), direction)
    return jsonpath.set_many(body, decision.rewrites)


def run_stream(case: Case, secret: str, *, seed: int = 0, holdback: int = 64) -> bytes:
    dialect = get_dialect(case.dialect)
    assert dialect is not None and dialect.stream is not None
    raw = b"".join(case.build(secret))
    det = detector()
    inspector = StreamInspector(
        dialect.stream, lambda t, i: det.scan(t, indirect=i), load_policy(None), holdback=holdback
    )
    out = []
    rng = random.Random(seed)
    pos = 0
    while pos < len(raw):
        step = rng.randint(1, 40)
        out.append(inspector(raw[pos : pos + step]))
        pos += step
    out.append(inspector(b""))
    return b"".join(out)


def as_text(value: Any) -> str:
    return (
        value.decode("utf-8", "replace")
        if isinstance(value, bytes)
        else json.dumps(value, ensure_ascii=False)
    )


def exposed(text: str) -> str:
    """`text` plus the decoding of every base64 token in it: a secret (or placeholder)
    inside a base64 part counts as present."""
    import base64
    import binascii
    import re

    out = [text]
    for token in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            out.append(base64.b64decode(token, validate=True).decode("utf-8"))
        except (binascii.Error, ValueError):
            continue
    return "\n".join(out)
