"""Holding the director's ratings to expert judgement: scripted candidates with the ratings an
experienced interviewer gave them (tests/calibration/candidates/*.toml), run through the
director, compared area by area. Used by tests/calibration and scripts/fidelity_report.py."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    hints: int | None = None
    """How many hint requests the interviewer should hear (optional)."""
    model_pushback: bool | None = None
    """Whether the interviewer should push back on jumping to the model (optional)."""
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per area: phrases of the sentences that earned the rating; each quote holds one."""


@dataclass(frozen=True)
class Result:
    """The director's ratings for a candidate, next to the expected ones."""

    candidate: Candidate
    ratings: dict[str, str]
    director: Director

    def disagreements(self) -> list[str]:
        return [a for a in RUBRIC_AREAS if self.ratings[a] != self.candidate.expected[a]]

    def hints_heard(self) -> int:
        return len(self.director.state.hints)

    def pushed_back(self) -> bool:
        return any(e.type == "pushback" for e in self.director.state.events)

    def misquoted(self) -> list[tuple[str, str]]:
        """(area, quotes) for each area whose rating agrees with the expert's, whose earning
        sentences the candidate file names by a phrase, and none of whose quotes is one."""
        card = self.director.scorecard
        assert card is not None
        out = []
        for area in card.areas:
            phrases = self.candidate.evidence.get(area.area)
            if not phrases or area.area in self.disagreements():
                continue
            quotes = [ev.quote for ev in area.evidence]
            if not any(p.lower() in q.lower() for p in phrases for q in quotes):
                out.append((area.area, " / ".join(quotes) or "(no quote)"))
        return out

    def other_failures(self) -> list[str]:
        """The optional expectations (hints heard, pushback, evidence) this run misses."""
        c = self.candidate
        out = []
        if c.hints is not None and self.hints_heard() != c.hints:
            out.append(f"{c.id}: heard {self.hints_heard()} hint requests, expected {c.hints}")
        if c.model_pushback is not None and self.pushed_back() != c.model_pushback:
            out.append(f"{c.id}: pushback {self.pushed_back()}, expected {c.model_pushback}")
        out += [f"{c.id}: {area} quotes {quote!r}" for area, quote in self.misquoted()]
        return out


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
                hints=raw.get("hints"),
                model_pushback=raw.get("model_pushback"),
                evidence={
                    a: tuple(raw["expected"][a]["evidence"])
                    for a in RUBRIC_AREAS
                    if raw["expected"][a].get("evidence")
                },
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
