"""The tool-call policy: every rule form, as tables of calls and the decision they get."""

from __future__ import annotations

from typing import Any

import pytest

from llmwall.core.policy import parse_policy
from llmwall.core.tool_policy import ToolPolicy
from llmwall.decision import Decision
from llmwall.errors import ConfigError

RULES: list[dict[str, Any]] = [
    {"name": "delete_*", "action": "block"},
    {"name": "send_email", "args": {"to": r".*@(?!acme\.com$).*"}, "action": "block"},
    {"name": "send_email", "action": "allow"},
    {"name": "transfer", "args": {"payee.iban": "DE.*", "amount": "[0-9]{5,}"}, "action": "block"},
    {"name": "run_*", "args": {"argv.0": "rm"}, "action": "shadow"},
    {"name": "*", "action": "shadow"},
]


def tools(**extra: Any) -> ToolPolicy:
    return parse_policy({"tools": RULES, **extra}, "test").tools


# (tool, arguments, taint, expected decision, expected rule)
CASES: list[tuple[str, Any, float, Decision, str | None]] = [
    ("delete_file", {"path": "/tmp/x"}, 0.0, Decision.BLOCK, "tools[0]"),
    ("delete_", {}, 0.0, Decision.BLOCK, "tools[0]"),
    ("undelete_file", {}, 0.0, Decision.SHADOW, "tools[5]"),  # the glob is anchored
    ("Delete_file", {}, 0.0, Decision.SHADOW, "tools[5]"),  # and case-sensitive
    ("send_email", {"to": "x@evil.example"}, 0.0, Decision.BLOCK, "tools[1]"),
    ("send_email", {"to": "bob@acme.com"}, 0.0, Decision.ALLOW, "tools[2]"),
    ("send_email", {"to": "bob@acme.com.evil.io"}, 0.0, Decision.BLOCK, "tools[1]"),
    ("send_email", {"cc": "x@evil.example"}, 0.0, Decision.ALLOW, "tools[2]"),  # path missing
    ("send_email", "not json", 0.0, Decision.ALLOW, "tools[2]"),
    (
        "transfer",
        {"payee": {"iban": "DE89370400440532013000"}, "amount": 25000},
        0.0,
        Decision.BLOCK,
        "tools[3]",
    ),
    (
        "transfer",
        {"payee": {"iban": "DE89370400440532013000"}, "amount": 250},
        0.0,
        Decision.SHADOW,
        "tools[5]",
    ),
    (
        "transfer",
        {"payee": {"iban": "FR7630006000011234567890189"}, "amount": 99999},
        0.0,
        Decision.SHADOW,
        "tools[5]",
    ),
    ("run_shell", {"argv": ["rm", "-rf", "/"]}, 0.0, Decision.SHADOW, "tools[4]"),
    ("run_shell", {"argv": ["ls"]}, 0.0, Decision.SHADOW, "tools[5]"),
    ("get_weather", {"city": "Paris"}, 0.0, Decision.SHADOW, "tools[5]"),
]


@pytest.mark.parametrize(("name", "args", "taint", "decision", "rule"), CASES)
def test_first_matching_rule_decides(
    name: str, args: Any, taint: float, decision: Decision, rule: str | None
) -> None:
    d = tools().decide(name, args, taint)
    assert (d.action, d.rule) == (decision, rule)


TAINT = {"injection_score": 0.3, "block_tools": ["send_*", "*payment*"]}

TAINT_CASES: list[tuple[str, float, Decision, str | None]] = [
    ("send_email", 0.9, Decision.BLOCK, "taint.block_tools[0]"),  # beats tools[2]'s allow
    ("send_email", 0.3, Decision.BLOCK, "taint.block_tools[0]"),  # at the threshold
    ("send_email", 0.29, Decision.ALLOW, "tools[2]"),  # below: the rules decide
    ("send_email", 0.0, Decision.ALLOW, "tools[2]"),
    ("make_payment_now", 0.5, Decision.BLOCK, "taint.block_tools[1]"),
    ("get_weather", 0.9, Decision.SHADOW, "tools[5]"),  # tainted, but not a blocked tool
]


