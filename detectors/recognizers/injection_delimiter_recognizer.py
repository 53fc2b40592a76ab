from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words


class InjectionDelimiterRecognizer(InjectionRuleRecognizer):
    """Forged chat-template tokens and fake system/admin turns inside user or document text."""

    RULES = (
        (
            Pattern(
                "pi.chat_template_token",
                r"<\|(?:im_start|im_end|endoftext|system|user|assistant|begin_of_text|"
                r"start_header_id|end_header_id|eot_id)\|>|\[/?inst\]|<</?sys>>",
                0.8,
            ),
            words(
                "im_start im_end endoftext system user assistant begin_of_text "
                "start_header_id end_header_id eot_id inst sys"
            ),
        ),
        (
            Pattern(
                "pi.fake_system_turn",
                r"^\s*(?:#{1,4}\s*|\*\*)?(?:system|admin|administrator|developer|root)\s*"
                r"(?:message|prompt|override|note|instruction|update|alert)?\s*(?:\*\*)?\s*:",
                0.45,
            ),
            words("system admin administrator developer root"),
        ),
        (
            Pattern(
                "pi.fake_system_tag",
                r"[\[<{(]\s*(?:system|admin|sys|developer)(?:\s+(?:message|override|note|prom"
                r"pt))?\s*"
                r"[\]>})]"
                # "###SYSTEM###", "=== ADMIN OVERRIDE ===": a heading would not close
                r"|(?:#{2,}|={3,})\s*(?:system|admin|sys|developer)(?:\s+(?:message|override|"
                r"note|prompt))?\s*(?:#{2,}|={3,})",
                0.6,
            ),
            words("system admin sys developer"),
        ),
        (
            Pattern(
                "pi.end_of_input",
                r"\b(?:end\s+of\s+(?:user\s+)?(?:input|prompt|document|email|context|instructions)|"
                r"user\s+input\s+ends)\b",
                0.45,
            ),
            words("end ends"),
        ),
    )
