"""Every dialect reads a request body that is not a JSON object as one unknown position,
so the policy's unknown_content (block by default) decides, never a silent pass."""

import pytest

from llmwall.routing.dialects import get, names


@pytest.mark.parametrize("name", sorted(names() - {"generic"}))  # generic reads any JSON
@pytest.mark.parametrize("body", [[{"role": "user", "content": "hi"}], "text", 3, None])
def test_a_non_object_request_is_unknown(name: str, body: object) -> None:
    dialect = get(name)
    assert dialect is not None
    extraction = dialect.extract_request(body)
    assert extraction.unknown == ((),) and not extraction.segments