@pytest.mark.parametrize(("name", "taint", "decision", "rule"), TAINT_CASES)
def test_taint_blocks_its_tools_before_the_rules(
    name: str, taint: float, decision: Decision, rule: str | None
) -> None:
    d = tools(taint=TAINT).decide(name, {"to": "bob@acme.com"}, taint)
    assert (d.action, d.rule) == (decision, rule)


def test_no_rules_allows_everything_and_is_inactive() -> None:
    policy = parse_policy({}, "test").tools
    assert not policy.active
    d = policy.decide("delete_everything", {}, 1.0)
    assert d.action is Decision.ALLOW and d.rule is None


def test_modes_parse_and_yaml_off_reads_as_off() -> None:
    p = parse_policy({"tool_pinning": False, "prompt_leak": "block"}, "test").tools
    assert (p.tool_pinning, p.prompt_leak) == ("off", "block")


ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"tools": {"name": "x"}}, "test: tools: expected a list of rules"),
    (
        {"tools": [{"name": "x", "action": "deny"}]},
        "test: tools[0].action: 'deny' is not one of allow, block, shadow",
    ),
    ({"tools": [{"action": "block"}]}, "test: tools[0].name: expected a tool-name glob"),
    (
        {"tools": [{"name": "x", "action": "block", "when": 1}]},
        "test: tools[0].when: unknown key; allowed: name, args, action",
    ),
    (
        {"tools": [{"name": "x", "action": "block", "args": {"to": "("}}]},
        "test: tools[0].args.to: not a valid regex",
    ),
    (
        {"tools": [{"name": "x", "action": "block", "args": ["to"]}]},
        "test: tools[0].args: expected a mapping of dotted path to regex",
    ),
    (
        {"taint": {"injection_score": 2}},
        "test: taint.injection_score: expected a number from 0 to 1",
    ),
    ({"taint": {"block_tools": ["send_*"]}}, "test: taint.injection_score: required with"),
    ({"taint": {"score": 0.3}}, "test: taint.score: unknown key"),
    (
        {"taint": {"injection_score": 0.3, "block_tools": "send_*"}},
        "test: taint.block_tools: expected a list of tool-name globs",
    ),
    (
        {"tool_pinning": "strict"},
        "test: tool_pinning: 'strict' is not one of off, warn, block, shadow",
    ),
    ({"prompt_leak": 1}, "test: prompt_leak: 1 is not one of off, warn, block, shadow"),
    (
        {"actions": {"PROMPT_INJECTION": "pseudonymize"}},
        "test: actions.PROMPT_INJECTION: 'pseudonymize' is not one of allow, redact, block, shadow",
    ),
    (
        {"responses": {"actions": {"EMAIL_ADDRESS": "pseudonymize"}}},
        "test: responses.actions.EMAIL_ADDRESS: 'pseudonymize' is not one of",
    ),
]


@pytest.mark.parametrize(("raw", "message"), ERRORS)
def test_config_errors_name_the_key(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy(raw, "test")
    assert str(err.value).startswith(message)


def test_config_errors_point_at_the_line(tmp_path: Any) -> None:
    from llmwall.core.config import load_config

    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        "policy:\n  tools:\n    - name: send_email\n      args:\n        to: '('\n"
        "      action: block\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}:5: policy.tools[0].args.to: not a valid regex")


def test_shadow_and_pseudonymize_are_entity_actions() -> None:
    p = parse_policy(
        {"actions": {"EMAIL_ADDRESS": "pseudonymize", "PROMPT_INJECTION": "shadow"}}, "test"
    )
    assert p.actions["EMAIL_ADDRESS"] is Decision.PSEUDONYMIZE
    assert p.actions["PROMPT_INJECTION"] is Decision.SHADOW
