"""The one decision vocabulary: policy actions, Verdicts, audit records and exports all
speak it.

    allow       forwarded unchanged (findings, if any, were allowed by policy)
    redact      forwarded with sensitive spans replaced in place
    block       answered by llmwall with the provider's error shape; nothing forwarded
    reroute     sent to a route's targets instead of the provider the client called
    unscanned   forwarded without inspection, visibly (fail_mode: open, or an operator's
                explicit `unknown_endpoint: allow`)
    error       the upstream or the stream failed (audit only)
    shadow      forwarded unchanged, recorded with the rule that would have acted (the
                rollout mode: `action: shadow` on a tool rule, an entity, PROMPT_INJECTION)
    pseudonymize  forwarded with sensitive values replaced by stable numbered placeholders
                (`<EMAIL_ADDRESS_1>`) that llmwall restores in the answer

A policy accepts a subset per key (for example `actions:` takes allow, redact, block).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["REWRITING", "Decision", "worst"]


class Decision(StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    BLOCK = "block"
    REROUTE = "reroute"
    UNSCANNED = "unscanned"
    ERROR = "error"
    SHADOW = "shadow"
    PSEUDONYMIZE = "pseudonymize"


# How strong a finding's action is: the strongest one decides a body.
_STRENGTH = {
    Decision.ALLOW: 0,
    Decision.SHADOW: 1,
    Decision.PSEUDONYMIZE: 2,
    Decision.REDACT: 3,
    Decision.BLOCK: 4,
}

# The decisions that forward a body with spans rewritten.
REWRITING = frozenset({Decision.REDACT, Decision.PSEUDONYMIZE})


def worst(a: Decision, b: Decision) -> Decision:
    """The stronger of two finding actions (allow < shadow < pseudonymize < redact <
    block)."""
    return a if _STRENGTH[a] >= _STRENGTH[b] else b
