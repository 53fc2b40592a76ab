"""E-mail addresses on any syntactically valid domain.

Public domains (a suffix in the bundled public-suffix list) score 1.0. Private and
reserved top-level names (`corp.internal`, `.local`, `.lan`, `.corp`, `.home.arpa`,
`.example`, `.test`, `.invalid`) are exactly the company-internal addresses that must
not leave, so they count too (0.75); only top-level names that are file extensions
("icon@2x.png") do not. Local parts and domains may be internationalised (`müller@`,
`пример.рф`, `xn--bcher-kva.de`). Which domains may leave is policy: every finding
carries its span, so an `allowlist` pattern such as '.*@example\\.org' exempts it.
"""

from __future__ import annotations

import re

import tldextract
from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer

# The bundled public-suffix snapshot only: never fetch the list over the network.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
# top-level names that are file extensions, not mail domains (".zip" and ".mov" are
# delegated, but "report@v2.zip" is a file)
_FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "js",
        "mjs",
        "ts",
        "tsx",
        "jsx",
        "py",
        "pyc",
        "rb",
        "go",
        "rs",
        "java",
        "kt",
        "json",
        "yaml",
        "yml",
        "toml",
        "md",
        "txt",
        "css",
        "scss",
        "html",
        "htm",
        "xml",
        "pdf",
        "zip",
        "tar",
        "gz",
        "tgz",
        "bz2",
        "xz",
        "lock",
        "log",
        "cfg",
        "ini",
        "sh",
        "bash",
        "bat",
        "exe",
        "dll",
        "so",
        "dylib",
        "bin",
        "img",
        "iso",
        "mov",
        "mp4",
        "mp3",
        "wav",
        "csv",
        "tsv",
        "sql",
        "db",
        "whl",
        "egg",
        "jar",
        "war",
        "class",
        "o",
        "a",
        "h",
        "c",
        "cc",
        "cpp",
        "hpp",
        "swift",
        "php",
        "pl",
        "lua",
        "vue",
        "env",
        "conf",
    ]
)


def public_suffix(domain: str) -> bool:
    """Does `domain` end in a public suffix of the bundled list (`example.com`: yes;
    `self.weights`: no)?"""
    return bool(_TLD(domain).suffix)


# a quoted local part ("maria.lopez"@example.com) is valid too (RFC 5322)
_ADDRESS = (
    r"(?<![\w.%+\-])(?P<v>(?:[^\W_](?:[\w.%+\-]{0,63}[\w%+\-])?"
    r'|"[^"\\\s@<>(),;:\[\]]{1,62}")@'
    r"(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,24}|xn--[a-z0-9\-]{2,59}))"
)
_FILE_NAME = "pii.email_file_name"


class EmailAddressRecognizer(FastPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        Pattern(
            "pii.email",
            # not an ssh remote (git@github.com:org/app.git) nor a longer word
            _ADDRESS + r"(?![\w\-]|\.[^\W_]|:[\w/~])",
            0.75,
        ),
        # an address on a public domain that names a file ("maria@corp.com.pdf", an
        # upload's file name): the address without the extension
        Pattern(
            _FILE_NAME,
            _ADDRESS
            + r"(?=\.(?:"
            + "|".join(sorted(_FILE_EXTENSIONS, key=len, reverse=True))
            + r")(?![\w\-]|\.[^\W_]))",
            0.75,
        ),
    )
    CONTEXT = ("email", "e-mail", "mail", "contact")
    ANCHORS = ("@",)

    def __init__(self) -> None:
        super().__init__()
        _TLD("example.com")  # load the bundled suffix list now, once, not in a request thread

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        verdict = super().validate_match(match, value)
        if match.re is self._compiled[1][1]:  # a file name: only a public domain counts
            return verdict is True or False
        return verdict

    def validate_result(self, pattern_text: str) -> bool | None:
        domain = pattern_text.rpartition("@")[2]
        local = pattern_text.partition("@")[0]
        if ".." in local and not local.startswith('"'):
            return False
        tld = domain.rpartition(".")[2].lower()
        if tld in _FILE_EXTENSIONS:
            return False
        # a public suffix: certain; any other syntactically valid name: the pattern score
        return True if _TLD(domain).suffix else None
