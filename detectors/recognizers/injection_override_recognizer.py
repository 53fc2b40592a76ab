from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import InjectionRuleRecognizer

_VERBS = ("ignore", "disregard", "forget", "bypass", "override", "overlook", "discard", "skip")
_TARGET = (
    r"(?:instructions?|prompts?|rules|directives?|directions|guidelines|guidance|commands?|"
    r"constraints|restrictions|programming|polic(?:y|ies)|context|orders|tasks?|assignments?|"
    r"training|text|messages?)"
)


class InjectionOverrideRecognizer(InjectionRuleRecognizer):
    """Attempts to cancel the instructions the model was given."""

    RULES = (
        (
            Pattern(
                "pi.ignore_previous",
                r"\b(?:ignore|disregard|forget|bypass|override|overlook|discard|skip|neglect)\b"
                r"[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|initial|original|former|"
                r"old|system|developer|all)\b[^.\n]{0,24}?\b" + _TARGET + r"\b",
                0.8,
            ),
            _VERBS + ("neglect",),
        ),
        (
            Pattern(
                "pi.forget_everything",
                r"\b(?:ignore|disregard|forget)\s+(?:about\s+)?(?:everything|all\s+(?:of\s+)?"
                r"(?:that|this|the\s+above)|what\s+(?:i|you\s+were|was)\s+(?:said|told|written))",
                0.75,
            ),
            ("ignore", "disregard", "forget"),
        ),
        (
            Pattern(
                "pi.new_instructions",
                r"\b(?:new|updated|real|actual|true|revised|secret|hidden)\s+(?:instructions?|task|"
                r"rules|directive|objective|system\s+prompt|orders)\s*(?::|are\b|is\b|follow)",
                0.55,
            ),
            ("instruction", "task", "rules", "directive", "objective", "prompt", "orders"),
        ),
        (
            Pattern(
                "pi.from_now_on",
                r"\b(?:from\s+now\s+on|starting\s+now|henceforth)\b,?\s+(?:you|your|act|respond|"
                r"answer|only|always|reply)",
                0.45,
            ),
            ("now on", "starting now", "henceforth"),
        ),
        (
            Pattern(
                "pi.instead",
                r"\binstead\b[^.\n]{0,20}\b(?:say|print|output|respond\s+with|reply\s+with|write)\b",
                0.35,
            ),
            ("instead",),
        ),
        (
            Pattern(
                "pi.de_ignore_previous",
                r"\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte|überspringe)\b"
                r"[^.\n]{0,50}?\b(?:anweisungen|anweisung|befehle|regeln|instruktionen|aufgaben?|"
                r"vorgaben|alles|zuvor|vorherigen?|bisherigen?)\b",
                0.8,
            ),
            ("ignorier", "vergiss", "vergessen", "missachte", "überspringe"),
        ),
        (
            Pattern(
                "pi.de_new_task",
                r"\b(?:neue\s+(?:aufgabe|anweisung|anweisungen|rolle)|ab\s+(?:jetzt|sofort)\s+"
                r"(?:bist|sind|antwortest|wirst)|nun\s+bist\s+du|jetzt\s+bist\s+du)",
                0.5,
            ),
            ("neue", "ab jetzt", "ab sofort", "bist du"),
        ),
    )
