"""Splunk HTTP Event Collector sink: POSTs the batch's HEC envelopes (`audit.export.
to_splunk_hec`, host = the node id) to /services/collector/event with
`Authorization: Splunk <token>` (from `token_env`). HEC takes several JSON events in one
body; a 2xx answer acknowledges the batch.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from llmwall.audit import export
from llmwall.audit.export import Row
from llmwall.audit.sinks.http import HttpSink

HEC_PATH = "/services/collector/event"


class SplunkHecSink(HttpSink):
    content_type = "application/json"
    auth_scheme = "Splunk"

    def endpoint(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.path in ("", "/"):
            parts = parts._replace(path=HEC_PATH)
        return urlunsplit(parts)

    def event(self, row: Row) -> str:
        return export.to_splunk_hec(row, host=self.node)
