"""Point a config error at its line: `policy.yaml:12: actions.EMAIL: ...`.

Validation messages name a dotted key path (`routes[2].fallbacks[0].provider`); this
finds that key in the YAML text and adds its line number.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from llmwall.errors import ConfigError

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def line_of(text: str, dotted: str) -> int | None:
    """1-based line of the deepest key of `dotted` found in `text`, or None."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for name, index in _STEP.findall(dotted):
        if isinstance(node, yaml.MappingNode) and name:
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == name.strip():
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and index:
            i = int(index)
            if i >= len(node.value):
                return line
            node = node.value[i]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def with_line(message: str, source: str, text: str, prefix: str = "") -> str:
    """`message` is "<source>: <key path>: what is wrong"; add the key's line."""
    head = f"{source}: "
    if not message.startswith(head):
        return message
    rest = message[len(head) :]
    key = rest.split(": ", 1)[0]
    if " " in key.strip():
        return message
    line = line_of(text, prefix + key)
    return f"{source}:{line}: {rest}" if line else message


def read_yaml(path: str | os.PathLike[str], what: str) -> tuple[str, Any]:
    """The text and the parsed YAML of `path`; errors name the file (and the line)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror}") from None
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{at}") from None
