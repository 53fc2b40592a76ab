"""What wrap/env set, merged with the user's environment (tables: input, expected)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from llmwall.ca.authority import ensure_ca
from llmwall.ca.client_env import (
    build_client_env,
    java_tool_options,
    merge_no_proxy,
    node_preload_path,
)

L = "localhost,127.0.0.1,::1"  # always first


@pytest.mark.parametrize(
    ("user", "kept", "dropped"),
    [
        ({}, L, ()),
        ({"NO_PROXY": "intranet.corp,10.0.0.0/8"}, L + ",intranet.corp,10.0.0.0/8", ()),
        ({"no_proxy": "a.test", "NO_PROXY": "b.test,a.test"}, L + ",b.test,a.test", ()),
        ({"NO_PROXY": "*"}, L, ("*",)),
        ({"NO_PROXY": ".openai.com,git.corp"}, L + ",git.corp", (".openai.com",)),
        ({"NO_PROXY": "api.anthropic.com:443"}, L, ("api.anthropic.com:443",)),
        ({"NO_PROXY": "azure.com"}, L, ("azure.com",)),
        ({"NO_PROXY": "amazonaws.com"}, L, ("amazonaws.com",)),
        ({"NO_PROXY": "s3.amazonaws.com,openai.com.x"}, L + ",s3.amazonaws.com,openai.com.x", ()),
    ],
)  # fmt: skip
def test_no_proxy_is_merged_and_llm_hosts_are_never_exempt(
    user: dict[str, str], kept: str, dropped: tuple[str, ...]
) -> None:
    assert merge_no_proxy(user) == (kept, dropped)


def test_config_provider_hosts_count_as_llm_hosts() -> None:
    assert merge_no_proxy({"NO_PROXY": "llm.corp"}, ["llm.corp"])[1] == ("llm.corp",)


@pytest.mark.parametrize(
    ("user", "expect_kept"),
    [
        ("", []),
        ("-Xmx1g -Dfoo=bar", ["-Xmx1g", "-Dfoo=bar"]),
        # an outer wrap's flags (or the user's own proxy) are replaced, not doubled
        ("-Dhttps.proxyHost=old -Dhttps.proxyPort=1 -Xss2m", ["-Xss2m"]),
    ],
)
def test_java_tool_options_keep_the_users_flags(user: str, expect_kept: list[str]) -> None:
    opts = shlex.split(
        java_tool_options(user, "http://127.0.0.1:8123", "localhost,.corp", Path("/t.p12"))
    )
    assert opts[: len(expect_kept)] == expect_kept
    assert "-Dhttps.proxyHost=127.0.0.1" in opts and "-Dhttps.proxyPort=8123" in opts
    assert "-Dhttp.proxyPort=8123" in opts
    non_proxy = next(o for o in opts if o.startswith("-Dhttp.nonProxyHosts="))
    assert non_proxy.split("=", 1)[1].split("|") == ["localhost", "*.localhost", "*.corp", "127.*"]
    assert "-Djavax.net.ssl.trustStore=/t.p12" in opts
    assert "-Djavax.net.ssl.trustStoreType=PKCS12" in opts
    assert sum(o.startswith("-Dhttps.proxyHost=") for o in opts) == 1


def test_capture_mode_gets_trust_but_no_proxy(tmp_path: Path) -> None:
    ca = ensure_ca(tmp_path)
    env = build_client_env(tmp_path, ca.cert, None, {}).vars
    assert "HTTPS_PROXY" not in env and "NODE_OPTIONS" not in env
    assert env["SSL_CERT_FILE"] == env["NODE_EXTRA_CA_CERTS"]
    assert "proxyHost" not in env["JAVA_TOOL_OPTIONS"]


def test_node_options_are_extended_once(tmp_path: Path) -> None:
    ca = ensure_ca(tmp_path)
    first = build_client_env(
        tmp_path, ca.cert, "http://127.0.0.1:1", {"NODE_OPTIONS": "--max-old-space-size=512"}
    )
    opts = first.vars["NODE_OPTIONS"]
    assert opts.startswith("--max-old-space-size=512 ") and str(node_preload_path()) in opts
    again = build_client_env(tmp_path, ca.cert, "http://127.0.0.1:1", {"NODE_OPTIONS": opts})
    assert again.vars["NODE_OPTIONS"] == opts
    assert node_preload_path().is_file()


def test_every_trust_variable_points_at_one_merged_bundle(tmp_path: Path) -> None:
    ca = ensure_ca(tmp_path)
    env = build_client_env(tmp_path, ca.cert, "http://127.0.0.1:1", {}).vars
    names = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")
    files = {env[v] for v in (*names, "GIT_SSL_CAINFO", "AWS_CA_BUNDLE")}
    assert len(files) == 1
    assert ca.cert.read_text() in Path(files.pop()).read_text()
