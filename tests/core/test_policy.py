from __future__ import annotations

import pytest

from llmwall.core.policy import load_policy, parse_policy
from llmwall.decision import Decision
from llmwall.detectors.finding import Finding
from llmwall.errors import ConfigError
from llmwall.routing.segment import Direction, Trust


def f(entity: str, score: float = 1.0) -> Finding:
    return Finding(entity, 0, 5, score, "test", "test.rule")


def test_default_policy_loads_and_has_a_stable_digest() -> None:
    a, b = load_policy(None), load_policy(None)
    assert a.digest == b.digest and len(a.digest) == 64
    assert (
        a.action_for(f("EMAIL_ADDRESS"), "a@b.c", Trust.USER, Direction.REQUEST) is Decision.REDACT
    )
    assert (
        a.action_for(f("OPENAI_API_KEY"), "sk-x", Trust.USER, Direction.REQUEST) is Decision.REDACT
    )
    assert (
        a.action_for(f("PROMPT_INJECTION", 0.99), "x", Trust.USER, Direction.REQUEST)
        is Decision.BLOCK
    )


@pytest.mark.parametrize(
    ("trust", "score", "expected"),
    [
        (Trust.USER, 0.95, Decision.BLOCK),
        (Trust.USER, 0.1, None),
        (Trust.EXTERNAL, 0.75, Decision.BLOCK),
        (Trust.EXTERNAL, 0.65, None),
        (Trust.MODEL, 0.99, Decision.ALLOW),
    ],
)
def test_injection_thresholds_depend_on_the_source(
    trust: Trust, score: float, expected: Decision | None
) -> None:
    p = parse_policy({"injection": {"threshold": 0.9, "indirect_threshold": 0.7}}, "t")
    assert p.action_for(f("PROMPT_INJECTION", score), "x", trust, Direction.REQUEST) is expected


def test_entity_wins_over_category_and_responses_override() -> None:
    p = parse_policy(
        {
            "actions": {"pii": "redact", "IP_ADDRESS": "allow", "secret": "block"},
            "responses": {"actions": {"secret": "redact"}},
        },
        "t",
    )
    assert p.action_for(f("IP_ADDRESS"), "1.2.3.4", Trust.USER, Direction.REQUEST) is Decision.ALLOW
    assert (
        p.action_for(f("EMAIL_ADDRESS"), "a@b.c", Trust.USER, Direction.REQUEST) is Decision.REDACT
    )
    assert p.action_for(f("JWT"), "e", Trust.USER, Direction.REQUEST) is Decision.BLOCK
    assert p.action_for(f("JWT"), "e", Trust.MODEL, Direction.RESPONSE) is Decision.REDACT


def test_allowlist_values_patterns_digests() -> None:
    import hashlib

    digest = "sha256:" + hashlib.sha256(b"ops@corp.example").hexdigest()
    p = parse_policy(
        {"allowlist": {"values": ["a@b.c"], "patterns": [r".*@example\.org"], "digests": [digest]}},
        "t",
    )
    for value in ("a@b.c", "x@example.org", "ops@corp.example"):
        assert p.action_for(f("EMAIL_ADDRESS"), value, Trust.USER, Direction.REQUEST) is None
    assert (
        p.action_for(f("EMAIL_ADDRESS"), "z@y.x", Trust.USER, Direction.REQUEST) is Decision.REDACT
    )


