from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import FastPatternRecognizer, looks_placeholder
from llmwall.detectors.recognizers.secret_checks import char_classes, looks_sequential

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
            r"(?P<v>[^\s\"'`@]{3,128})",
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
    )
    ANCHORS = ("mysql", "mariadb", "sshpass", "curl", "securestring", "net user")
    REACH = (16, 320)

    def validate_result(self, pattern_text: str) -> bool | None:
        if looks_placeholder(pattern_text) or looks_sequential(pattern_text):
            return False
        if pattern_text.startswith(("$", "%", "-")):  # variables and the next option
            return False
        ok = len(set(pattern_text)) >= 4 and char_classes(pattern_text) >= 2
        return None if ok else False
