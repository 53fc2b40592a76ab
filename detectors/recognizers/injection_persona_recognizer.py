from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words


class InjectionPersonaRecognizer(InjectionRuleRecognizer):
    """Jailbreak personas and "no restrictions" modes (DAN, developer mode, AIM, ...)."""

    RULES = (
        (Pattern("pi.dan", r"\bdo\s+anything\s+now\b", 0.9), words("anything", "now")),
        (
            Pattern(
                "pi.dan_persona",
                r"\b(?:(?:you\s+are|act\s+as|pretend\s+to\s+be|you're|become)\s+(?:now\s+)?"
                r"(?:a\s+|an\s+)?(?:dan|dude|stan|aim|evil\s?bot|anti-?dan|betterdan|kevin|"
                # "prompts such as DAN" names the prompt, it does not adopt it
                r"apophis|maximum|jailbroken)|(?:called|named|(?<!such\s)as)\s+(?:a\s+|an\s+)?(?:dan|"
                r"evil\s?bot|anti-?dan|betterdan|apophis|jailbroken))\b",
                0.6,
            ),
            words(
                "dan dude stan aim evil evilbot antidan anti betterdan kevin apophis maximum "
                "jailbroken"
            ),
        ),
        (
            Pattern("pi.developer_mode", r"\b(?:developer|dev|god|debug|sudo|admin)\s+mode\b", 0.3),
            words("mode", "developer dev god debug sudo admin"),
        ),
        (
            Pattern(
                "pi.jailbreak_tag",
                r"\[?\s*(?:🔓|🔒)\s*(?:jailbreak|classic)|\bjailbreak(?:ed)?\s*(?:mode|prompt)?"
                r"\s*[:\]]"
                r"|\bjailbroken\b",
                0.6,
            ),
            words("jailbreak jailbroken jailbreaked classic"),
        ),
        (
            Pattern(
                "pi.no_restrictions",
                r"\b(?:no|without|free\s+(?:of|from)|not\s+bound\s+by|break\s+free\s+of|ignore|"
                r"doesn't\s+have|don't\s+have|beyond)\s+(?:any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
                r"(?:ethical|moral|content|safety|openai|usual|typical)?\s*"
                r"(?:restrictions|filters|filtering|limitations|limits|censorship|policies|"
                r"guidelines|boundaries|morals|ethics|rules)\b",
                0.45,
            ),
            words(
                "restrictions filters filtering limitations limits censorship policies "
                "guidelines boundaries morals ethics rules"
            ),
        ),
        (
            Pattern(
                "pi.unfiltered_ai",
                r"\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|unbound|unchained|"
                r"limitless)\s+(?:and\s+\w+\s+)?(?:ai|assistant|chatbot|model|version|mode|re"
                r"sponse|"
                r"language\s+model|persona|character)\b",
                0.6,
            ),
            words(
                "unfiltered uncensored unrestricted amoral unethical unbound unchained limitless"
            ),
        ),
        (
            Pattern(
                "pi.stay_in_character",
                r"\b(?:stay|remain|keep)\s+in\s+character\b|\bbreak(?:ing)?\s+character\b",
                0.5,
            ),
            words("character"),
        ),
        (
            Pattern(
                "pi.two_responses",
                r"\b(?:two|2|both)\s+(?:different\s+|separate\s+)?(?:responses|answers|ways)"
                r"\b[^.\n]"
                r"{0,80}\b(?:normal|classic|jailbreak|unfiltered|filtered|developer)",
                0.6,
            ),
            words(
                "responses answers ways", "normal classic jailbreak unfiltered filtered developer"
            ),
        ),
        (
            Pattern(
                "pi.never_refuse",
                r"\b(?:never|not|cannot|can't|won't|must\s+not|shouldn't)\s+(?:ever\s+)?"
                r"(?:refuse|decline|say\s+(?:no|that\s+you\s+can't|sorry)|deny)\b",
                0.4,
            ),
            words("refuse decline say deny"),
        ),
    )
