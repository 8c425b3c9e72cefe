"""Planted changes: derive a copy with known factual edits, for tests and benchmarks.

Each planter edits one thing the claim diff must find: a number changed, a quote given to
another speaker, a negation flipped, a sentence invented, a speaker dropped. It returns the
edited text and what the diff should report, so precision and recall can be measured
honestly on texts the project wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    text: str
    kind: str  # number | quote | statement | attribution
    status: str  # altered | added | dropped
    detail: str  # value | speaker | negation | invented | speaker removed


_MONTH_BEFORE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*$")


def change_number(text: str) -> Planted | None:
    """Double-and-one the first count in the text (not a year, not a day of a date)."""
    for match in re.finditer(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d{2,3})(?![\w.,]?\d)", text):
        if not _MONTH_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            break
    else:
        return None
    old = match.group(1)
    new = str(int(old.replace(",", "")) * 2 + 1)
    return Planted(text[:match.start(1)] + new + text[match.end(1):], "number", "altered", "value")


def reattribute_quote(text: str) -> Planted | None:
    match = re.search(r"([\"\u201d],?\s+said\s+)((?:[A-Z][\w.-]+\s){0,3}[A-Z][\w-]+)", text)
    if not match:
        return None
    return Planted(text[:match.start(2)] + "Senator Odile Varga" + text[match.end(2):],
                   "quote", "altered", "speaker")


def drop_speaker(text: str) -> Planted | None:
    match = re.search(r"([\"\u201d]),?\s+said\s+(?:[A-Z][\w.-]+\s){0,3}[A-Z][\w-]+(?:\s+after the vote)?\.", text)
    if not match:
        return None
    # '"...," said Mayor Reyes after the vote.' becomes '"...".': the words stay, the speaker goes.
    return Planted(text[:match.start() + 1] + text[match.end() - 1:], "quote", "altered",
                   "speaker removed")


def flip_negation(text: str) -> Planted | None:
    match = re.search(r"\b(will|would|can|could|should|is|was|are|were)\s+(?!not\b)(\w+)", text)
    if not match:
        return None
    return Planted(text[:match.end(1)] + " not" + text[match.end(1):], "statement", "altered", "negation")


def invent_sentence(text: str) -> Planted | None:
    invented = " Officials also confirmed that 17 people had been arrested at the scene."
    paragraph_end = text.find("\n\n")
    at = paragraph_end if paragraph_end > 0 else len(text)
    return Planted(text[:at] + invented + text[at:], "statement", "added", "invented")


PLANTERS: dict[str, Callable[[str], Planted | None]] = {
    "number": change_number, "reattributed_quote": reattribute_quote,
    "dropped_speaker": drop_speaker, "negation": flip_negation, "invented": invent_sentence,
}
