from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import (
    char_classes,
    doc_placeholder,
    looks_sequential,
)

# what a shell word can hold without quoting (no pipes, redirections or separators)
_WORD = r"[^\s\"'`|;&<>]"


class CommandLinePasswordRecognizer(FastPatternRecognizer):
    """Passwords given to command-line tools by their short options or positional
    arguments (`mysql -uroot -pS3cr3t`, `sshpass -p x`, `curl -u user:x`,
    `ConvertTo-SecureString "x"`, `net user bob x /add`). Long options such as
    `--password x` are GenericSecretRecognizer's `secret.cli_flag`."""

    ENTITY = "GENERIC_SECRET"
    PATTERNS = (
        Pattern(
            "secret.mysql_password_option",
            r"\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb)\b"
            rf"[^\n|;&]{{0,160}}?\s-p[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.sshpass_password",
            rf"\bsshpass\s+-p\s*[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.curl_user_password",
            r"\bcurl\b[^\n|;&]{0,200}?\s(?:-u|--user)\s*[\"']?[^\s:\"'@]{1,64}:"
            r"(?P<v>[^\s\"'`]{3,128})",
            0.7,
        ),
        Pattern(
            "secret.secure_string",
            r"(?i:\bConvertTo-SecureString\s+(?:-(?:String|AsPlainText|Force)\s+){0,3})"
            r"[\\\"']{0,3}(?P<v>[^\s\"'`\\]{3,128})",
            0.7,
        ),
        Pattern(
            "secret.net_user_password",
            r"(?i:\bnet\s+user\s+)[\w.\-]{1,64}\s+(?P<v>[^\s/\"'*]{4,128})(?=\s+/(?i:add|domain))",
            0.7,
        ),
        Pattern(
            "secret.registry_login_password",
            r"\b(?:docker|podman|buildah|nerdctl|oras|skopeo|helm\s+registry|az|cf)\s+login\b"
            rf"[^\n|;&]{{0,200}}?\s(?:-p|--password)(?:=|\s+)[\"']?(?P<v>{_WORD}{{3,256}})",
            0.7,
        ),
        Pattern(
            "secret.htpasswd_password",
            r"\bhtpasswd(?P<o>(?:\s+-[A-Za-z]+)+)\s+[^\s\-]\S*\s+[^\s\-]\S*\s+"
            rf"[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.ldap_bind_password",
            r"\bldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn|exop)\b"
            rf"[^\n|;&]{{0,240}}?\s-w\s*[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.sqlcmd_password",
            r"\b(?:sqlcmd|bcp|osql|isql)\b[^\n|;&]{0,240}?\s-P\s*[\"']?"
            rf"(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.openssl_password",
            r"\bopenssl\b[^\n|;&]{0,240}?\s-(?:pass(?:in|out)?|password)\s+[\"']?pass:"
            rf"(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.redis_cli_password",
            rf"\bredis-cli\b[^\n|;&]{{0,200}}?\s-a\s+[\"']?(?P<v>{_WORD}{{3,256}})",
            0.7,
        ),
        Pattern(
            "secret.mongo_password",
            r"\bmongo(?:sh|dump|restore|import|export|stat|top)?\b[^\n|;&]{0,200}?\s-p\s+"
            rf"[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.smbclient_password",
            r"\b(?:smbclient|rpcclient)\b[^\n|;&]{0,200}?\s-U\s+"
            rf"[\"']?[^\s%\"']{{1,64}}%(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
        Pattern(
            "secret.rabbitmq_password",
            r"\brabbitmqctl\s+(?:add_user|change_password)\s+\S{1,64}\s+"
            rf"[\"']?(?P<v>{_WORD}{{3,128}})",
            0.7,
        ),
    )
    ANCHORS = (
        "mysql",
        "mariadb",
        "sshpass",
        "htpasswd",
        "openssl",
        "curl",
        "securestring",
        "net user",
        "login",
        "ldap",
        "sqlcmd",
        "bcp ",
        "osql",
        "isql",
        "redis-cli",
        "mongo",
        "smbclient",
        "rpcclient",
        "rabbitmqctl",
    )
    PATTERN_GATES: ClassVar[dict[str, tuple[str, ...]]] = {
        "secret.mysql_password_option": ("mysql", "mariadb"),
        "secret.sshpass_password": ("sshpass",),
        "secret.curl_user_password": ("curl",),
        "secret.secure_string": ("securestring",),
        "secret.net_user_password": ("net user",),
        "secret.registry_login_password": (" login",),
        "secret.htpasswd_password": ("htpasswd",),
        "secret.ldap_bind_password": ("ldap",),
        "secret.sqlcmd_password": ("sqlcmd", "bcp ", "osql", "isql"),
        "secret.openssl_password": ("openssl",),
        "secret.redis_cli_password": ("redis-cli",),
        "secret.mongo_password": ("mongo",),
        "secret.smbclient_password": ("smbclient", "rpcclient"),
        "secret.rabbitmq_password": ("rabbitmqctl",),
    }
    REACH = (24, 320)

    def validate_match(self, match: re.Match[str], value: str) -> bool | None:
        if "o" in match.re.groupindex and "b" not in match.group("o"):
            return False  # htpasswd reads the password from the terminal without -b
        return super().validate_match(match, value)

    def placeholder(self, match: re.Match[str], value: str) -> bool:
        if "o" in match.re.groupindex and "b" not in match.group("o"):
            return False
        return doc_placeholder(value)

    def validate_result(self, pattern_text: str) -> bool | None:
        if looks_placeholder(pattern_text) or looks_sequential(pattern_text):
            return False
        if pattern_text.startswith(("$", "%", "-")):  # variables and the next option
            return False
        ok = len(set(pattern_text)) >= 4 and char_classes(pattern_text) >= 2
        return None if ok else False
