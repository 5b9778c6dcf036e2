"""The scorecard, built deterministically from the evidence the director gathered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from voice_interviewer.interview.content import Content, Problem, RubricArea
from voice_interviewer.interview.coverage import Coverage, area_concepts
from voice_interviewer.interview.scorecard_types import AreaRating, Evidence, Scorecard

if TYPE_CHECKING:
    from voice_interviewer.interview.records import Event, HintTaken, Turn

LEVELS = ("Novice", "Intermediate", "Expert")


def rate_area(area: RubricArea, coverage: Coverage, since: int = 0) -> str:
    """The rubric's rule (prompts/rubric.toml): expert concepts for Expert, any for Intermediate.
    Only the design discussion counts (turns from ``since``), not the warm-up."""
    expert = [c for c in area.expert_concepts if coverage.covered(c, since)]
    intermediate = [c for c in area.intermediate_concepts if coverage.covered(c, since)]
    if len(expert) >= area.expert_min:
        return "Expert"
    if expert or intermediate:
        return "Intermediate"
    return "Novice"


def build_scorecard(
    content: Content,
    problem: Problem | None,
    coverage: Coverage,
    hints: Sequence[HintTaken],
    events: Sequence[Event],
    turns: Sequence[Turn],
    since: int = 0,
) -> Scorecard:
    """Rate each rubric area from the evidence; ``since`` is the first turn of the design."""
    key = problem.key_concepts if problem else {}
    rule = content.hint_rule
    areas: list[AreaRating] = []
    for area in content.rubric:
        earned = rate_area(area, coverage, since)
        penalising = [h for h in hints if h.level >= rule.min_level and area.id in h.reveals]
        rating = earned
        if penalising:
            rating = LEVELS[max(0, LEVELS.index(earned) - rule.steps)]
        ids = area_concepts(content, area.id, key)
        firsts = {c: coverage.first(c, since) for c in ids}
        covered = tuple(c for c in ids if firsts[c] is not None)
        missing = tuple(c for c in ids if firsts[c] is None)
        evidence = tuple(
            sorted((e for e in firsts.values() if e is not None), key=lambda e: e.turn)
        )
        areas.append(
            AreaRating(
                area=area.id,
                title=area.title,
                rating=rating,
                justification=_justify(
                    content, problem, area, rating, earned, evidence, missing, penalising
                ),
                evidence=evidence,
                lowered_by_hints=rating != earned,
                covered=covered,
                missing=missing,
            )
        )
    return Scorecard(
        areas=tuple(areas),
        strengths=_strengths(content, problem, areas, coverage, events, since),
        improvements=_improvements(content, problem, areas, events, hints),
        resources=_resources(content, areas),
        hint_rule=rule.text,
        extra={
            "hints_taken": len(hints),
            "candidate_turns": sum(t.speaker == "candidate" for t in turns),
        },
    )


def _justify(
    content: Content,
    problem: Problem | None,
    area: RubricArea,
    rating: str,
    earned: str,
    evidence: tuple[Evidence, ...],
    missing: tuple[str, ...],
    penalising: Sequence[Any],
) -> str:
    descriptor = {"Novice": area.novice, "Intermediate": area.intermediate, "Expert": area.expert}[
        rating
    ]
    parts = [f"{rating}: {descriptor}."]
    if evidence:
        distinct = list({(e.turn, e.quote): e for e in evidence}.values())
        quoted = "; ".join(f'turn {e.turn}: "{e.quote}"' for e in distinct[:2])
        parts.append(f"You said ({quoted}).")
    else:
        parts.append("Nothing you said touched this area.")
    if missing and rating != "Expert":
        parts.append(
            "Not covered: " + ", ".join(content.label(c, problem) for c in missing[:3]) + "."
        )
    if rating != earned:
        levels = sorted({h.level for h in penalising})
        parts.append(
            f"Lowered from {earned} because a level {'/'.join(map(str, levels))} hint revealed this area."
        )
    return " ".join(parts)


def _strengths(
    content: Content,
    problem: Problem | None,
    areas: list[AreaRating],
    coverage: Coverage,
    events: Sequence[Event],
    since: int,
) -> tuple[str, ...]:
    found: list[str] = []
    for area in sorted(areas, key=lambda a: -LEVELS.index(a.rating)):
        if area.rating != "Novice" and area.evidence:
            best = area.evidence[-1] if area.rating == "Expert" else area.evidence[0]
            label = content.label(best.concept, problem)
            found.append(
                f'{area.title}: you brought up {label} (turn {best.turn}: "{best.quote}").'
            )
    probes = {e.detail for e in events if e.type == "probe"}
    if coverage.covered("training_serving_skew", since) and "training_serving_skew" not in probes:
        found.append(
            "You raised training-serving skew without being asked, a common production failure."
        )
    model_turns = coverage.turns("model_architecture", since)
    scope_turns = coverage.turns("business_objective", since)
    if scope_turns and (not model_turns or min(scope_turns) < min(model_turns)):
        found.append("You started from the business objective before choosing a model.")
    if coverage.covered("data_quality", since) or coverage.covered("labeling", since):
        found.append("You paid attention to data quality and labels, the most impactful lever.")
    found += list(content.lines["fallback_strengths"])
    return tuple(_unique(found)[:3])


def _improvements(
    content: Content,
    problem: Problem | None,
    areas: list[AreaRating],
    events: Sequence[Event],
    hints: Sequence[HintTaken],
) -> tuple[str, ...]:
    found: list[str] = []
    for area in sorted(areas, key=lambda a: LEVELS.index(a.rating)):
        if area.rating != "Expert" and area.missing:
            labels = ", ".join(content.label(c, problem) for c in area.missing[:3])
            found.append(f"{area.title}: work {labels} into your designs unprompted.")
    if any(e.type == "pushback" for e in events):
        found.append(
            "Scope first: state the business objective, success metric and data before the model."
        )
    fired = [e.detail for e in events if e.type == "probe"]
    if fired:
        found.append(
            "Several points came up only when probed ("
            + ", ".join(p.replace("_", " ") for p in fired[:3])
            + "); raise them yourself."
        )
    if hints:
        found.append(f"You took {len(hints)} hint(s); practise this problem again without them.")
    found.append("Close each part by naming what breaks in production and how you would detect it.")
    return tuple(_unique(found)[:3])


def _resources(content: Content, areas: list[AreaRating]) -> tuple[str, ...]:
    weakest = [
        a.area for a in sorted(areas, key=lambda a: LEVELS.index(a.rating)) if a.rating != "Expert"
    ]
    weakest = weakest or [a.area for a in areas]
    chosen: list[str] = []
    for area in weakest:
        for r in sorted(content.resources, key=lambda r: area not in r.focus):
            if area in r.areas:
                chosen.append(f"{r.title}: {r.why}.")
                break
        tool = content.tools.get(area)
        if tool and len(chosen) < 3:
            chosen.append(tool + ".")
    return tuple(_unique(chosen)[:3])


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


def weakest_areas(scorecard: Scorecard, count: int = 2) -> list[str]:
    """The lowest-rated areas of a scorecard, worst first (ties keep rubric order)."""
    order = {"Novice": 0, "Intermediate": 1, "Expert": 2}
    ranked = sorted(scorecard.areas, key=lambda a: order.get(a.rating, 0))
    return [a.area for a in ranked[:count]]
