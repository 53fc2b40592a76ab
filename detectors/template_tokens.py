"""Chat-template control tokens (`<|im_start|>`, `[INST]`, `<<SYS>>`, ...).

Inside a user's message such a token forges a turn boundary (an injection signal). Inside
a raw prompt that an app formats itself (Llama `prompt` on Bedrock, Ollama `raw`
generate, legacy completions) the same tokens are the prompt's structure. Text from such
fields is scanned with the tokens masked, so structure is not mistaken for an attack
while everything between the tokens is still scanned.
"""

from __future__ import annotations

import re

TEMPLATE_TOKEN = re.compile(
    r"<\|(?:im_start|im_end|im_sep|endoftext|system|user|assistant|end|begin_of_text|end_of_text|"
    r"start_header_id|end_header_id|eot_id|eom_id|python_tag)\|>|\[/?INST\]|<</?SYS>>|<s>|</s>|"
    r"<start_of_turn>|<end_of_turn>",
    re.IGNORECASE,
)


def mask(text: str) -> str:
    """`text` with every template token replaced by spaces of the same length (offsets
    of everything else are unchanged, so findings map back to the original)."""
    return TEMPLATE_TOKEN.sub(lambda m: " " * len(m.group()), text)
