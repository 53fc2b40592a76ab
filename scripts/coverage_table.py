"""Print the coverage matrix (tests/matrix) as the markdown tables docs/INSPECTED.md shows.

python scripts/coverage_table.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llmwall.routing.providers import PROVIDERS
from tests.matrix.test_matrix import CASES, WIRE_CASES

FRAMING = {
    "openai_chat": "SSE",
    "openai_responses": "SSE (named events)",
    "openai_completions": "SSE",
    "openai_embeddings": "none",
    "anthropic": "SSE (named events)",
    "gemini": "SSE or streamed JSON array",
    "gemini_embed": "none",
    "cohere": "SSE",
    "ollama": "NDJSON",
    "bedrock_converse": "AWS eventstream",
    "bedrock_invoke": "AWS eventstream (base64 chunks)",
    "openai_assistants": "SSE (named events)",
    "openai_audio": "SSE",
    "anthropic_complete": "SSE (named events)",
    "generic": "SSE or NDJSON, event by event",
}


def main() -> None:
    print("| provider | hosts | dialects (by path) |")
    print("|---|---|---|")
    for p in PROVIDERS:
        dialects = sorted({e.dialect for e in p.endpoints})
        print(f"| `{p.name}` | {', '.join(f'`{h}`' for h in p.hosts)} | {', '.join(dialects)} |")
    by: dict[str, dict[tuple[str, bool], list[str]]] = defaultdict(lambda: defaultdict(list))
    for c in [*CASES, *WIRE_CASES]:
        by[c.dialect][(c.direction, c.stream)].append(c.position)
    total = len(CASES) + len(WIRE_CASES)
    print()
    print(f"Coverage matrix: {total} cases over {len(by)} dialects (`tests/matrix`), each a")
    print("distinct planted secret redacted at that position (or, where text cannot be")
    print("rewritten, blocked), streams under random chunkings, rewritten bodies and streams")
    print(f"accepted by the provider's real SDK; {len(WIRE_CASES)} of them run whole wire")
    print("messages (multipart, JSONL, form, text, query, headers) through the core's read")
    print("path, most as the real SDKs send them.")
    print()
    print(
        "| dialect | stream framing | request positions | response positions | stream positions |"
    )
    print("|---|---|---|---|---|")
    for dialect in sorted(by):
        cells = by[dialect]
        req = cells[("request", False)]
        resp = cells[("response", False)]
        stream = cells[("response", True)]
        framing = FRAMING.get(dialect, "none")
        print(f"| {dialect} | {framing} | {len(req)} | {len(resp)} | {len(stream)} |")
    print()
    print("<details><summary>Every position in the matrix</summary>\n")
    for dialect in sorted(by):
        for (direction, stream), positions in sorted(by[dialect].items()):
            kind = "stream" if stream else "body"
            print(f"- **{dialect}** {direction} {kind}: " + "; ".join(f"`{p}`" for p in positions))
    print("\n</details>")


if __name__ == "__main__":
    main()
