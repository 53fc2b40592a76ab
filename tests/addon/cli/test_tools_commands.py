"""`llmwall tools list | approve | forget` over a pin store with pins in each state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmwall.addon.cli import main
from llmwall.core.pins import PinStore


@pytest.fixture
def home(tmp_path: Path) -> Path:
    pins = PinStore.at_home(tmp_path)
    for who, tool in (("10.0.0.1", "read_file"), ("10.0.0.1", "send_email"), ("user:ann", "x")):
        pins.check(who, "openai", tool, "sha256:aa")
    assert pins.check("10.0.0.1", "openai", "read_file", "sha256:bb") == "changed"
    pins.close()
    return tmp_path


def cli(home: Path, *args: str) -> int:
    return main(["tools", *args, "--home", str(home)])


def test_list_shows_states_and_no_content(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(home, "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert "read_file" in out[0] and "changed x1, pending approval" in out[0]
    assert "pinned" in out[1] and "user:ann" in out[2]
    assert cli(home, "list", "--json") == 0
    pins = json.loads(capsys.readouterr().out)
    assert {p["tool"]: p["pending"] for p in pins} == {
        "read_file": "sha256:bb", "send_email": None, "x": None,
    }  # fmt: skip


CASES = [
    # (command, narrowing, printed, pins left)
    (["approve", "read_file"], [], "approved 1 changed definition(s)", 3),
    (["approve", "--all"], [], "approved 1 changed definition(s)", 3),
    (["approve", "send_email"], [], "approved 0 changed definition(s)", 3),
    (["forget", "read_file"], [], "forgot 1 pin(s)", 2),
    (["forget", "--all"], ["--identity", "10.0.0.1"], "forgot 2 pin(s)", 1),
    (["forget", "--all"], ["--provider", "mcp:other"], "forgot 0 pin(s)", 3),
]


@pytest.mark.parametrize(("command", "narrow", "printed", "left"), CASES)
def test_approve_and_forget(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    narrow: list[str],
    printed: str,
    left: int,
) -> None:
    assert cli(home, *command, *narrow) == 0
    assert capsys.readouterr().out.strip() == printed
    pins = PinStore.at_home(home)
    assert len(pins.list()) == left
    if command[0] == "approve" and "approved 1" in printed:
        [pin] = [p for p in pins.list() if p.tool == "read_file"]
        assert (pin.digest, pin.pending) == ("sha256:bb", None)
        assert pins.check("10.0.0.1", "openai", "read_file", "sha256:bb") == "same"
    pins.close()


@pytest.mark.parametrize("command", ["approve", "forget"])
def test_a_tool_or_all_is_required(
    home: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert cli(home, command) == 2
    assert "give a TOOL or --all" in capsys.readouterr().err
