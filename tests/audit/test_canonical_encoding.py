"""The fast canonical encoder gives exactly the text the specification describes."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings

from llmwall.audit import canonical
from llmwall.audit.record import AuditRecord, FindingSummary
from llmwall.errors import AuditEncodingError
from tests.audit.audit_helpers import records, sample


def reference(record: AuditRecord, digest: canonical.Digest) -> str:
    """The module docstring read literally: normalize every value, then sort_keys."""

    def norm(value: Any, free: bool) -> Any:
        if isinstance(value, FindingSummary):
            return {k: norm(v, False) for k, v in dataclasses.asdict(value).items()}
        if isinstance(value, float):
            return round(value, 6) + 0.0
        if isinstance(value, str) and free and len(value) > canonical.MAX_FREE_STRING:
            return canonical.DIGEST_PREFIX + digest(value)
        if isinstance(value, list | tuple):
            return [norm(v, free) for v in value]
        if isinstance(value, dict):
            return {k: norm(v, free) for k, v in value.items()}
        return value

    obj = {
        f.name: norm(getattr(record, f.name), f.name in ("usage", "extra"))
        for f in dataclasses.fields(record)
    }
    obj["path"] = obj["path"].split("?", 1)[0].split("#", 1)[0]
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(records)
def test_encoding_equals_the_reference_and_is_a_fixed_point(record: AuditRecord) -> None:
    text = canonical.encode_record(record, lambda s: "d" * 64)
    if not record.path.startswith(("http://", "https://")):
        assert text == reference(record, lambda s: "d" * 64)
    assert canonical.encode_record(canonical.decode_record(text), str) == text


@pytest.mark.parametrize(
    "change, where",
    [
        ({"latency_ms": math.inf}, "latency_ms"),
        ({"latency_ms": -math.inf}, "latency_ms"),
        ({"usage": {"x": math.nan}}, "usage.x"),
        ({"usage": {1: 2}}, "usage"),
        ({"extra": {"a": [object()]}}, "extra.a"),
        ({"findings": ("EMAIL",)}, "findings"),
        ({"findings": (FindingSummary("E", 1, math.nan),)}, "findings"),
    ],
)
def test_values_without_a_canonical_form_name_their_field(change: dict, where: str) -> None:
    with pytest.raises(AuditEncodingError, match=where.replace(".", r"\.")):
        canonical.encode_record(sample(**change), str)


class _Text(str):
    pass


class _Number(float):
    pass


def test_subclasses_of_plain_types_encode_like_the_plain_types() -> None:
    plain = sample(usage={"a": 1.5, "b": "x"}, extra={"k": [1, 2]})
    odd = sample(usage={_Text("a"): _Number(1.5), "b": _Text("x")}, extra={"k": (1, 2)})
    assert canonical.encode_record(odd, str) == canonical.encode_record(plain, str)
