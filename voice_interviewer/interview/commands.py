"""Recognising spoken commands ("hint", "repeat the question", "focus on serving", ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice_interviewer.interview.concepts import normalize
from voice_interviewer.interview.content import Commands

# Checked in this order: the more specific phrases first, so "continue my last session" is not
# read as "continue" and "can I get a hint" is not read as something shorter.
_ORDER = (
    "end", "continue_last", "focus", "hint", "repeat", "easier", "harder", "next_phase",
    "pause", "resume",
)


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
        short = len(norm.split()) <= self._short
        for name in _ORDER:
            for phrase in self._phrases[name]:
                if not _has_phrase(norm, phrase):
                    continue
                # A long answer only counts as a command when it opens with the phrase.
                if not (short or norm.startswith(phrase + " ") or norm == phrase):
                    continue
                if name == "focus":
                    area = self._area_after(norm, phrase)
                    if area is None and not short:
                        continue
                    return Command(name, phrase, area)
                return Command(name, phrase)
        return None

    def _area_after(self, norm: str, phrase: str) -> str | None:
        rest = norm.split(phrase, 1)[1]
        for area, name in self._areas:
            if _has_phrase(rest, name):
                return area
        return None


def _has_phrase(norm: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", norm) is not None
