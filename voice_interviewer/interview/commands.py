"""Recognising spoken commands ("hint", "repeat the question", "focus on serving", ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice_interviewer.interview.content import Commands
from voice_interviewer.text import normalize

# Checked in this order: the more specific phrases first, so "continue my last session" is not
# read as "continue" and "can I get a hint" is not read as something shorter.
_ORDER = (
    "end",
    "continue_last",
    "focus",
    "hint",
    "repeat",
    "easier",
    "harder",
    "next_phase",
    "pause",
    "resume",
)


# A turn this short is a command whenever it holds a command word ("ok, hint please").
_TINY_TURN_WORDS = 3


@dataclass(frozen=True)
class Command:
    """A recognised command; ``area`` is set for "focus on <area>"."""

    name: str
    phrase: str
    area: str | None = None


class CommandParser:
    """Reads commands from a candidate turn without mistaking answers for commands."""

    def __init__(self, commands: Commands) -> None:
        self._short = commands.short_turn_words
        self._phrases = {
            name: [normalize(p) for p in commands.phrases.get(name, ())] for name in _ORDER
        }
        self._areas = [
            (area, normalize(name))
            for area, names in commands.area_names.items()
            for name in sorted(names, key=len, reverse=True)
        ]

    def parse(self, text: str) -> Command | None:
        norm = normalize(text)
        if not norm:
            return None
        words = len(norm.split())
        short = words <= self._short
        for name in _ORDER:
            for phrase in self._phrases[name]:
                if not _has_phrase(norm, phrase):
                    continue
                # An answer counts as a command only when it opens with the phrase, or when it
                # is short and the phrase is unmistakable: several words ("give me a hint"),
                # or a single word in a turn of a few words ("hint please"). So "we pause the
                # rollout while ..." is an answer, not "pause".
                opens = norm == phrase or norm.startswith(phrase + " ")
                several = " " in phrase
                if not (opens or (short and several) or words <= _TINY_TURN_WORDS):
                    continue
                if name == "focus":
                    area = self._area_after(norm, phrase)
                    if area is None and not short:
                        continue
                    return Command(name, phrase, area)
                return Command(name, phrase)
        return None

    def areas_in(self, text: str) -> list[str]:
        """The rubric areas a free answer names ("experiments and serving, please")."""
        norm = normalize(text)
        found: list[str] = []
        for area, name in self._areas:
            if area not in found and _has_phrase(norm, name):
                found.append(area)
        return found

    def _area_after(self, norm: str, phrase: str) -> str | None:
        rest = norm.split(phrase, 1)[1]
        for area, name in self._areas:
            if _has_phrase(rest, name):
                return area
        return None


def _has_phrase(norm: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", norm) is not None
