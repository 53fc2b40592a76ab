"""`llmwall audit ...` driven through its argparse registration, as llmwall.addon.cli does."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import pytest

from llmwall.addon.cli import audit as cli_audit
from tests.audit.audit_helpers import fill


def run(argv: list[str]) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    common.add_argument("--home")
    parser = argparse.ArgumentParser(prog="llmwall")
    cli_audit.register(parser.add_subparsers(dest="command", required=True), parents=[common])
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    fill(tmp_path / "audit.db", tmp_path, 12, every=5)
    return tmp_path


def test_verify_intact_then_broken(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["audit", "verify", "--home", str(state)]) == 0
    assert capsys.readouterr().out.startswith("verified 12 records")
    conn = sqlite3.connect(state / "audit.db")
    with conn:
        conn.execute("UPDATE records SET record=replace(record,'allow','block') WHERE seq=4")
    conn.close()
    assert run(["audit", "verify", "--home", str(state)]) == 1
    assert "BROKEN at seq 4: changed" in capsys.readouterr().out


def test_verify_with_an_exported_pubkey_and_explicit_db(
    state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pub = tmp_path / "key.pub"
    assert run(["audit", "pubkey", "--home", str(state), "-o", str(pub)]) == 0
    assert pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert (
        run(
            [
                "audit",
                "verify",
                "--home",
                str(tmp_path / "elsewhere"),
                "--db",
                str(state / "audit.db"),
                "--pubkey",
                str(pub),
            ]
        )
        == 0
    )
    assert str(pub) in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["audit", "verify", "--db", "/nonexistent/a.db"], "no such audit database"),
        (["audit", "export", "--format", "jsonl", "--since", "yesterday"], "ISO 8601"),
        (["audit", "verify", "--pubkey", "/nonexistent.pem"], "No such file"),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    state: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*argv, "--home", str(state)]) == 2
    assert message in capsys.readouterr().err


def test_tail_stats_export_rotate(state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(state)]
    assert run(["audit", "tail", "-n", "3", *home]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["10", "11", "12"]
    assert run(["audit", "stats", "--json", *home]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["records"] == 12 and sum(stats["decision"].values()) == 12
    for fmt in ("jsonl", "cef", "ocsf", "ecs", "splunk-hec"):
        assert run(["audit", "export", "--format", fmt, *home]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 12
    assert run(["audit", "rotate", "--before", "9999-01-01", *home]) == 0
    assert "archived to" in capsys.readouterr().out
    assert run(["audit", "verify", *home]) == 0
    assert "verified 12 records" in capsys.readouterr().out
    assert run(["audit", "verify", "--no-archives", *home]) == 0
    assert "verified 0 records" in capsys.readouterr().out


def test_every_command_has_help_and_an_example() -> None:
    parser = argparse.ArgumentParser(prog="llmwall")
    sub = parser.add_subparsers()
    cli_audit.register(sub, parents=[])
    audit = sub.choices["audit"]
    commands = audit._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) == {
        "verify",
        "tail",
        "stats",
        "export",
        "push",
        "rotate",
        "pubkey",
        "report",
    }
    for name, p in commands.items():
        assert p.description and "example: llmwall audit " + name in (p.epilog or "")


def test_the_readme_auditor_snippet_verifies_and_catches_damage(
    state: Path, tmp_path: Path
) -> None:
    import re
    import subprocess
    import sys

    readme = (Path(__file__).resolve().parents[3] / "docs" / "AUDIT.md").read_text()
    section = readme[readme.index("How an auditor re-verifies") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code
    script = tmp_path / "auditor.py"
    script.write_text(code[1])
    argv = [
        sys.executable,
        str(script),
        str(state / "audit.db"),
        str(state / "audit" / "signing.pub"),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("ok: 12 records"), done.stderr
    conn = sqlite3.connect(state / "audit.db")
    with conn:
        conn.execute("DELETE FROM records WHERE seq > 9")
    conn.close()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "truncated" in done.stderr
