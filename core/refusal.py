"""llmwall's own error answers: the one place they are built.

Every error llmwall itself returns on an LLM host (a policy block, a body it cannot
read, an unavailable route, a failed audit) is in the provider's own JSON shape, so the
official SDK raises a clear error, and carries `x-should-retry: false` (SDKs must not
retry a policy decision) and the request id of its audit records. Messages are
content-free: rule ids, finding types and fixed phrases only.
"""

from __future__ import annotations

from llmwall.decision import Decision
from llmwall.routing.dialects import get as get_dialect
from llmwall.routing.dialects.base import ErrorShape


def refusal(
    dialect: str | None,
    status: int,
    message: str,
    code: str,
    request_id: str,
    decision: Decision = Decision.BLOCK,
) -> ErrorShape:
    """The provider-shaped error `dialect` speaks (OpenAI's shape when it is unknown)."""
    speaker = get_dialect(dialect) if dialect else None
    shape = (
        speaker.error(status, message, code)
        if speaker is not None
        else ErrorShape(
            status, {"error": {"message": message, "type": "llmwall_error", "code": code}}
        )
    )
    headers = (
        ("content-type", "application/json"),
        ("x-should-retry", "false"),
        ("x-llmwall-decision", decision.value),
        ("x-llmwall-request-id", request_id),
        *shape.headers,
    )
    return ErrorShape(shape.status, shape.body, headers)
