"""The `llmwall` package itself: one import name, its public API, one error root, and
the layering rule that nothing below the proxy adapter imports it."""

from __future__ import annotations

import doctest
import inspect
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import llmwall
import llmwall.errors

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("addon", "audit", "ca", "core", "detectors", "routing")
_IMPORT = re.compile(r"^\s*(?:from|import) llmwall\.(\w+)", re.M)


def test_the_public_api_is_explicit_and_importable() -> None:
    assert set(llmwall.__all__) == {*llmwall._EXPORTS, "__version__"}
    for name in llmwall.__all__:
        assert getattr(llmwall, name) is not None, name
    with pytest.raises(AttributeError):
        llmwall.NoSuchThing  # noqa: B018


def test_the_docstring_example_runs() -> None:
    result = doctest.testmod(llmwall, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_every_exception_has_the_one_root() -> None:
    errors = [
        obj
        for _, obj in inspect.getmembers(llmwall.errors, inspect.isclass)
        if issubclass(obj, BaseException)
    ]
    assert len(errors) >= 10
    assert all(issubclass(e, llmwall.errors.LlmwallError) for e in errors)
    doc = llmwall.errors.__doc__ or ""
    assert all(e.__name__ in doc for e in errors), "the hierarchy is drawn in the docstring"


def _imports(package: str) -> set[str]:
    found = set()
    for path in (REPO / package).rglob("*.py"):
        found |= set(_IMPORT.findall(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("package", ["audit", "ca", "core", "detectors", "routing"])
def test_nothing_below_the_adapter_imports_it(package: str) -> None:
    assert "addon" not in _imports(package)


def test_the_core_imports_no_mitmproxy() -> None:
    mitmproxy = re.compile(r"^\s*(?:from|import) mitmproxy\b", re.M)
    for path in (REPO / "core").rglob("*.py"):
        assert not mitmproxy.search(path.read_text(encoding="utf-8")), path


def test_code_never_imports_the_folders_by_their_bare_names() -> None:
    bare = re.compile(rf"^\s*(?:from|import) ({'|'.join(PACKAGES)})\b", re.M)
    for folder in (*PACKAGES, "tests", "scripts", "llmwall"):
        for path in (REPO / folder).rglob("*.py"):
            assert not bare.search(path.read_text(encoding="utf-8")), path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip, "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("llmwall-*.whl")
    return found


def test_the_wheel_installs_only_llmwall(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"llmwall"}
    for package in PACKAGES:
        assert f"llmwall/{package}/__init__.py" in names, package
    # the data the runtime reads is in it; the training corpora are not
    assert "llmwall/core/default_policy.yaml" in names
    assert "llmwall/detectors/models/injection_model.json" in names
    assert "llmwall/ca/node_proxy_preload.cjs" in names  # wrap gives it to Node < 22.21
    assert not any("training" in n or "synthetic_attacks" in n for n in names)
