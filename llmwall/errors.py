"""Every exception llmwall raises, in one place (httpx style).

    LlmwallError                 root: catch this to catch anything of llmwall's
    ├── ConfigError              a config, policy or route is wrong; the message names the
    │                            file, the line, the key and the fix
    ├── InspectionError          a body could not be read (malformed or duplicate-key JSON,
    │   │                        a corrupt content-encoding, ...): blocked with a 400
    │   └── BodyTooLarge         a body decodes beyond limits.max_decompressed or
    │                            limits.max_ratio: 413 (request) / 502 (response)
    ├── TranslationError         a request or answer the target dialect cannot express
    │                            (that fallback is skipped)
    ├── FramingError             a response stream's framing is corrupt (also a ValueError)
    │   └── TruncatedStream      the stream ended inside an event
    ├── PathError                a write-back path does not exist in a body (also a LookupError)
    └── AuditError               anything the audit subsystem refuses or cannot do
        ├── AuditKeyError        a key file is missing, unreadable, malformed or not owner-only
        ├── AuditStoreError      the database is not an llmwall audit DB, or another key signed it
        ├── AuditEncodingError   a record holds a value that has no canonical encoding
        └── SiemError            a SIEM sink could not take a batch (unreachable, refused,
                                 answered an error); the pusher retries it

Messages never carry request or response content: they are built from key names,
type names, sizes and rule ids only, so they are safe in logs and error bodies.
Verification failures of the audit chain are results, not exceptions
(`llmwall.audit.verify.VerifyResult`).

This module imports nothing of llmwall, so every package may raise these without
depending on another (nothing below the proxy adapter imports `llmwall.addon`).
"""

from __future__ import annotations

__all__ = [
    "AuditEncodingError",
    "AuditError",
    "AuditKeyError",
    "AuditStoreError",
    "BodyTooLarge",
    "ConfigError",
    "FramingError",
    "InspectionError",
    "LlmwallError",
    "PathError",
    "SiemError",
    "TranslationError",
    "TruncatedStream",
]


class LlmwallError(Exception):
    pass


class ConfigError(LlmwallError):
    pass


class InspectionError(LlmwallError):
    """Raised with a content-free reason: never put body text into the message."""


class BodyTooLarge(InspectionError):
    """A body that decodes beyond the configured limits (the message names the limit)."""


class TranslationError(LlmwallError):
    pass


class FramingError(LlmwallError, ValueError):
    pass


class TruncatedStream(FramingError):
    pass


class PathError(LlmwallError, LookupError):
    pass


class AuditError(LlmwallError):
    pass


class AuditKeyError(AuditError):
    pass


class AuditStoreError(AuditError):
    pass


class AuditEncodingError(AuditError):
    pass


class SiemError(AuditError):
    """Built from the sink's name, the exception type and status codes: never content."""
