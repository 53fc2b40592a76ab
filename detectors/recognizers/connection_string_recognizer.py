from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import FastPatternRecognizer, looks_placeholder


class ConnectionStringRecognizer(FastPatternRecognizer):
    """URLs with an embedded password: the whole URL up to the host is reported."""

    ENTITY = "CONNECTION_STRING"
    PATTERNS = (
        Pattern(
            "secret.connection_string",
            r"(?i:\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|"
            r"sqlserver|oracle|cockroachdb|clickhouse|couchdb|neo4j(?:\+s)?|bolt|ldaps?|ftps?|sftp|"
            r"smtps?|nats|kafka|jdbc:[a-z]+|https?)://)"
            r"[^\s:/@<>\"']{1,128}:(?P<pw>[^\s@/<>\"']{3,256})@[^\s/\"'<>]+",
            0.9,
        ),
    )
    ANCHORS = ("://",)

    def validate_match(self, match, value):  # type: ignore[no-untyped-def]
        password = match.group("pw")
        if looks_placeholder(password) or password.startswith(("$", "%")):
            return False
        return None
