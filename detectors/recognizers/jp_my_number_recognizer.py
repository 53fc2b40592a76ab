from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.id_checks import jp_my_number_ok
from llmwall.detectors.recognizers.identifier_base import IdentifierRecognizer


class JpMyNumberRecognizer(IdentifierRecognizer):
    """Japanese My Number (個人番号): twelve digits with a mod-11 check digit."""

    ENTITY = "JP_MY_NUMBER"
    PATTERNS = (
        Pattern(
            "pii.jp_my_number", r"(?<![\d\-.+/])\d{4}([ \-]?)\d{4}\1\d{4}(?![\d\-]|[.,/]\d)", 0.3
        ),
    )
    CONTEXT = ("マイナンバー", "個人番号", "my number", "mynumber", "individual number")

    def check(self, value: str) -> bool:
        return jp_my_number_ok(value)
