"""llmwall's exception hierarchy.

LlmwallError
├── ConfigError      a config or policy file is wrong; the message names the key and the fix
└── InspectionError  a body could not be inspected (malformed JSON, bad encoding, ...)
"""


class LlmwallError(Exception):
    pass


class ConfigError(LlmwallError):
    pass


class InspectionError(LlmwallError):
    """Raised with a content-free reason: never put body text into the message."""
