"""llmwall: a firewall for LLM API traffic.

The proxy is `llmwall run` (a mitmproxy addon, `llmwall.addon`). For embedding the same
detection and policy in a program of your own, this module is the public API:

    >>> from llmwall import Detector, load_policy
    >>> detector = Detector()
    >>> [f.entity for f in detector.scan("mail me at jane.doe@gmail.com")]
    ['EMAIL_ADDRESS']

Names are imported on first use, so `import llmwall.errors` (or any one subpackage)
stays cheap and nothing of mitmproxy is loaded unless the proxy is started.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("llmwall")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

# public name -> the module that defines it
_EXPORTS = {
    "Detector": "llmwall.detectors.engine",
    "DetectorConfig": "llmwall.detectors.engine",
    "Finding": "llmwall.detectors.finding",
    "Policy": "llmwall.core.policy",
    "load_policy": "llmwall.core.policy",
    "ConfigError": "llmwall.errors",
    "InspectionError": "llmwall.errors",
    "LlmwallError": "llmwall.errors",
}

__all__ = [
    "ConfigError",
    "Detector",
    "DetectorConfig",
    "Finding",
    "InspectionError",
    "LlmwallError",
    "Policy",
    "__version__",
    "load_policy",
]

if TYPE_CHECKING:
    from llmwall.core.policy import Policy, load_policy
    from llmwall.detectors.engine import Detector, DetectorConfig
    from llmwall.detectors.finding import Finding
    from llmwall.errors import ConfigError, InspectionError, LlmwallError


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmwall' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
