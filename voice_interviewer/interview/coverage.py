"""What the candidate has covered: every concept heard, in which turns, with quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice_interviewer.interview.concepts import ConceptMatcher, quote_around
from voice_interviewer.interview.content import Content, Probe, Warmup
from voice_interviewer.interview.scorecard_types import Evidence
from voice_interviewer.text import normalize


@dataclass
class Coverage:
    """Concept id -> every mention (turn and quote), in order.

    ``since`` arguments let the design discussion be judged apart from the warm-up, whose
    answer is a general tour of the lifecycle rather than evidence about this design.
    """

    mentions: dict[str, list[Evidence]] = field(default_factory=dict)

    def add(self, text: str, turn: int, t: float, matcher: ConceptMatcher) -> set[str]:
        """Record the concepts in one candidate turn; returns the ids found."""
        found = matcher.find(text)
        for cid, match in found.items():
            quote = quote_around(text, match.start, match.end)
            self.mentions.setdefault(cid, []).append(
                Evidence(turn=turn, quote=quote, concept=cid, t=t)
            )
        return set(found)

    def covered(self, cid: str, since: int = 0) -> bool:
        return self.first(cid, since) is not None

    def first(self, cid: str, since: int = 0) -> Evidence | None:
        """The first mention of a concept at or after turn ``since``."""
        return next((e for e in self.mentions.get(cid, ()) if e.turn >= since), None)

    def turns(self, cid: str, since: int = 0) -> list[int]:
        return [e.turn for e in self.mentions.get(cid, ()) if e.turn >= since]

    def turn_count(self, cids: tuple[str, ...], since: int = 0) -> int:
        """How many distinct turns at or after ``since`` named any of ``cids``."""
        return len({turn for cid in cids for turn in self.turns(cid, since)})


def probe_due(probe: Probe, coverage: Coverage, since: int) -> bool:
    """A probe is due when its triggers were heard often enough in the design discussion
    (turns from ``since``) and its point is not covered there either."""
    if coverage.turn_count(probe.triggers, since) < probe.min_turns:
        return False
    hits = [coverage.covered(c, since) for c in probe.covered_by]
    already = all(hits) if probe.covered_when == "all" else any(hits)
    return not already


@dataclass(frozen=True)
class WarmupAssessment:
    """How the warm-up went: the stages named, whether failure modes came up, the verdict."""

    stages: tuple[str, ...]
    failure_modes: tuple[str, ...]
    level: str  # "poor" | "solid" | "strong"

    @property
    def difficulty(self) -> str:
        return {"poor": "easy", "solid": "medium", "strong": "hard"}[self.level]


def assess_warmup(text: str, found: set[str], warmup: Warmup) -> WarmupAssessment:
    """Score the warm-up answer by the lifecycle stages it names (prompts/warmup.toml)."""
    norm = " " + normalize(text) + " "
    stages = tuple(
        name
        for name, stage in warmup.stages.items()
        if found & set(stage.concepts)
        or any(" " + normalize(p) + " " in norm for p in stage.phrases)
    )
    failures = tuple(c for c in warmup.failure_modes if c in found)
    unsure = len(norm.split()) <= 12 and any(
        " " + normalize(u) + " " in norm for u in warmup.unsure
    )
    if unsure or len(stages) < warmup.poor_below:
        level = "poor"
    elif len(stages) >= warmup.strong_at and failures:
        level = "strong"
    else:
        level = "solid"
    return WarmupAssessment(stages, failures, level)


def area_concepts(
    content: Content, area: str, extra: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """Every concept that counts for a rubric area: the rubric's and the problem's key ones."""
    rubric = content.area(area)
    ids = list(rubric.intermediate_concepts + rubric.expert_concepts)
    ids += [c for c in extra.get(area, ()) if c not in ids]
    return tuple(ids)
