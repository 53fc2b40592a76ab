from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words


class InjectionExfiltrationRecognizer(InjectionRuleRecognizer):
    """Attempts to extract the system prompt, hidden rules or secrets, or to ship data out."""

    RULES = (
        (
            Pattern(
                "pi.system_prompt_leak",
                r"\b(?:reveal|show|print|repeat|output|display|tell|give|share|leak|disclose|spell|"
                r"write|recite|dump|list|return)\b[^.\n]{0,30}?\b(?:your|the|my|its)\s+(?:ent"
                r"ire\s+|"
                r"full\s+|exact\s+|whole\s+)?(?:system|initial|original|hidden|secret|internal|"
                r"confidential|starting|pre-?prompt|first)\s*(?:prompt|instructions?|message|rules|"
                r"guidelines|configuration|directives?)"
                # the product's field or page of that name, not its content
                r"(?!\s+(?:settings?|page|field|tab|editor|box|option|section|docs|documentation|"
                r"feature|parameter|endpoint|template|variable|length|limit|size|token\s+count)"
                r"\b)",
                0.75,
            ),
            words(
                "system initial original hidden secret internal confidential starting "
                "preprompt prompt first",
                "prompt instructions instruction message rules guidelines configuration "
                "directive directives",
            ),
        ),
        (
            Pattern(
                "pi.repeat_above",
                r"\b(?:repeat|print|output|copy|echo|translate)\b[^.\n]{0,25}\b(?:words|text|"
                r"everything|all|instructions|content)\b[^.\n]{0,15}\b(?:above|before\s+this|"
                r"so\s+far|"
                r"preceding|verbatim)",
                0.7,
            ),
            words("repeat print output copy echo translate", "above before far preceding verbatim"),
        ),
        (
            Pattern(
                "pi.what_instructions",
                r"\bwhat\s+(?:were|are|was|is)\s+(?:your|the)\s+(?:original\s+|initial\s+|exact\s+|"
                r"system\s+|secret\s+|hidden\s+)+(?:instructions|prompt|rules|password|key)",
                0.6,
            ),
            words("what", "instructions prompt rules password key"),
        ),
        (
            Pattern(
                "pi.secret_request",
                r"\b(?:tell|give|reveal|share|show|print|spell|what\s+is)\b[^.\n]{0,15}\b(?:me\s+)?"
                r"(?:the|your)\s+(?:secret\s+(?:key|password|word|code|token)|password|api\s+key|"
                r"passcode|secret)\b",
                0.45,
            ),
            words("secret password api passcode"),
        ),
        (
            Pattern(
                "pi.exfiltrate",
                r"\b(?:send|forward|email|post|upload|transmit|exfiltrate|leak)\b[^.\n]{0,40}\b"
                r"(?:conversation|chat\s+history|history|credentials|passwords?|api\s+keys?|"
                r"personal\s+data|user\s+data|contacts|cookies|tokens?|secrets?)\b[^.\n]{0,40}\b"
                r"(?:to|at)\s+(?:https?://|[\w.+-]+@|this\s+(?:url|address|email)|the\s+following)",
                0.7,
            ),
            words(
                "send forward email post upload transmit exfiltrate leak",
                "conversation history credentials password passwords api keys personal user "
                "contacts cookies token tokens secret secrets",
            ),
        ),
        (
            Pattern(
                "pi.markdown_exfil",
                r"!\[[^\]\n]{0,80}\]\(https?://[^)\s]{1,200}[?&][\w-]+=(?:\{|\[|\$|%7b|<)",
                0.7,
            ),
            words("http https"),
        ),
    )
