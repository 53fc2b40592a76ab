"""`siem:` validation: good sinks parse to their defaults, every mistake names its key
and the fix (`<source>: siem[i].key: ...`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmwall.audit.siem_config import SinkConfig, parse_siem
from llmwall.errors import ConfigError


@pytest.mark.parametrize(
    "raw, expect",
    [
        (
            {"type": "syslog", "url": "tcp://127.0.0.1:6514", "format": "cef"},
            dict(
                scheme="tcp",
                host="127.0.0.1",
                port=6514,
                format="cef",
                name="syslog-127.0.0.1-6514",
            ),
        ),
        ({"type": "syslog", "url": "udp://logs.corp"}, dict(scheme="udp", port=514, format="cef")),
        ({"type": "syslog", "url": "tcp+tls://siem:6514"}, dict(scheme="tcp+tls", port=6514)),
        (
            {"type": "splunk-hec", "url": "https://hec.example:8088", "token_env": "HEC_TOKEN"},
            dict(format="splunk-hec", token_env="HEC_TOKEN", port=8088, on_full="drop"),
        ),
        (
            {"type": "http", "url": "https://collector.example/ingest", "format": "ocsf"},
            dict(format="ocsf", port=443, batch=500, max_backlog=100_000, timeout=5.0),
        ),
        (
            {
                "type": "http",
                "url": "http://c:8080/x",
                "name": "lake",
                "on_full": "block",
                "batch": 50,
                "max_backlog": 1000,
                "timeout": 2,
            },
            dict(name="lake", on_full="block", batch=50, max_backlog=1000, timeout=2.0),
        ),
    ],
)
def test_good_sinks_parse_with_their_defaults(raw: dict, expect: dict) -> None:
    (sink,) = parse_siem([raw], "config.yaml")
    assert isinstance(sink, SinkConfig) and sink.where == "siem[0]"
    for key, value in expect.items():
        assert getattr(sink, key) == value, key


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"type": "syslog"}, "config.yaml: siem: expected a list of sinks"),
        (["tcp://x:1"], "siem[0]: expected a mapping"),
        (
            [{"type": "kafka", "url": "x"}],
            "siem[0].type: 'kafka' is not one of syslog, splunk-hec, http",
        ),
        ([{"type": "syslog"}], "siem[0].url: missing"),
        (
            [{"type": "syslog", "url": "http://x:1"}],
            "siem[0].url: 'http://x:1' is not a syslog URL; use tcp://",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:99999"}],
            "siem[0].url: 'tcp://x:99999' has a bad port",
        ),
        ([{"type": "http", "url": "ftp://x"}], "siem[0].url: 'ftp://x' is not an http(s) URL"),
        (
            [{"type": "syslog", "url": "tcp://x:1", "format": "splunk-hec"}],
            "siem[0].format: 'splunk-hec' is not one for a syslog sink; use one of cef, jsonl",
        ),
        (
            [{"type": "splunk-hec", "url": "https://h"}],
            "siem[0].token_env: a splunk-hec sink needs",
        ),
        (
            [{"type": "splunk-hec", "url": "https://h", "token_env": "abc-123 secret"}],
            "siem[0].token_env: expected the NAME",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "token_env": "T"}],
            "siem[0].token_env: syslog has no token",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "on_full": "wait"}],
            "siem[0].on_full: 'wait' is not one of drop, block",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "batch": 0}],
            "siem[0].batch: expected a whole number from 1 to 10000",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "max_backlog": True}],
            "siem[0].max_backlog: expected a whole number",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "timeout": -1}],
            "siem[0].timeout: expected seconds above 0",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "ca": "ca.pem"}],
            "siem[0].ca: only a tcp+tls:// or https:// sink",
        ),
        (
            [{"type": "syslog", "url": "tcp+tls://x:1", "ca": "missing.pem"}],
            "missing.pem is not a readable PEM file",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "color": "red"}],
            "siem[0]: unknown key 'color'; allowed keys: type, url",
        ),
        (
            [{"type": "syslog", "url": "tcp://x:1", "name": "a b"}],
            "siem[0].name: 'a b' is not a sink name",
        ),
        (
            [
                {"type": "syslog", "url": "tcp://x:1"},
                {"type": "http", "url": "http://y", "name": "syslog-x-1"},
            ],
            "siem[1].name: 'syslog-x-1' is also the name of siem[0]; give each sink its own name",
        ),
    ],
)
def test_mistakes_name_the_key_and_the_fix(raw: object, message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_siem(raw, "config.yaml", tmp_path)
    assert str(err.value).startswith("config.yaml: ") and message in str(err.value), str(err.value)


def test_nothing_configured_is_no_sinks_and_ca_paths_are_relative_to_the_config(
    tmp_path: Path,
) -> None:
    assert parse_siem(None, "c.yaml") == () and parse_siem([], "c.yaml") == ()
    (tmp_path / "ca.pem").write_text("x")
    (sink,) = parse_siem([{"type": "http", "url": "https://c", "ca": "ca.pem"}], "c", tmp_path)
    assert sink.ca == tmp_path / "ca.pem"
