from __future__ import annotations

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

# "ignore ... instructions": the verbs, and the words for what they cancel (the rule
# gate of pi.ignore_previous and pi.ignore_all)
_IGNORE_WORDS = "ignore disregard forget bypass override overlook discard skip neglect"
_IGNORE = r"\b(?:" + "|".join(_IGNORE_WORDS.split()) + r")\b"
_IGNORE_GROUPS = words(
    _IGNORE_WORDS,
    "instructions instruction prompts prompt rules directives directive directions "
    "guidelines guidance commands command constraints restrictions programming policy "
    "policies context orders tasks task assignments assignment training text messages "
    "message",
)
_TARGET = (
    r"(?:instructions?|prompts?|rules|directives?|directions|guidelines|guidance|commands?|"
    r"constraints|restrictions|programming|polic(?:y|ies)|context|orders|tasks?|assignments?|"
    r"training|text|messages?)"
)

# what attacks write between "all" and what they cancel
_ALL_FILLER = (
    r"(?:of|the|these|those|your|its|their|our|previous|prior|above|earlier|provided|given|"
    r"existing|current|such|other|safety|security|ethical|moral|content|openai'?s?|open\s+ai|"
    r"anthropic'?s?|google'?s?|meta'?s?|model|ai|default|usual|normal|internal|hidden|original|"
    r"initial|programmed|imposed|preset|restrictive|former|old|system|developer|"
    r"chatgpt'?s?|gpt'?s?|claude'?s?|gemini'?s?|llm'?s?|assistant'?s?|you|were|was|told)"
)


