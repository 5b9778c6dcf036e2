"""Rating one rubric area from the candidate's own sentences, by the rules in
prompts/rubric.toml [rating]: Expert needs expert concepts explained (a mechanism, a reason,
a trade-off, a number), a bare list never earns it; any asserted concept of the area earns
Intermediate; questions, admissions, negations, dismissals and hints read back earn nothing
beyond what the rules allow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voice_interviewer.interview.content import Content, Problem
from voice_interviewer.interview.coverage import Coverage, Heard, area_concepts, expert_concepts
from voice_interviewer.interview.records import HintTaken

LEVELS = ("Novice", "Intermediate", "Expert")

# How many sentences are quoted for a rating.
_QUOTES = {"Expert": 3, "Intermediate": 2, "Novice": 0}


@dataclass(frozen=True)
class AreaAssessment:
    """Why an area earned its rating, before hints lowered it."""

    area: str
    earned: str
    evidence: tuple[Heard, ...]
    """The sentences that earned the rating, best first (never a question, admission,
    negation, dismissal or hint read back)."""
    named: tuple[str, ...]
    """Concepts of the area the candidate asserted."""
    explained: tuple[str, ...]
    """Expert concepts explained in the candidate's own sentences."""
    unexplained: tuple[str, ...]
    """Expert concepts named but never explained."""
    missing: tuple[str, ...]
    admitted: tuple[Heard, ...]
    dismissed: tuple[Heard, ...]
    read_back_only: bool


def assess_area(
    content: Content, problem: Problem | None, area_id: str, coverage: Coverage, since: int
) -> AreaAssessment:
    """The rating an area earned from the design discussion (turns from ``since``)."""
    area = content.area(area_id)
    rules = content.rating
    ids = area_concepts(content, area_id, problem)
    experts = set(expert_concepts(content, area_id, problem))
    mentions = {cid: coverage.mentions(cid, since) for cid in ids}
    own = {cid: [h for h in hs if not h.read_back] for cid, hs in mentions.items()}
    named = [cid for cid in ids if mentions[cid]]
    if rules.expert_needs_explained:
        explained = [c for c in ids if c in experts and any(h.explains for h in own[c])]
    else:
        explained = [c for c in ids if c in experts and own[c]]
    unexplained = [c for c in ids if c in experts and own[c] and c not in explained]
    supporting = set(area.supporting_concepts) | set(
        problem.supporting_concepts if problem is not None else ()
    )
    if named and all(c in supporting for c in named):
        named = []  # a metric with no experiment, say: nothing of the area on its own
    # Expert needs explained mechanisms across more than one of the Expert descriptors: a
    # problem's own concept that is one of them in its terms counts as that one.
    counts_as = problem.expert_counts_as if problem is not None else {}
    descriptors = {counts_as.get(c, c) for c in explained}
    if len(descriptors) >= area.expert_min:
        earned = "Expert"
    elif named:
        earned = "Intermediate"
    else:
        earned = "Novice"
    if LEVELS.index(earned) > LEVELS.index(rules.read_back_max) and not any(own.values()):
        earned = rules.read_back_max
    evidence = _evidence(earned, ids, explained, own, experts, supporting)
    return AreaAssessment(
        area=area_id,
        earned=earned,
        evidence=evidence,
        named=tuple(named),
        explained=tuple(explained),
        unexplained=tuple(unexplained),
        missing=tuple(c for c in ids if not mentions[c]),
        admitted=tuple(h for c in ids for h in coverage.admitted.get(c, ()) if h.turn >= since),
        dismissed=tuple(h for c in ids for h in coverage.dismissed.get(c, ()) if h.turn >= since),
        read_back_only=bool(named) and not any(own.values()),
    )


def _evidence(
    earned: str,
    ids: list[str],
    explained: list[str],
    own: dict[str, list[Heard]],
    experts: set[str],
    supporting: set[str],
) -> tuple[Heard, ...]:
    """The sentences behind the rating, one quote per sentence: for Expert the explained
    ones, one per expert concept; for Intermediate the sentences that earned it (a concept
    that counts on its own, not only a supporting one such as a metric), then those that say
    most about the area, explained first, each labelled by its most advanced concept."""
    picked: list[Heard] = []

    def add(heard: Heard) -> None:
        if not any(p.turn == heard.turn and p.sentence == heard.sentence for p in picked):
            picked.append(heard)

    if earned == "Expert":
        for cid in explained:
            add(next((h for h in own[cid] if h.explains), own[cid][0]))
    else:
        sentences: dict[tuple[int, int], list[Heard]] = {}
        for cid in ids:
            for heard in own[cid]:
                sentences.setdefault((heard.turn, heard.sentence), []).append(heard)
        ranked = sorted(
            sentences.values(),
            key=lambda hs: (
                all(h.concept in supporting for h in hs),
                -len(hs),
                not hs[0].explains,
                hs[0].turn,
            ),
        )
        for group in ranked:
            add(next((h for h in group if h.concept in experts), group[0]))
    # Best first: the first quote is the one the justification and the strengths cite.
    return tuple(picked[: _QUOTES[earned]])


def lowered(
    content: Content, area_id: str, earned: str, hints: Sequence[HintTaken]
) -> tuple[str, list[HintTaken]]:
    """The rating after hints (prompts/rubric.toml [hint_rule]), and the hints that lowered it."""
    rule = content.hint_rule
    penalising = [h for h in hints if h.level >= rule.min_level and area_id in h.reveals]
    if not penalising:
        return earned, []
    return LEVELS[max(0, LEVELS.index(earned) - rule.steps)], penalising
