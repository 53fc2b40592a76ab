"""Chat-template control tokens (`<|im_start|>`, `[INST]`, `<<SYS>>`, ...).

Inside a user's message such a token forges a turn boundary (an injection signal). Inside
a raw prompt that an app formats itself (Llama `prompt` on Bedrock, Ollama `raw`
generate, legacy completions) the same tokens are the prompt's structure. Text from such
fields is scanned with the tokens masked, so structure is not mistaken for an attack
while everything between the tokens is still scanned.
"""

from __future__ import annotations

import re

_ROLE = r"(?:system|user|assistant|model|tool|ipython|developer)"
TEMPLATE_TOKEN = re.compile(
    # role headers first, role name included: Llama 3, ChatML, Gemma
    rf"<\|start_header_id\|>\s*{_ROLE}?\s*<\|end_header_id\|>|<\|im_start\|>\s*{_ROLE}?|"
    rf"<start_of_turn>\s*{_ROLE}?|"
    r"<\|(?:im_start|im_end|im_sep|endoftext|system|user|assistant|end|begin_of_text|end_of_text|"
    r"start_header_id|end_header_id|eot_id|eom_id|python_tag)\|>|\[/?INST\]|<</?SYS>>|<s>|</s>|"
    r"<end_of_turn>",
    re.IGNORECASE,
)


def mask(text: str) -> str:
    """`text` with every template token replaced by spaces of the same length (offsets
    of everything else are unchanged, so findings map back to the original)."""
    return TEMPLATE_TOKEN.sub(lambda m: " " * len(m.group()), text)
