"""`llmwall wrap --report` and `llmwall audit report`: a self-contained HTML page with
plots and no content, checked in real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Proxy
from tests.e2e.fake_provider import FakeProvider
from tests.e2e.wrapped import CLIENTS, PLANTED, PROMPT, SANDBOX, offline, run, user_env, wrap_cmd

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def report(proxy: Proxy, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "session.html"
    cmd = [sys.executable, str(CLIENTS / "python_session.py"), PROMPT]
    wrapped = wrap_cmd(proxy, cmd, "--report", str(out))
    r = run(offline(wrapped) if SANDBOX else wrapped, env=user_env())
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["200", "403", "200"]
    assert f"report written to {out}" in r.stderr
    return out


def test_the_report_holds_no_content_and_fetches_nothing(report: Path) -> None:
    text = report.read_text()
    for value in (*PLANTED, "Ignore all previous", "capital of France", "sk-test-key"):
        assert value not in text
    assert PROMPT[:20] not in text  # the command line is not shown, only the program name
    assert not EXTERNAL.search(text), EXTERNAL.search(text)
    assert text.count("<svg") == 4
    findings = ("US_SSN", "EMAIL_ADDRESS", "AWS_ACCESS_KEY_ID", "PROMPT_INJECTION")
    for expected in (*findings, "api.openai.com/v1/chat/completions", "request: block"):
        assert expected in text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_report_renders_in_chromium_with_its_plots(report: Path, tmp_path: Path) -> None:
    assert CHROMIUM
    profile = [f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, *profile, "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 4 and "Requests over time" in dom.stdout
    shot = tmp_path / "report.png"
    r = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, *profile, "--window-size=1280,1600",
         f"--screenshot={shot}", report.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    pixels = {img.getpixel((x, y)) for x in range(0, img.width, 2) for y in range(0, img.height, 2)}
    # the bars are drawn: the redact and block colours of the decisions plot are on screen
    assert (0xE0, 0xA1, 0x00) in pixels and (0xC0, 0x39, 0x2B) in pixels
    shutil.copy(shot, Path(report).with_suffix(".png"))


def test_audit_report_covers_a_window(proxy: Proxy, fake: FakeProvider, report: Path) -> None:
    out = report.parent / "audit.html"
    r = proxy.cli("audit", "report", "--since", "1h", "--html", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "<svg" in text and "US_SSN" in text
    assert not any(v in text for v in PLANTED)
    future = proxy.cli("audit", "report", "--since", "2999-01-01T00:00:00Z", "--html", str(out))
    assert future.returncode == 0
    assert "No LLM request reached llmwall" in out.read_text()
