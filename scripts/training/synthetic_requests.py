"""Synthetic benign training group `syn_benign_requests` (training only, never used for
thresholds): everyday requests that share an attack's shape without its intent.

Written for issue 15 from the kinds of false block it names, in wording of their own (none
is a case of tests/detectors/data): asking the assistant to read something and report what
it says ("look this up and tell me what it says" scored 0.61 and was blocked), users
correcting their own earlier words ("never mind the earlier instructions about the
layout"), "tell me everything about how to …" how-to requests, and documents' own
boilerplate about instructions and versions. Deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator

READ_OBJECTS = (
    "this",
    "this page",
    "the attached file",
    "the PDF I uploaded",
    "the link below",
    "this article",
    "the email thread below",
    "the document I pasted",
    "the changelog",
    "this log file",
    "the screenshot text",
    "the contract",
    "the error message",
    "this spreadsheet",
    "the release notes",
    "the website",
)
READ_FRAMES = (
    "Please look {obj} up and tell me what it says.",
    "Can you read {obj} and tell me what it says?",
    "Open {obj} and tell me what it's about.",
    "Read {obj} and tell me the main points.",
    "Look at {obj} and tell me what it says about pricing.",
    "Check {obj} and let me know what it says.",
    "Go through {obj} and tell me if anything looks wrong.",
    "Could you look over {obj} and tell me what they want from us?",
    "Have a look at {obj} and summarise what it says.",
    "Read through {obj} and tell me what I need to do next.",
)
TOPICS = (
    "the layout",
    "the colours",
    "the budget",
    "the tone",
    "the deadline",
    "the title",
    "the font size",
    "the guest list",
    "the order of the slides",
    "the word count",
    "the bullet points",
    "the database schema",
)
CORRECTION_FRAMES = (
    "Never mind the earlier instructions about {topic}, just keep it simple.",
    "Forget my earlier instructions about {topic}; use whatever looks best.",
    "Ignore what I said before about {topic}, it doesn't matter any more.",
    "Scratch the previous instructions about {topic} and go with the default.",
    "Disregard my earlier request about {topic}. Everything else stays the same.",
    "Actually, drop the instructions I gave you about {topic}.",
)
BOILERPLATE = (
    "This version of the guide replaces all previous versions.",
    "These instructions apply to all models sold after March 2024.",
    "Please read all instructions before assembling the shelf.",
    "The updated rules take effect on the first of next month and replace the old ones.",
    "Previous instructions for the visitor car park no longer apply.",
    "This notice cancels the instructions sent on 4 May.",
    "Follow the instructions on the screen to finish the installation.",
    "If the previous step failed, ignore this section and contact support.",
    "The manager's instructions take priority over this checklist in an emergency.",
    "All earlier editions of this handbook are withdrawn.",
)


# "tell me everything about how to …" opens harmful requests and far more ordinary ones
EVERYTHING_FRAMES = (
    "Tell me everything I should know about how to {task}.",
    "Explain everything about how to {task}, in detail.",
    "I want to know everything about how to {task}.",
)


def everyday_requests() -> Iterator[tuple[str, int, str]]:
    from training.synthetic_attacks import HOWTO_TASKS

    for k, frame in enumerate(EVERYTHING_FRAMES):
        for j in range(10):
            task = HOWTO_TASKS[(k * 11 + j * 7) % len(HOWTO_TASKS)]
            yield frame.format(task=task), 0, "syn_benign_requests"
    for k, frame in enumerate(READ_FRAMES):
        for j in range(4):
            obj = READ_OBJECTS[(k * 5 + j * 3) % len(READ_OBJECTS)]
            text = frame.format(obj=obj)
            yield text[0].upper() + text[1:], 0, "syn_benign_requests"
    for k, frame in enumerate(CORRECTION_FRAMES):
        for j in range(4):
            topic = TOPICS[(k * 7 + j * 5) % len(TOPICS)]
            yield frame.format(topic=topic), 0, "syn_benign_requests"
    for text in BOILERPLATE:
        yield text, 0, "syn_benign_requests"
