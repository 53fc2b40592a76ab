"""The inventory store: counts add up per host and port, content-free."""

from __future__ import annotations

from pathlib import Path

from llmwall.addon.inventory import Inventory, InventoryStore


def test_counts_accumulate_across_flushes(tmp_path: Path) -> None:
    store = InventoryStore(tmp_path / "inventory.db")
    inv = Inventory(store)
    inv.saw("API.Mystery-LLM.ai.", 443, "name:llm", "connects", denied=False)
    inv.saw("api.mystery-llm.ai", 443, "name:llm", "snis", denied=False)
    inv.flush()
    inv.saw("api.mystery-llm.ai", 443, "path:chat/completions", "requests", denied=True)
    inv.saw("10.0.0.9", 8000, "path:chat/completions", "requests", denied=False)
    inv.flush()
    rows = {(r["host"], r["port"]): r for r in store.rows()}
    row = rows[("api.mystery-llm.ai", 443)]
    assert (row["reason"], row["connects"], row["snis"], row["requests"], row["denied"]) == (
        "name:llm",
        1,
        1,
        1,
        1,
    )
    assert rows[("10.0.0.9", 8000)]["requests"] == 1
    assert list(rows) == [("api.mystery-llm.ai", 443), ("10.0.0.9", 8000)]  # most seen first
    assert (tmp_path / "inventory.db").stat().st_mode & 0o777 == 0o600


def test_no_file_no_rows(tmp_path: Path) -> None:
    assert InventoryStore(tmp_path / "none.db").rows() == []
