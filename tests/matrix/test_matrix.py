"""Runs every dialect's coverage cases; prints the matrix size (see docs/INSPECTED.md)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.matrix as matrix_pkg
from tests.matrix.harness import (
    PLACEHOLDER,
    Case,
    as_text,
    exposed,
    planted_secret,
    run_body,
    run_stream,
)
from tests.matrix.wire import WireCase, check_wire


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for mod in pkgutil.iter_modules(matrix_pkg.__path__):
        if mod.name.startswith("cases_"):
            cases.extend(importlib.import_module(f"tests.matrix.{mod.name}").CASES)
    return cases


CASES = _all_cases()


def _all_wire_cases() -> list[WireCase]:
    cases: list[WireCase] = []
    for mod in pkgutil.iter_modules(matrix_pkg.__path__):
        if mod.name.startswith("wire_"):
            cases.extend(importlib.import_module(f"tests.matrix.{mod.name}").WIRE_CASES)
    return cases


WIRE_CASES = _all_wire_cases()


def test_matrix_size(capsys: pytest.CaptureFixture[str]) -> None:
    every = [*CASES, *WIRE_CASES]
    dialects = sorted({c.dialect for c in every})
    with capsys.disabled():
        print(
            f"\ncoverage matrix: {len(every)} cases over {len(dialects)} dialects: "
            + ", ".join(dialects)
        )
    assert len({c.id for c in every}) == len(every), "case ids must be unique"


@pytest.mark.parametrize("case", WIRE_CASES, ids=[c.id for c in WIRE_CASES])
def test_planted_secret_on_the_wire(case: WireCase) -> None:
    check_wire(case, planted_secret())


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_planted_secret_is_redacted(case: Case) -> None:
    secret = planted_secret()
    if case.stream:
        for seed in range(3):
            out = run_stream(case, secret, seed=seed)
            text = as_text(out)
            assert secret not in text, f"secret leaked with chunking seed {seed}"
            # The text a client assembles (through the SDK) is the real check: it also
            # covers streams whose text travels encoded (Bedrock invoke chunks: base64).
            assembled = case.accept(out) if case.accept else None
            if assembled is None:
                assert PLACEHOLDER in text
            else:
                assert secret not in assembled, "secret leaked in the assembled stream text"
                assert PLACEHOLDER in assembled
    else:
        out = run_body(case, secret)
        text = exposed(as_text(out))
        assert secret not in text
        assert PLACEHOLDER in text
        if case.accept:
            case.accept(out)
