"""Suite-wide test configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e starts the real proxy: mark it `e2e`, so that
    `pytest -m e2e` and `pytest -m "not e2e"` select by it (a `pytestmark` in a
    conftest.py does not reach the test modules)."""
    for item in items:
        if E2E in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
