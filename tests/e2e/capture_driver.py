"""Runs inside the capture test's own network and mount namespace (test_capture.py):
starts the fake provider, runs `llmwall wrap --capture` on a client that ignores proxy
settings, and prints what the fake received as JSON on the last line of stdout."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tests.e2e.certs import make_ca_and_server
from tests.e2e.fake_provider import FakeProvider


def main(argv: list[str]) -> int:
    report = argv[0]
    cmd = argv[1:]
    tmp = Path(tempfile.mkdtemp(prefix="llmwall-capture-"))
    ca, cert, key = make_ca_and_server(tmp / "fake")
    fake = FakeProvider(cert, key)
    cfg = tmp / "config.yaml"
    cfg.write_text(
        yaml.safe_dump({"upstream_ca": str(ca), "providers": {"openai": {"upstream": fake.url}}})
    )
    wrap = [sys.executable, "-m", "llmwall", "wrap", "--capture", "--home", str(tmp / "home"),
            "--config", str(cfg)]  # fmt: skip
    if report != "-":
        wrap += ["--report", report]
    r = subprocess.run([*wrap, "--", *cmd], capture_output=True, text=True, timeout=180)
    fake.close()
    print(
        json.dumps(
            {
                "returncode": r.returncode,
                "stdout": r.stdout,
                "stderr": r.stderr[-4000:],
                "received": [x.body.decode() for x in fake.received],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
