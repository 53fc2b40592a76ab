"""HTTP collector sink: POSTs a batch as newline-delimited JSON (`application/x-ndjson`),
one event per line in the sink's format (OCSF by default). A 2xx answer is the
acknowledgment; anything else, or no answer, is a failed batch that is sent again.
`token_env` (optional) is sent as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import os

import httpx

from llmwall.audit import export
from llmwall.audit.export import Row
from llmwall.audit.siem_config import SinkConfig
from llmwall.errors import ConfigError, SiemError


class HttpSink:
    content_type = "application/x-ndjson"
    auth_scheme = "Bearer"

    def __init__(self, config: SinkConfig, node: str | None) -> None:
        self.config = config
        self.node = node
        self.confirm_after = 0.0  # the HTTP status acknowledges each batch
        self.url = self.endpoint(config.url)
        headers = {"content-type": self.content_type, "user-agent": "llmwall-siem"}
        token = self.token()
        if token:
            headers["authorization"] = f"{self.auth_scheme} {token}"
        verify: str | bool = str(config.ca) if config.ca else True
        self._client = httpx.Client(headers=headers, timeout=config.timeout, verify=verify)

    def endpoint(self, url: str) -> str:
        return url

    def token(self) -> str | None:
        name = self.config.token_env
        if name is None:
            return None
        value = os.environ.get(name)
        if not value:
            raise ConfigError(
                f"{self.config.where}.token_env: the environment variable {name} is not set; "
                f"export {name}=<token> before starting llmwall"
            )
        return value

    def event(self, row: Row) -> str:
        return export.FORMATS[self.config.format](row)

    def send(self, rows: list[Row]) -> None:
        body = "".join(self.event(row) + "\n" for row in rows).encode()
        try:
            response = self._client.post(self.url, content=body)
        except httpx.HTTPError as exc:
            raise SiemError(f"{self.config.name}: POST failed: {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise SiemError(f"{self.config.name}: the collector answered {response.status_code}")

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        self._client.close()
