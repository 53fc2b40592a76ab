"""The deployment artifacts under deploy/, tested as far as this machine allows: the
Kubernetes manifests against the bundled Kubernetes 1.37 schemas (kubernetes-validate,
strict) and yamllint; the Dockerfile with hadolint and by running its command as a
non-root user on a read-only root filesystem (bubblewrap; there is no container engine
here, so the image itself is not built); the systemd unit with systemd-analyze and by
starting its ExecStart command line."""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import pytest
import yaml

from llmwall.audit.siem_config import parse_siem
from llmwall.core import config as config_module
from llmwall.core.config import load_config
from llmwall.core.policy import load_policy

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "kubernetes"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
UNIT = DEPLOY / "systemd" / "llmwall.service"
K8S_VERSION = "1.37.0"
# Keys of the issue-17 contract that the config loader may not know yet (siem: until it is
# wired); a shipped config may use them, any other unknown key is a mistake.
CONTRACT_KEYS = {"admin", "log", "workers", "siem", "front_door", "identities", "policies"}
READY = re.compile(r"llmwall listening on 127\.0\.0\.1:(\d+)")
LLMWALL = Path(sys.executable).with_name("llmwall")


INSTALL = {"bwrap": "apt-get install bubblewrap", "systemd-analyze": "apt-get install systemd"}


