"""Node ids: each host appends to a chain of its own (see `audit.canonical`, Nodes).

A node id names the host whose DB holds a chain. It is set by `audit.node` in the
config; left unset, a new DB takes one derived from the host name, and an existing DB
keeps the one it was created with (so a renamed host does not break its chain).
`group_by_node` sorts the files of several hosts into one list of files per chain.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from pathlib import Path

from llmwall.audit import store
from llmwall.errors import AuditStoreError

NODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


def check_node(value: object, where: str = "audit.node") -> str:
    """`value` if it is a valid node id, else AuditStoreError saying what is allowed."""
    if not isinstance(value, str) or not NODE_PATTERN.fullmatch(value):
        raise AuditStoreError(
            f"{where}: {value!r} is not a node id; use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example the host name)"
        )
    return value


def default_node(hostname: str | None = None) -> str:
    """A node id from the host name: its invalid characters become '-'."""
    name = hostname if hostname is not None else socket.gethostname()
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "-", name).strip("-._")[:63].rstrip("-._")
    return cleaned or "node"


def node_of(path: Path) -> str | None:
    """The node id stored in the DB at `path` (None: written before node ids existed)."""
    db = store.connect(Path(path), create=False)
    try:
        return store.read_meta(db).get("node")
    finally:
        db.conn.close()


def group_by_node(paths: Iterable[Path]) -> dict[str | None, list[Path]]:
    """Files per chain, keyed by node id, in the order nodes were first seen. Files
    without a node id (older DBs) form one group, verified as before."""
    groups: dict[str | None, list[Path]] = {}
    for path in paths:
        groups.setdefault(node_of(path), []).append(Path(path))
    return groups
