from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One llmwall home (HMAC and signing keys) shared by the session's tests."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.db"
