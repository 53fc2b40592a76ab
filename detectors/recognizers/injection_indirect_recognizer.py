from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.recognizers.base import InjectionRuleRecognizer, words

_AI = (
    r"(?:ai|a\.i\.|assistant|chatbot|language\s+model|llm|gpt|chatgpt|claude|gemini|copilot|bot|"
    r"agent|model)"
)


class InjectionIndirectRecognizer(InjectionRuleRecognizer):
    """Instructions addressed to the model from inside a document or tool result.

    The engine runs these rules only on indirect text (tool results, retrieved documents),
    where text that talks to the assistant is out of place."""

    RULES = (
        (
            Pattern(
                "pi.indirect_addressed",
                r"\b(?:dear\s+|attention\s+|hey\s+|hi\s+|note\s+to\s+(?:the\s+)?)?"
                + _AI
                + r"\b[,:]\s*(?:please\s+)?(?:ignore|disregard|you\s+must|you\s+should|make\s+sure|"
                r"do\s+not|don't|now|instead|also|always|never|include|add|append|insert|send|"
                r"forward|respond|reply|tell|say|write|answer)\b",
                0.6,
            ),
            words(
                "ai assistant chatbot language llm gpt chatgpt claude gemini copilot bot "
                "agent model"
            ),
        ),
        (
            Pattern(
                "pi.indirect_note_to_ai",
                r"\b(?:note|message|instructions?|reminder)\s+(?:to|for)\s+(?:the\s+|any\s+)?"
                + _AI,
                0.7,
            ),
            words(
                "note message instruction instructions reminder",
                "ai assistant chatbot language llm gpt chatgpt claude gemini copilot bot "
                "agent model",
            ),
        ),
        (
            Pattern(
                "pi.indirect_when_processing",
                r"\b(?:when|if|after|before|while)\s+(?:you\s+(?:are\s+)?)?(?:summariz|read|p"
                r"rocess|"
                r"analyz|translat|answer|respond|review)\w*\s+(?:this|the|these)\b[^.\n]{0,60}\b"
                r"(?:you\s+must|please|also|instead|do\s+not|include|add|append|send|tell|say|"
                r"write|mention|recommend)\b",
                0.55,
            ),
            words("when if after before while"),
        ),
        (
            Pattern(
                "pi.indirect_in_your_response",
                r"\b(?:in|at\s+the\s+(?:end|start|beginning)\s+of)\s+your\s+(?:response|reply"
                r"|answer|"
                r"summary|output)\b",
                0.4,
            ),
            words("your", "response reply answer summary output"),
        ),
    )
