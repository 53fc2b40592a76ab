"""Per-node chains: a node id in every record and checkpoint, one report per node, and
DBs written before node ids still verify (a fixture made by the previous format)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from llmwall.audit import canonical, keys, nodes, verify
from llmwall.audit.log import AuditLog
from llmwall.audit.rotate import archives_of, rotate
from llmwall.errors import AuditStoreError
from tests.addon.cli.test_audit_commands import run
from tests.audit.audit_helpers import sample

LEGACY = Path(__file__).parent / "fixtures" / "legacy-v1"  # 12 archived + 3 live records


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """A copy of a DB (plus archive and home) written before node ids existed."""
    root = tmp_path / "legacy"
    shutil.copytree(LEGACY, root)
    for key in (root / "home" / "audit").glob("*.key"):
        key.chmod(0o600)  # git keeps no file modes
    (root / "home" / "audit").chmod(0o700)
    return root


def fill(db: Path, home: Path, n: int, node: str | None = None) -> AuditLog:
    log = AuditLog.open(db, home, checkpoint_every=4, node=node)
    for i in range(n):
        log.append(sample(i))
    log.close()
    return log


@pytest.mark.parametrize(
    "hostname, node",
    [
        ("gw-1", "gw-1"),
        ("gw-1.corp.example", "gw-1.corp.example"),
        ("llmwall-7d9f8c6b5-x2kqp", "llmwall-7d9f8c6b5-x2kqp"),
        ("weird host/name", "weird-host-name"),
        ("-.-", "node"),
        ("x" * 80, "x" * 63),
    ],
)
def test_the_default_node_id_comes_from_the_host_name(hostname: str, node: str) -> None:
    assert nodes.default_node(hostname) == node
    assert nodes.check_node(node) == node


@pytest.mark.parametrize("bad", ["", "-a", "a b", "a/b", "x" * 64, 7, None])
def test_bad_node_ids_are_refused_with_the_fix(bad: object, tmp_path: Path) -> None:
    with pytest.raises(AuditStoreError, match="1-63 letters"):
        nodes.check_node(bad)
    if isinstance(bad, str):
        with pytest.raises(AuditStoreError, match=r"audit\.node"):
            AuditLog.open(tmp_path / "a.db", tmp_path / "h", node=bad)


def test_every_record_and_checkpoint_names_the_node(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with AuditLog.open(db, tmp_path / "h", checkpoint_every=3, node="gw-a") as log:
        for i in range(7):
            log.append(sample(i))
    conn = sqlite3.connect(db)
    records = [json.loads(r) for (r,) in conn.execute("SELECT record FROM records")]
    cps = conn.execute("SELECT node FROM checkpoints").fetchall()
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert {r["node"] for r in records} == {"gw-a"}
    assert cps and {n for (n,) in cps} == {"gw-a"}
    assert meta["node"] == "gw-a"
    res = verify.verify([db])
    assert res.ok and res.node == "gw-a" and "node gw-a" in res.summary()


def test_an_existing_db_keeps_its_node_and_refuses_another(tmp_path: Path) -> None:
    db, home = tmp_path / "audit.db", tmp_path / "h"
    fill(db, home, 2, node="gw-a")
    with AuditLog.open(db, home) as log:  # not configured: the DB's own id (host renamed)
        assert log.node == "gw-a"
    with pytest.raises(AuditStoreError, match=r"holds the chain of node 'gw-a'.*audit.node: gw-a"):
        AuditLog.open(db, home, node="gw-b")


def test_a_checkpoint_signed_for_another_node_is_a_bad_signature(tmp_path: Path) -> None:
    home = tmp_path / "h"  # one key for both: only the node in the message tells them apart
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    fill(a, home, 8, node="gw-a")
    fill(b, home, 8, node="gw-b")
    src = sqlite3.connect(a)
    cp = src.execute("SELECT seq, hash, time, key_id, signature FROM checkpoints WHERE seq=4")
    row = cp.fetchone()
    src.close()
    dst = sqlite3.connect(b)
    with dst:  # b's chain rewritten to a's records would also need a's checkpoints
        dst.execute("UPDATE checkpoints SET signature=? WHERE seq=4", (row[4],))
    dst.close()
    res = verify.verify([b])
    assert not res.ok and res.kind == verify.BAD_SIGNATURE and res.seq == 4
    with sqlite3.connect(b) as dst:  # relabel the checkpoint as a's: still refused
        dst.execute("UPDATE checkpoints SET node='gw-a' WHERE seq=4")
    res = verify.verify([b])
    assert not res.ok and "signed for node 'gw-a'" in res.message


def test_files_of_two_nodes_are_not_one_chain(tmp_path: Path) -> None:
    fill(tmp_path / "a.db", tmp_path / "h", 3, node="gw-a")
    fill(tmp_path / "b.db", tmp_path / "h", 3, node="gw-b")
    res = verify.verify([tmp_path / "a.db", tmp_path / "b.db"])
    assert not res.ok and "different nodes" in res.message


def test_verify_nodes_reports_each_chain_on_its_own(tmp_path: Path) -> None:
    paths = []
    for name in ("gw-a", "gw-b", "gw-c"):
        db = tmp_path / name / "audit.db"
        fill(db, tmp_path / name / "home", 9, node=name)
        if name == "gw-b":  # rotated: archive + live DB are one chain
            rotate(db, tmp_path / name / "home", "9999-01-01T00:00:00.000000Z")
            fill(db, tmp_path / name / "home", 2)
            paths += archives_of(db)
        paths.append(db)
    with sqlite3.connect(tmp_path / "gw-c" / "audit.db") as conn:
        conn.execute("UPDATE records SET record=replace(record,'req-','REQ-') WHERE seq=3")
    results = verify.verify_nodes(paths)
    assert list(results) == ["gw-a", "gw-b", "gw-c"]
    assert results["gw-a"].ok and results["gw-a"].count == 9
    assert results["gw-b"].ok and results["gw-b"].count == 11
    assert not results["gw-c"].ok and results["gw-c"].seq == 3


def test_the_cli_verifies_several_nodes_with_their_own_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = []
    for name in ("gw-a", "gw-b"):
        fill(tmp_path / name / "audit.db", tmp_path / name, 5, node=name)
        args += ["--db", str(tmp_path / name / "audit.db")]
    pubs = ["--pubkey", str(tmp_path / "gw-a" / "audit" / keys.PUBLIC_KEY)]
    pubs += ["--pubkey", str(tmp_path / "gw-b" / "audit" / keys.PUBLIC_KEY)]
    assert run(["audit", "verify", *args, *pubs, "--home", str(tmp_path / "gw-a")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("node gw-a: verified 5 records") and "gw-a/audit/signing.pub" in out[0]
    assert out[1].startswith("node gw-b: verified 5 records") and "gw-b/audit/signing.pub" in out[1]
    assert out[2] == "2 nodes: every chain verified"
    # pinning only gw-a's key: gw-b's chain is not signed by it
    assert run(["audit", "verify", *args, *pubs[:2], "--home", str(tmp_path / "gw-a")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("node gw-a: verified")
    assert out[1].startswith("node gw-b: BROKEN at seq") and "bad signature" in out[1]
    assert out[2] == "2 nodes: 1 broken"


def test_a_db_from_before_node_ids_verifies_and_carries_on(
    legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, home = legacy / "audit.db", legacy / "home"
    files = [db, *archives_of(db)]
    assert nodes.node_of(db) is None
    before = verify.verify(
        files, keys.load_public_key((home / "audit/signing.pub").read_bytes(), "")
    )
    assert before.ok and before.count == 15 and before.node is None, before.summary()
    assert run(["audit", "verify", "--db", str(db), "--home", str(home)]) == 0
    assert capsys.readouterr().out.startswith("verified 15 records")
    with AuditLog.open(db, home, checkpoint_every=2, node="gw-old") as log:  # upgraded in place
        assert log.append(sample(99)) == 16
        log.append(sample(100))
    after = verify.verify([*files])
    assert after.ok and after.count == 17 and after.node == "gw-old", after.summary()
    conn = sqlite3.connect(db)
    texts = [r for (r,) in conn.execute("SELECT record FROM records ORDER BY seq")]
    cps = dict(conn.execute("SELECT seq, node FROM checkpoints"))
    conn.close()
    assert '"node"' not in texts[0] and json.loads(texts[-1])["node"] == "gw-old"
    assert None in cps.values() and "gw-old" in cps.values()  # v1 and v2 side by side
    assert canonical.encode_record(canonical.decode_record(texts[-1]), str) == texts[-1]
