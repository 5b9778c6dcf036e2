"""Holding the director's ratings to expert judgement: scripted candidates with the ratings an
experienced interviewer gave them (tests/calibration/candidates/*.toml), run through the
director, compared area by area. Used by tests/calibration and scripts/fidelity_report.py."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from voice_interviewer.clock import VirtualClock
from voice_interviewer.interview.content import RUBRIC_AREAS, Content
from voice_interviewer.interview.director import Director
from voice_interviewer.interview.scoring import LEVELS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Each scripted turn takes this long on the virtual clock.
TURN_SECONDS = 60.0
END = "End the interview."


@dataclass(frozen=True)
class Candidate:
    """One scripted candidate and the ratings an expert gave them."""

    id: str
    problem: str
    profile: str
    summary: str
    turns: tuple[str, ...]
    expected: dict[str, str]
    reasons: dict[str, str]


@dataclass(frozen=True)
class Result:
    """The director's ratings for a candidate, next to the expected ones."""

    candidate: Candidate
    ratings: dict[str, str]
    director: Director

    def disagreements(self) -> list[str]:
        return [a for a in RUBRIC_AREAS if self.ratings[a] != self.candidate.expected[a]]


def load_candidates(folder: Path) -> list[Candidate]:
    out = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as f:
            raw = tomllib.load(f)
        out.append(
            Candidate(
                id=raw["id"],
                problem=raw["problem"],
                profile=raw["profile"],
                summary=raw.get("summary", ""),
                turns=tuple(raw["turns"]),
                expected={a: raw["expected"][a]["rating"] for a in RUBRIC_AREAS},
                reasons={a: raw["expected"][a].get("reason", "") for a in RUBRIC_AREAS},
            )
        )
    return out


def run(content: Content, candidate: Candidate) -> Result:
    """Play the candidate's turns through a director on the virtual clock, then end."""
    clock = VirtualClock()
    director = Director(content, clock, problem_id=candidate.problem)
    director.open()
    for text in candidate.turns:
        if director.finished:
            break
        clock.advance(TURN_SECONDS)
        director.respond(text)
    if not director.finished:
        clock.advance(5)
        director.respond(END)
    card = director.scorecard
    assert card is not None
    return Result(candidate, {a.area: a.rating for a in card.areas}, director)


def agreement(results: Iterable[Result]) -> tuple[int, int, int]:
    """(agreeing area ratings, all area ratings, ratings two levels apart)."""
    agree = total = far = 0
    for r in results:
        for area in RUBRIC_AREAS:
            got, want = r.ratings[area], r.candidate.expected[area]
            total += 1
            agree += got == want
            far += abs(LEVELS.index(got) - LEVELS.index(want)) >= 2
    return agree, total, far


def confusion(results: Iterable[Result]) -> dict[tuple[str, str], int]:
    """(expected, director) -> count."""
    counts = {(e, d): 0 for e in LEVELS for d in LEVELS}
    for r in results:
        for area in RUBRIC_AREAS:
            counts[(r.candidate.expected[area], r.ratings[area])] += 1
    return counts
