"""SIEM sinks, one module per type, all with the same small interface (`Sink`).

A sink formats audit rows with `audit.export` (the one home of every format) and sends
them. `send` raises SiemError when the receiver did not take the batch. `confirm_after`
says when a sent batch counts as delivered: 0 for a sink whose `send` returns only
once the receiver acknowledged it (HTTP status) or that cannot know (UDP); for TCP
syslog, which has no acknowledgment, the batch is confirmed once the connection is
still open that many seconds later (`alive`), else it is sent again after reconnecting.
"""

from __future__ import annotations

from typing import Protocol

from llmwall.audit.export import Row
from llmwall.audit.siem_config import SinkConfig


class Sink(Protocol):
    config: SinkConfig
    confirm_after: float

    def send(self, rows: list[Row]) -> None: ...

    def alive(self) -> bool: ...

    def close(self) -> None: ...


def make_sink(config: SinkConfig, node: str | None) -> Sink:
    """The sink for `config`; `node` names the sending host (syslog HOSTNAME, HEC host)."""
    if config.type == "syslog":
        from llmwall.audit.sinks.syslog import SyslogSink

        return SyslogSink(config, node)
    if config.type == "splunk-hec":
        from llmwall.audit.sinks.splunk_hec import SplunkHecSink

        return SplunkHecSink(config, node)
    from llmwall.audit.sinks.http import HttpSink

    return HttpSink(config, node)
