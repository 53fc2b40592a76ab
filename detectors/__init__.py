"""Presidio-based detection of PII, secrets and prompt injection."""
