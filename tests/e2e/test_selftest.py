"""`llmwall selftest` as a newcomer runs it: one command, a real proxy, a verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tests.e2e.conftest import Proxy
from tests.e2e.wrapped import run


def test_selftest_shows_redaction_and_blocking() -> None:
    r = run([sys.executable, "-m", "llmwall", "selftest"], timeout=150)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "REDACTED" in out and "<US_SSN>" in out and "<AWS_ACCESS_KEY_ID>" in out
    assert "BLOCKED (HTTP 403)" in out and "the provider received nothing" in out
    assert "524-71-9036" not in out.split("the provider received:")[1].splitlines()[0]
    assert out.rstrip().endswith("selftest passed")
    assert "INFO" not in r.stderr


def test_selftest_with_a_policy_that_allows_everything_fails(tmp_path: Path) -> None:
    """It reports what the user's own config does, and says FAIL where that is unsafe."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"policy": {"version": 1, "actions": {"pii": "allow"}}}))
    r = run([sys.executable, "-m", "llmwall", "selftest", "--config", str(cfg)], timeout=150)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL PII and a secret" in r.stdout
    assert r.stdout.rstrip().endswith("selftest FAILED")


def test_selftest_against_the_running_proxy_reads_the_audit(proxy: Proxy) -> None:
    r = proxy.cli("selftest", "--running")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"proxy {proxy.url}" in r.stdout
    assert "(from the audit) findings: " in r.stdout and "US_SSNx1" in r.stdout
    assert "BLOCKED (HTTP 403)" in r.stdout and "selftest passed" in r.stdout