class InjectionOverrideRecognizer(InjectionRuleRecognizer):
    """Attempts to cancel the instructions the model was given."""

    RULES = (
        (
            Pattern(
                "pi.ignore_previous",
                # "my previous message" is the user's own turn, not the model's instructions
                # "all" counts only with the words that attacks put between it and the
                # target ("all the", "all of your", "all openai"): "ignore all eslint
                # rules" is a developer's question (pi.ignore_all, weaker, covers it)
                _IGNORE
                + r"(?:(?!\bmy\b)[^.\n]){0,40}?(?:\b(?:previous|prior|above|earlier|preceding|"
                r"initial|original|former|old|system|developer)\b(?:(?!\bmy\b)[^.\n]){0,24}?"
                r"|\ball\s+(?:" + _ALL_FILLER + r"\s+){0,3})\b" + _TARGET + r"\b",
                0.8,
            ),
            _IGNORE_GROUPS,
        ),
        (
            Pattern(
                "pi.ignore_all",
                _IGNORE
                + r"(?:(?!\bmy\b)[^.\n]){0,40}?\ball\b(?:(?!\bmy\b)[^.\n]){0,24}?\b"
                + _TARGET
                + r"\b",
                0.35,
            ),
            _IGNORE_GROUPS,
        ),
        (
            Pattern(
                # "The previous instructions are cancelled.", "your system prompt has
                # been revoked"
                "pi.instructions_cancelled",
                r"\b(?:previous|prior|above|earlier|original|old|initial|your|all)\s+(?:system\s+)?"
                r"(?:instructions?|directives?|prompts?|programming)\s+(?:are|is|have\s+been|"
                r"has\s+been|were|was)\s+(?:now\s+|hereby\s+)?(?:cancel+ed|void(?:ed)?|null(?:ified)?|"
                r"revoked|overridden|overriden|lifted|suspended|disabled|deactivated|"
                r"no\s+longer\s+in\s+(?:effect|force))\b",
                0.6,
            ),
            words(
                "previous prior above earlier original old initial your all",
                "instructions instruction directives directive prompts prompt programming",
                "cancelled canceled void voided null nullified revoked overridden overriden "
                "lifted suspended disabled deactivated longer",
            ),
        ),
        (
            Pattern(
                # "forget what I said (about the budget)" is a user correcting their own
                # words; "forget everything I said about X" too (a topic follows)
                "pi.forget_everything",
                r"\b(?:ignore|disregard|forget)\s+(?:about\s+)?(?:everything(?!\s+(?:i|we)\s+"
                r"(?:said|told\s+you|wrote|mentioned|asked)\s+(?:about|regarding|on)\b)|"
                r"all\s+(?:of\s+)?(?:that|this|the\s+above)|what\s+(?:you\s+were|was)\s+"
                r"(?:said|told|written))",
                0.75,
            ),
            words("ignore disregard forget", "everything all what"),
        ),
        (
            Pattern(
                "pi.new_instructions",
                r"\b(?:new|updated|real|actual|true|revised|secret|hidden)\s+(?:instructions?|task|"
                r"rules|directive|objective|system\s+prompt|orders)\s*(?::|are\b|is\b|follow)",
                0.55,
            ),
            words(
                "new updated real actual true revised secret hidden",
                "instructions instruction task rules directive objective prompt orders",
            ),
        ),
        (
            Pattern(
                "pi.from_now_on",
                # a persona or rule change, not a style wish ("from now on, answer in French")
                r"\b(?:from\s+now\s+on|starting\s+now|henceforth)\b,?\s+(?:you\s+(?:are|will|"
                r"must|shall|should|have\s+to|can|act|respond|answer|reply)|your\s+(?:new|name|"
                r"role|only|sole)|act\s+as|ignore|disregard|forget|there\s+(?:are|is)\s+no)",
                0.45,
            ),
            words("now henceforth starting"),
        ),
        (
            Pattern(
                "pi.instead",
                r"\binstead\b[^.\n]{0,20}\b(?:say|print|output|respond\s+with|reply\s+with|wr"
                r"ite)\b",
                0.35,
            ),
            words("instead", "say print output respond reply write"),
        ),
        (
            Pattern(
                "pi.de_ignore_previous",
                r"\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte|überspringe)\b"
                r"[^.\n]{0,50}?\b(?:anweisungen|anweisung|befehle|regeln|instruktionen|aufgaben?|"
                r"vorgaben|alles|zuvor|vorherigen?|bisherigen?)\b",
                0.8,
            ),
            words("ignoriere ignorieren vergiss vergessen missachte überspringe"),
        ),
        (
            Pattern(
                # "ignore above", "forget everything before": no instruction noun, so the
                # clause must end there ("ignore the above error" is about an error)
                "pi.ignore_above",
                r"\b(?:ignore|disregard|forget)\s+(?:about\s+)?(?:all\s+(?:of\s+)?|everything\s+|"
                r"what\s+(?:was\s+)?(?:said|written|stated)\s+)?(?:the\s+)?(?:above|before|"
                r"prior|earlier)(?=\s*(?:[,.;:!?]|and\b|then\b|&|$))",
                0.6,
            ),
            words("ignore disregard forget", "above before prior earlier"),
        ),
        (
            Pattern(
                # "leave all the previous information behind", "start from scratch" after
                # dropping what came before
                "pi.leave_behind",
                r"\bleave\s+(?:all\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|old)\s+"
                r"(?:information|instructions?|rules|context|tasks?)\s+behind\b",
                0.7,
            ),
            words("leave", "behind"),
        ),
        (
            Pattern(
                # German puts the verb last: "die obigen Ausführungen ignorieren", "alle
                # vorherigen Anweisungen vergessen"; and "abweichend von den vorherigen
                # Instruktionen" (deviating from the previous instructions)
                "pi.de_ignore_verb_last",
                r"\b(?:vorherigen?|vorigen?|bisherigen?|obigen?|vorangegangenen?|alle[nm]?|"
                r"sämtliche[n]?)\s+(?:\w+\s+){0,2}?(?:anweisungen|instruktionen|ausführungen|"
                r"informationen|aufgaben|befehle|regeln|vorgaben|eingaben)\s+(?:(?!nicht\b|nie\b|niemals\b)\w+\s+){0,3}?"
                r"(?:ignorieren|vergessen|missachten|außer\s+acht\s+lassen)\b"
                r"|\babweichend\s+(?:zu|von)\s+(?:den\s+)?(?:vorherigen|bisherigen|obigen)\s+"
                r"(?:anweisungen|instruktionen|vorgaben|regeln)\b",
                0.75,
            ),
            words(
                "ignorieren vergessen missachten lassen abweichend",
                "anweisungen instruktionen ausführungen informationen aufgaben befehle regeln "
                "vorgaben eingaben",
            ),
        ),
        (
            Pattern(
                # "Bitte lassen Sie alle vorherigen Informationen hinter sich" (the German
                # of pi.leave_behind)
                "pi.de_leave_behind",
                r"\b(?:lass|lasse|lassen\s+sie|lasst)\s+(?:\w+\s+){0,2}?(?:vorherigen?|bisherigen?|"
                r"obigen?|alten?|früheren?)\s+(?:informationen|anweisungen|instruktionen|aufgaben|"
                r"vorgaben|regeln|befehle)\s+hinter\s+(?:dir|sich|euch|uns)\b",
                0.7,
            ),
            words("lass lasse lassen lasst", "hinter"),
        ),
        (
            Pattern(
                "pi.de_new_task",
                r"\b(?:neue\s+(?:aufgabe|anweisung|anweisungen|rolle)|ab\s+(?:jetzt|sofort)\s+"
                r"(?:bist|sind|antwortest|wirst)|nun\s+bist\s+du|jetzt\s+bist\s+du)",
                0.5,
            ),
            words("neue ab nun jetzt", "aufgabe anweisung anweisungen rolle jetzt sofort bist"),
        ),
    )