def need(tool: str) -> str:
    """A tool from PATH or the venv; missing: fail in CI (scripts/test-prereqs installs
    it there), else skip saying which."""
    beside = Path(sys.executable).with_name(tool)
    path = shutil.which(tool) or (str(beside) if beside.exists() else None)
    if path is None:
        message = (
            f"{tool} is not installed ({INSTALL.get(tool, 'pip install -r requirements/dev.lock')})"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # scripts/test-prereqs installs it: CI must not skip
        pytest.skip(message)
    return path


def manifests() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for path in sorted(K8S.glob("*.yaml")):
        out += [(path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return out


def by_kind(kind: str) -> dict[str, Any]:
    (doc,) = [d for _, d in manifests() if d["kind"] == kind][:1]
    return doc


# -- Kubernetes ------------------------------------------------------------------------


def test_every_manifest_is_valid_kubernetes_strictly() -> None:
    docs = manifests()
    assert {d["kind"] for _, d in docs} >= {
        "Deployment",
        "Service",
        "ConfigMap",
        "Secret",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
    }
    for path, doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        assert (
            doc["metadata"]["namespace" if doc["kind"] != "Namespace" else "name"] == "llmwall"
        ), path


@pytest.mark.parametrize(
    "break_it, error",
    [
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0]["livenessProbe"][
                "httpGet"
            ].update(prot=1),
            "prot",
        ),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image=7), "7"),
        (lambda d: d["spec"].update(replicas="two"), "two"),
        (lambda d: d["spec"]["template"]["spec"]["securityContext"].update(runAsUser="x"), "x"),
    ],
)
def test_the_validator_catches_a_broken_deployment(break_it: Any, error: str) -> None:
    doc = copy.deepcopy(by_kind("Deployment"))
    break_it(doc)
    with pytest.raises(kubernetes_validate.ValidationError, match=error):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_deployment_probes_admin_and_is_locked_down() -> None:
    dep = by_kind("Deployment")
    pod = dep["spec"]["template"]["spec"]
    (app,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert ports == {"proxy": 8080, "admin": 9090}
    assert app["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert app["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "admin"}
    for c in [app, *pod["initContainers"]]:
        sc = c["securityContext"]
        assert sc["readOnlyRootFilesystem"] and not sc["allowPrivilegeEscalation"]
        assert sc["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == 10001
    mounts = {m["mountPath"] for m in app["volumeMounts"]}
    assert {"/var/lib/llmwall", "/tmp", "/etc/llmwall/config.yaml"} <= mounts
    assert app["args"] == docker_instructions()["CMD"]  # the image's own command
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"] == labels
    assert by_kind("Service")["spec"]["selector"] == labels
    assert by_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == labels
    target = by_kind("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", dep["metadata"]["name"])
    cm = by_kind("ConfigMap")
    assert {i["name"] for i in pod["volumes"] if "configMap" in i} and cm["metadata"][
        "name"
    ] == "llmwall"


def shipped_config(text: str, tmp_path: Path, **override: Any) -> Any:
    """Load a shipped config with today's loader: contract keys it does not know yet are
    checked apart (siem by parse_siem), anything else must load as written."""
    raw = yaml.safe_load(text)
    pending = set(raw) - set(config_module._TOP_LEVEL)
    assert pending <= CONTRACT_KEYS, pending - CONTRACT_KEYS
    if "siem" in raw:
        assert parse_siem(raw["siem"], "config.yaml")
    for key in pending:
        raw.pop(key)
    raw.update(override)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_config(path)


def test_the_configmap_config_and_policy_load(tmp_path: Path) -> None:
    data = by_kind("ConfigMap")["data"]
    (tmp_path / "policy.yaml").write_text(data["policy.yaml"])
    assert load_policy(str(tmp_path / "policy.yaml")).digest
    raw = yaml.safe_load(data["config.yaml"])
    assert raw["admin"]["listen"].endswith(":9090") and raw["policy"] == "/etc/llmwall/policy.yaml"
    config = shipped_config(data["config.yaml"], tmp_path, policy=str(tmp_path / "policy.yaml"))
    assert (config.listen_port, str(config.home)) == (8080, "/var/lib/llmwall")


def test_yamllint_passes_on_deploy() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "yamllint",
            "-c",
            str(DEPLOY / ".yamllint"),
            "--strict",
            str(DEPLOY),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- Dockerfile ------------------------------------------------------------------------


def docker_instructions() -> dict[str, Any]:
    """The final stage's instructions (continuations joined); JSON forms decoded."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        stages[-1].append((word.upper(), rest.strip()))
    out: dict[str, Any] = {"COPY": [], "ENV": {}, "stages": len(stages)}
    for stage in stages:
        for word, rest in stage:
            if word == "COPY":
                out["COPY"].append(rest)
    for word, rest in stages[-1]:
        if word in ("ENTRYPOINT", "CMD", "VOLUME"):
            out[word] = json.loads(rest)
        elif word == "HEALTHCHECK":
            out[word] = rest
        elif word == "ENV":
            for part in shlex.split(rest):
                k, _, v = part.partition("=")
                out["ENV"][k] = v
        elif word != "COPY":
            out[word] = rest
    return out


def test_hadolint_passes_and_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    hadolint = need("hadolint")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.13\nRUN pip install llmwall\nUSER root\n")
    done = subprocess.run(
        [hadolint, "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0 and "DL3002" in done.stdout  # last USER root


def test_the_image_is_non_root_with_state_on_a_volume_and_a_healthcheck(tmp_path: Path) -> None:
    d = docker_instructions()
    assert d["stages"] == 2  # build tools stay in the build stage
    uid, _, gid = d["USER"].partition(":")
    assert uid.isdigit() and int(uid) >= 1000 and gid.isdigit()
    assert d["VOLUME"] == [d["ENV"]["LLMWALL_HOME"]] == ["/var/lib/llmwall"]
    assert d["ENV"]["PYTHONDONTWRITEBYTECODE"] == "1"
    assert (
        "http://127.0.0.1:9090/healthz" in d["HEALTHCHECK"] and "--start-period" in d["HEALTHCHECK"]
    )
    assert d["ENTRYPOINT"] == ["llmwall"]
    assert d["CMD"] == ["run", "--config", "/etc/llmwall/config.yaml", "--home", "/var/lib/llmwall"]
    ignored = [
        p.strip()
        for p in (REPO / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]
    for rest in d["COPY"]:
        if rest.startswith("--from"):
            continue
        *sources, _ = rest.split()
        for src in sources:
            assert (REPO / src).exists(), src
            assert src.rstrip("/").split("/")[0] not in ignored, src
    assert "deploy/docker/config.yaml /etc/llmwall/config.yaml" in d["COPY"]
    config = shipped_config((DEPLOY / "docker" / "config.yaml").read_text(), tmp_path)
    assert str(config.home) == "/var/lib/llmwall"


class _Upstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def start_llmwall(
    argv: list[str], log: Path, wrap: list[str] = ()
) -> tuple[subprocess.Popen[bytes], int]:
    out = log.open("wb")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    proc = subprocess.Popen(
        [*wrap, *argv], stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        m = READY.search(log.read_text(errors="replace"))
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    stop(proc)
    raise AssertionError("llmwall did not start:\n" + log.read_text(errors="replace"))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_through(port: int) -> None:
    """One plain request through the proxy to a local server: it serves."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with httpx.Client(proxy=f"http://127.0.0.1:{port}", timeout=10) as client:
            r = client.get(f"http://127.0.0.1:{upstream.server_address[1]}/")
        assert (r.status_code, r.text) == (200, "ok")
    finally:
        upstream.shutdown()
        upstream.server_close()


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group: bwrap does not forward signals to llmwall."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:  # it already exited (a failed start): nothing to stop
        proc.wait(5)
        return
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return  # every process of the group is gone
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)


def test_the_image_command_serves_as_uid_10001_on_a_read_only_root(tmp_path: Path) -> None:
    """The image's ENTRYPOINT + CMD, under bubblewrap: / bind-mounted read-only, a
    tmpfs on /tmp, only the state directory writable, run as the image's user."""
    bwrap = need("bwrap")
    root = Path("/var/tmp") / f"llmwall-ro-{os.getpid()}"  # outside /tmp (a tmpfs inside)
    state = root / "state"
    state.mkdir(parents=True)
    try:
        os.chmod(root, 0o755)
        os.chown(state, 10001, 10001)
        os.chmod(state, 0o700)
        d = docker_instructions()
        raw = yaml.safe_load((DEPLOY / "docker" / "config.yaml").read_text())
        for key in set(raw) - set(config_module._TOP_LEVEL):
            raw.pop(key)
        admin_port = free_port()
        raw.update(  # tests listen on loopback only
            listen="127.0.0.1:0", home=str(state), admin={"listen": f"127.0.0.1:{admin_port}"}
        )
        config = root / "config.yaml"
        config.write_text(yaml.safe_dump(raw))
        os.chmod(config, 0o644)
        mapping = {"/etc/llmwall/config.yaml": str(config), "/var/lib/llmwall": str(state)}
        argv = [str(LLMWALL), *(mapping.get(a, a) for a in d["CMD"])]
        python_home = Path(os.path.realpath(sys.executable)).parents[3]  # e.g. /root/.pyenv
        wrap = [
            bwrap,
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
            "--bind",
            str(state),
            str(state),
        ]
        if REPO.is_relative_to("/tmp"):  # a clone under /tmp: the tmpfs above hides it
            wrap += ["--ro-bind", str(REPO), str(REPO)]
        if not os.access(python_home.parent, os.R_OK | os.X_OK) or python_home.parent == Path(
            "/root"
        ):
            wrap += [
                "--tmpfs",
                str(python_home.parent),
                "--ro-bind",
                str(python_home),
                str(python_home),
            ]
        wrap += [
            "--",
            "setpriv",
            "--reuid=10001",
            "--regid=10001",
            "--clear-groups",
            "--",
            "env",
            f"HOME={state}",
        ]
        proc, port = start_llmwall(argv, tmp_path / "ro.log", wrap)
        try:
            serve_through(port)
            # the image's HEALTHCHECK command, and the readiness path the probes use
            health = json.loads(d["HEALTHCHECK"].split(" CMD ", 1)[1])
            assert health[0] == "python"
            check = [sys.executable, *(a.replace(":9090/", f":{admin_port}/") for a in health[1:])]
            assert subprocess.run(check, timeout=30).returncode == 0
            assert httpx.get(f"http://127.0.0.1:{admin_port}/readyz", timeout=5).status_code == 200
        finally:
            stop(proc)
        owners = {p.stat().st_uid for p in state.rglob("*")}
        assert owners == {10001} and (state / "audit.db").exists() and (state / "ca").is_dir()
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- systemd ---------------------------------------------------------------------------


def unit_exec_start() -> list[str]:
    (line,) = [line for line in UNIT.read_text().splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def local_unit(tmp_path: Path) -> Path:
    """The unit with its installed llmwall path pointing at this checkout's."""
    unit = tmp_path / "llmwall.service"
    unit.write_text(UNIT.read_text().replace("/opt/llmwall/bin/llmwall", str(LLMWALL)))
    return unit


def test_systemd_analyze_verifies_the_unit_and_rates_it_hardened(tmp_path: Path) -> None:
    analyze = need("systemd-analyze")
    unit = local_unit(tmp_path)
    done = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "llmwall.service" not in done.stderr, done.stderr
    done = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert m, done.stdout[-500:] + done.stderr
    assert float(m[1]) <= 2.0, done.stdout[-2000:]  # systemd's scale: 0 (locked) .. 10 (open)
    text = UNIT.read_text()
    for setting in (
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
    ):
        assert setting in text, setting


def test_the_units_exec_start_starts_llmwall_run(tmp_path: Path) -> None:
    argv = unit_exec_start()
    assert argv[:2] == ["/opt/llmwall/bin/llmwall", "run"]
    home = tmp_path / "state"
    config = tmp_path / "config.yaml"
    config.write_text("listen: 127.0.0.1:0\n")
    mapping = {
        "/opt/llmwall/bin/llmwall": str(LLMWALL),
        "/etc/llmwall/config.yaml": str(config),
        "/var/lib/llmwall": str(home),
    }
    proc, port = start_llmwall([mapping.get(a, a) for a in argv], tmp_path / "unit.log")
    try:
        serve_through(port)
    finally:
        stop(proc)
    assert (home / "audit.db").exists()