def test_min_score_drops_weak_findings() -> None:
    p = parse_policy({"min_score": 0.6, "min_scores": {"PHONE_NUMBER": 0.9}}, "t")
    assert p.action_for(f("EMAIL_ADDRESS", 0.5), "x", Trust.USER, Direction.REQUEST) is None
    assert p.action_for(f("PHONE_NUMBER", 0.8), "x", Trust.USER, Direction.REQUEST) is None
    assert (
        p.action_for(f("PHONE_NUMBER", 0.95), "x", Trust.USER, Direction.REQUEST) is Decision.REDACT
    )


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (
            {"actions": {"EMAIL_ADDRESS": "redcat"}},
            "actions.EMAIL_ADDRESS: 'redcat' is not one of allow, redact, block",
        ),
        ({"actions": {"EMAIL": "redact"}}, "actions.EMAIL: unknown entity type"),
        ({"colour": 1}, "unknown key 'colour'"),
        ({"min_score": 2}, "min_score: expected a number from 0 to 1"),
        ({"injection": {"treshold": 0.5}}, "injection.treshold: unknown key"),
        ({"allowlist": {"patterns": ["("]}}, "allowlist.patterns[0]: not a valid regex"),
        ({"binary_content": "redact"}, "binary_content: 'redact' is not one of allow, block"),
        ({"version": 2}, "version"),
        ([1, 2], "must be a mapping"),
        ({"per_provider": {"olama": {}}}, "per_provider.olama: unknown provider"),
        ({"per_provider": {"ollama": {"reroute": {}}}}, "per_provider.ollama.reroute: cannot be"),
        (
            {"per_provider": {"ollama": {"injection": {"threshold": 2}}}},
            "per_provider.ollama: injection.threshold: expected a number from 0 to 1",
        ),
        ({"per_provider": []}, "per_provider: expected a mapping"),
    ],
)
def test_policy_errors_name_the_key(raw: object, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_policy(raw, "policy.yaml")
    assert needle in str(err.value) and "policy.yaml" in str(err.value)


def test_per_provider_overrides_merge_into_the_base_policy() -> None:
    p = parse_policy(
        {
            "actions": {"EMAIL_ADDRESS": "block"},
            "injection": {"indirect_threshold": 0.7},
            "per_provider": {
                "ollama": {"actions": {"pii": "allow"}, "injection": {"threshold": 0.9}}
            },
        },
        "policy.yaml",
    )
    local = p.for_provider("ollama")
    assert p.for_provider("openai") is p
    # nested mappings merge key by key: the base's other keys stay
    assert (local.injection_threshold, local.indirect_threshold) == (0.9, 0.7)
    assert local.actions["EMAIL_ADDRESS"] is Decision.BLOCK
    assert local.actions["pii"] is Decision.ALLOW
    # naming one entity lays it over the defaults: the rest of PII is still redacted
    assert p.actions["pii"] is Decision.REDACT and p.actions["secret"] is Decision.REDACT
    assert p.injection_threshold == parse_policy({}, "d").injection_threshold
    # defaults merge too when the base policy names no actions
    q = parse_policy({"per_provider": {"ollama": {"actions": {"pii": "allow"}}}}, "p")
    assert q.for_provider("ollama").actions["secret"] is Decision.REDACT


def test_presets_combine_strongest_first_and_the_policy_wins() -> None:
    p = parse_policy({"preset": ["hipaa", "pci-dss"], "actions": {"PERSON": "allow"}}, "p")
    assert p.presets == ("hipaa", "pci-dss")
    assert p.actions["MEDICAL_RECORD_NUMBER"] is Decision.REDACT  # hipaa
    assert p.actions["CARD_TRACK_DATA"] is Decision.BLOCK  # pci-dss
    assert p.actions["PERSON"] is Decision.ALLOW  # the policy's own key wins
    assert p.response_actions["CREDIT_CARD"] is Decision.BLOCK
    assert p.min_scores["CREDIT_CARD"] == 0.4
    strict = parse_policy({"preset": "secrets-strict"}, "p")
    assert strict.actions["secret"] is Decision.BLOCK and strict.min_scores["API_TOKEN"] == 0.3
    assert strict.digest != parse_policy({}, "p").digest
    local = parse_policy({"per_provider": {"openai": {"preset": ["gdpr"]}}}, "p")
    assert local.for_provider("openai").actions["FR_NIR"] is Decision.REDACT
    assert "FR_NIR" not in local.actions


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ({"preset": ["hippa"]}, "preset: unknown preset 'hippa'; use one of: gdpr, hipaa"),
        ({"preset": 3}, "preset: expected a preset name or a list of them"),
    ],
)
def test_preset_errors(raw: dict, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        parse_policy(raw, "p")
