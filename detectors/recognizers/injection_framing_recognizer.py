from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from llmwall.detectors.recognizers.base import InjectionRuleRecognizer, words

# what a rule-breaking request is after: the protected secret or the hidden instructions
_SECRET = (
    r"(?:password|passcode|passphrase|secrets?|confidential|(?:system|hidden|initial|original)"
    r"\s+prompt|hidden\s+(?:instructions|rules)|credentials|(?:door|pin)\s+code|forbidden\s+"
    r"topic)"
)
# every match of _SECRET holds one of these words: few in any text, so they gate the rules
# and seed their windows in long texts
_SECRET_WORDS = (
    "password passcode passphrase secret secrets confidential prompt credentials hidden door "
    "pin forbidden"
)


class InjectionFramingRecognizer(InjectionRuleRecognizer):
    """Jailbreak framings from the public taxonomies (Wei et al., "Jailbroken"; the PAIR
    attacker prompt; CyberSecEval's technique list): forcing an affirmative prefix,
    suppressing refusals, hypothetical or fictional wrappers around a request for a secret,
    and persuasion by claimed authority or emotional pressure."""

    RULES = (
        (
            # "Begin your reply with: 'Sure, here is ...'" (GCG/PAIR target strings)
            Pattern(
                "pi.affirmative_prefix",
                r"\b(?:begin|start|open|preface)\w*\b[^\n]{0,40}?\bwith\s*:?\s*[\"'`*]*\s*"
                r"(?:sure|certainly|absolutely|of\s+course)\b\s*[,!.:]?\s*(?:here|i\b|i'm|i'll|"
                r"let|this|the|[\"'`*])",
                0.5,
            ),
            words("sure certainly absolutely course", "begin start open preface beginning"),
        ),
        (
            # refusal suppression: forbid the refusal phrases themselves
            Pattern(
                "pi.refusal_suppression",
                r"\b(?:do\s+not|don't|never|must\s+not|mustn't|cannot|can't|should\s+not|shouldn't|"
                r"without)\s+(?:ever\s+)?(?:say(?:ing)?|respond(?:ing)?\s+with|us(?:e|ing)(?:\s+the"
                r"\s+(?:words?|phrases?))?|includ(?:e|ing)|writ(?:e|ing)|start(?:ing)?\s+with)\s*:?"
                r"\s*[\"'`]?\s*(?:i\s+am\s+(?:sorry|unable)|i'm\s+(?:sorry|unable)|sorry|"
                r"unfortunately|i\s+apologi[sz]e)",
                0.6,
            ),
            words("sorry unfortunately unable apologize apologise"),
        ),
        (
            Pattern(
                "pi.no_disclaimers",
                r"\b(?:do\s+not|don't|never|without|no)\s+(?:add(?:ing)?\s+|includ(?:e|ing)\s+|"
                r"giv(?:e|ing)\s+|any\s+|us(?:e|ing)\s+)*(?:any\s+)?(?:(?:ethical\s+|legal\s+)?"
                r"disclaimers?|moral(?:izing|ising)?\s+lectures?|moralizing|moralising|"
                r"apolog(?:y|ies|ize|ise)|caveats)\b",
                0.35,
            ),
            words(
                "disclaimer disclaimers lecture lectures moralizing moralising apology apologies "
                "apologize apologise caveats"
            ),
        ),
        (
            # a hypothetical or fictional wrapper around a request for the protected secret
            Pattern(
                "pi.hypothetical_secret",
                r"\b(?:hypothetical(?:ly)?|imagine|pretend|suppose|let's\s+say|what\s+if|"
                r"in\s+a\s+(?:fictional|parallel|alternate|hypothetical)|role-?play|story|"
                r"novel|game|simulat\w*|fictional|fantasy|dream|a\s+play|screenplay|script|"
                r"your\s+character)\b[^\n]{0,160}?\b(?:reveal|tell|"
                r"share|give|say|disclose|leak|spell|output|print|write|read\s+out|recite|"
                r"whisper|mention|type|talk\s+about|discuss|cat)\w*\b[^\n]{0,40}?\b" + _SECRET,
                0.55,
            ),
            words(
                "hypothetical hypothetically imagine pretend suppose say if fictional parallel "
                "alternate roleplay role story novel game simulation simulate simulated fantasy "
                "dream play screenplay script character",
                _SECRET_WORDS,
            ),
        ),
        (
            # claimed authority or authorisation as the reason to hand over the secret
            Pattern(
                "pi.authority_request",
                r"\b(?:i\s+am|i'm|as|this\s+is)\s+(?:an?\s+|the\s+|your\s+)?(?:(?:authorized|"
                r"certified|senior|lead|official|head|trusted|verified|chief|super)\s+)?(?:security\s+(?:researcher|"
                r"auditor|officer|team|engineer)|penetration\s+tester|pentester|auditor|"
                r"administrator|admin|sysadmin|developer|creator|owner|ceo|cto|supervisor|"
                r"manager|law\s+enforcement|police\s+officer|it\s+department|it\s+support|tech"
                r"\s+support)\b[^\n]{0,160}?\b(?:reveal|share|tell|give|provide|disclose|show|"
                r"send|bypass|ignore|override|disable|unlock)\w*\b[^\n]{0,40}?\b" + _SECRET,
                0.55,
            ),
            words(
                "security penetration pentester auditor administrator admin sysadmin "
                "developer creator owner ceo cto supervisor manager law police it tech",
                _SECRET_WORDS,
            ),
        ),
        (
            # emotional pressure: the "grandma exploit" and lives-at-stake framings
            Pattern(
                "pi.emotional_pressure",
                r"\b(?:pretend|act|role-?play|play|imitate|be)\w*\s+(?:to\s+be\s+|as\s+|like\s+)?"
                r"my\s+(?:deceased\s+|late\s+|dead\s+|dear\s+)?(?:grandmother|grandma|granny|"
                r"nana)\b|\bmy\s+(?:deceased|late|dead)\s+(?:grandmother|grandma|granny|nana)\b"
                r"[^\n]{0,80}?\bused\s+to\b|\b(?:my|people's|someone's|their)\s+(?:life|lives|"
                r"job)\s+(?:depends?|is\s+at\s+stake|are\s+at\s+stake)\s+on\s+(?:you|it|this|"
                r"your)",
                0.45,
            ),
            words("grandmother grandma granny nana depends depend stake"),
        ),
        (
            # the secret asked for piecemeal: "give me a hint about the secret word",
            # "what letter does the password start with", "describe it without saying it"
            Pattern(
                "pi.secret_hint",
                r"\b(?:hints?|clues?|first\s+(?:letter|character|digit)|last\s+(?:letter|"
                r"character|digit)|how\s+many\s+(?:letters|characters|digits)|rhymes?\s+with|"
                r"starts?\s+with|ends?\s+with)\b[^.\n]{0,40}?\b(?:the|your|this|that)\s+"
                r"(?:secret(?:\s+(?:word|key|code|phrase))?|password|passcode|passphrase|pin)\b"
                r"|\b(?:the|your)\s+(?:secret(?:\s+(?:word|key|code|phrase))?|password|passcode|"
                r"passphrase)\b[^.\n]{0,40}?\b(?:rhymes?\s+with|starts?\s+with|ends?\s+with|"
                r"first\s+letter|hint|clue)\b",
                0.6,
            ),
            words(
                "hint hints clue clues first last many rhyme rhymes start starts end ends",
                "secret password passcode passphrase pin",
            ),
        ),
    )
    # the forced prefix always follows "with"; a literal gate skips texts without it
    GATES: ClassVar[dict[str, str]] = {
        "pi.affirmative_prefix": (
            r"with\s*:?\s*[\"'`*]*\s*(?:sure|certainly|absolutely|of\s+course)"
        ),
    }
