from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import doc_placeholder

# how far before "://" a scheme (with "jdbc:" and a word before it) can start
_SCHEME_REACH = 40


class ConnectionStringRecognizer(FastPatternRecognizer):
    """URLs of any scheme with an embedded password (`postgres://u:p@h`, `redis://:p@h`,
    `mysql+pymysql://...`, `jdbc:mysql://...`): the whole URL up to the host is reported,
    or only the password when it is a placeholder (`<password>`)."""

    ENTITY = "CONNECTION_STRING"
    PATTERNS = (
        Pattern(
            "secret.connection_string",
            r"(?i:(?<![\w+.\-])(?:jdbc:)?[a-z][a-z0-9]{1,20}(?:[+.\-][a-z0-9]{1,20}){0,2}://)"
            # the password runs to the last "@" before the host, as URL parsers read it
            # ("root:P@ss!@db" has the password "P@ss!")
            r"[^\s:/@<>\"']{0,128}:(?P<pw><[\w\-. ]{1,40}>|[^\s/<>\"']{3,256})@[^\s/\"'<>@]+",
            0.9,
        ),
    )
    ANCHORS = ("://",)

    def find(
        self,
        text: str,
        lower: str | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """The URL regex searched only just before each "://" (its scheme alternation
        would otherwise be tried at every position of the anchor windows), and kept when
        its "://" is that one: 5x faster on chat text with links, same findings."""
        if lower is None:
            lower = text.lower()
        _, rx = self._compiled[0]
        pattern = self.PATTERNS[0]
        results: list[RecognizerResult] = []
        seen: set[int] = set()
        for wstart, wend in spans if spans is not None else [(0, len(text))]:
            sep = lower.find("://", wstart, wend)
            while sep >= 0:
                end = min(len(text), sep + 600)
                m = rx.search(text, max(0, sep - _SCHEME_REACH), end)
                while m is not None and m.end() <= sep:  # an earlier URL: look past it
                    m = rx.search(text, m.end(), end)
                if m is not None and m.start() <= sep < m.end() and m.start() not in seen:
                    seen.add(m.start())
                    if self.validate_match(m, m.group()) is not False:
                        results.append(self.result(m.start(), m.end(), pattern.score, pattern.name))
                    elif doc_placeholder(m.group("pw")):
                        start, end = m.span("pw")
                        results.append(self.placeholder_result(start, end, pattern.name))
                sep = lower.find("://", sep + 3, wend)
        return results

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        password = match.group("pw")
        if looks_placeholder(password) or password.startswith(("$", "%")):
            return False
        return None
