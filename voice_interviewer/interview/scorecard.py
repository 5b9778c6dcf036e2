"""The scorecard, built deterministically from the evidence the director gathered: a rating
per rubric area with the sentences that earned it, exactly three strengths and three
improvements that are true for this transcript, and reading for the gaps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from voice_interviewer.interview.content import Content, Problem
from voice_interviewer.interview.coverage import Heard
from voice_interviewer.interview.desk import join_words
from voice_interviewer.interview.scorecard_types import AreaRating, Evidence, Scorecard
from voice_interviewer.interview.scoring import LEVELS, AreaAssessment, assess_area, lowered
from voice_interviewer.interview.state import InterviewState


@dataclass(frozen=True)
class _Card:
    """What the strengths and improvements are chosen from."""

    content: Content
    problem: Problem | None
    state: InterviewState
    since: int
    assessments: dict[str, AreaAssessment]
    ratings: dict[str, str]

    def label(self, cid: str) -> str:
        return self.content.label(cid, self.problem)

    def labels(self, ids: list[str] | tuple[str, ...], limit: int = 3) -> str:
        return join_words(self.label(c) for c in list(dict.fromkeys(ids))[:limit])

    def line(self, key: str, **fields: object) -> str:
        return str(self.content.lines["scorecard"][key]).format(**fields)

    def rule(self, key: str) -> int:
        """A threshold from lines.toml [feedback] (checked when the content is loaded)."""
        return int(self.content.lines["feedback"][key])

    def first_turn(self, cids: tuple[str, ...]) -> int | None:
        turns = [t for c in cids for t in self.state.coverage.turns(c, self.since)]
        return min(turns) if turns else None


def build_scorecard(content: Content, problem: Problem | None, state: InterviewState) -> Scorecard:
    """Rate each rubric area from the design discussion (from its first turn, across problem
    switches) and write the strengths, improvements and resources."""
    since = (
        state.problem.design_start if state.problem.design_start is not None else len(state.turns)
    )
    assessments = {
        a.id: assess_area(content, problem, a.id, state.coverage, since) for a in content.rubric
    }
    areas: list[AreaRating] = []
    ratings: dict[str, str] = {}
    for area in content.rubric:
        assessed = assessments[area.id]
        rating, penalising = lowered(content, area.id, assessed.earned, state.hints)
        ratings[area.id] = rating
        card_line = _CardLines(content, problem)
        areas.append(
            AreaRating(
                area=area.id,
                title=area.title,
                rating=rating,
                justification=card_line.justify(assessed, rating, penalising),
                evidence=tuple(_evidence(h) for h in assessed.evidence),
                lowered_by_hints=rating != assessed.earned,
                covered=assessed.named,
                missing=assessed.missing,
            )
        )
    card = _Card(content, problem, state, since, assessments, ratings)
    return Scorecard(
        areas=tuple(areas),
        strengths=_three(_strengths(card, areas)),
        improvements=_three(_improvements(card, areas)),
        resources=_resources(content, areas),
        hint_rule=content.hint_rule.text,
        extra={
            "hints_taken": len(state.hints),
            "candidate_turns": sum(t.speaker == "candidate" for t in state.turns),
        },
    )


def _evidence(heard: Heard) -> Evidence:
    return Evidence(turn=heard.turn, quote=heard.quote, concept=heard.concept, t=heard.t)


class _CardLines:
    """The justification of one area's rating."""

    def __init__(self, content: Content, problem: Problem | None) -> None:
        self.content = content
        self.problem = problem
        self.words = content.lines["scorecard"]

    def labels(self, ids: tuple[str, ...], limit: int = 3) -> str:
        return join_words(self.content.label(c, self.problem) for c in ids[:limit])

    def justify(self, a: AreaAssessment, rating: str, penalising: list) -> str:
        area = self.content.area(a.area)
        descriptor = {
            "Novice": area.novice,
            "Intermediate": area.intermediate,
            "Expert": area.expert,
        }
        parts = [f"{rating}: {descriptor[rating]}."]
        quotes = a.evidence[:2]
        if len(quotes) == 2:
            first, second = quotes
            parts.append(
                self.words["quoted_two"].format(
                    turn=first.turn, quote=first.quote, turn2=second.turn, quote2=second.quote
                )
            )
        elif quotes:
            parts.append(self.words["quoted"].format(turn=quotes[0].turn, quote=quotes[0].quote))
        elif a.read_back_only:
            parts.append(self.content.rating.read_back_note)
        else:
            parts.append(self.words["nothing"])
        if a.earned != "Expert" and a.unexplained:
            parts.append(self.content.rating.list_note.format(labels=self.labels(a.unexplained)))
        if a.earned != "Expert" and a.missing:
            parts.append(self.words["not_covered"].format(labels=self.labels(a.missing)))
        if a.admitted:
            admitted = tuple(dict.fromkeys(h.concept for h in a.admitted))
            parts.append(
                self.words["admitted"].format(
                    labels=self.labels(admitted, 2), turn=a.admitted[0].turn
                )
            )
        if a.dismissed:
            waved = tuple(dict.fromkeys(h.concept for h in a.dismissed))
            parts.append(
                self.words["dismissed"].format(
                    labels=self.labels(waved, 2), turn=a.dismissed[0].turn
                )
            )
        if penalising:
            levels = "/".join(str(x) for x in sorted({h.level for h in penalising}))
            parts.append(self.words["lowered"].format(earned=a.earned, levels=levels))
        return " ".join(parts)


# --- strengths -----------------------------------------------------------------------------------
def _strengths(card: _Card, areas: list[AreaRating]) -> Iterator[str]:
    """True strengths, most telling first: explained areas, then how the candidate worked,
    then areas they touched, then true observations for a thin transcript."""
    state, since = card.state, card.since
    for area in areas:
        assessed = card.assessments[area.area]
        if area.rating == "Expert" and assessed.evidence:
            best = assessed.evidence[0]
            yield card.line(
                "strength_expert",
                area=area.title,
                labels=card.labels(assessed.explained, 2),
                turn=best.turn,
                quote=best.quote,
            )
    probed = {e.detail: e.turn for e in state.events if e.type == "probe"}
    skew = card.first_turn(("training_serving_skew",))
    if skew is not None and skew < probed.get("training_serving_skew", skew + 1):
        yield card.line("strength_skew", turn=skew)
    business = card.first_turn(("business_objective",))
    model = card.first_turn(("model_architecture", "deep_model", "gbdt", "baseline"))
    pushed = any(e.type == "pushback" for e in state.events)
    # "Started from" the objective: among the first design turns, not a revenue dashboard
    # named at the end.
    opening = [t.index for t in state.candidate_turns(since)][: card.rule("business_first_turns")]
    if (
        business is not None
        and business in opening
        and not pushed
        and (model is None or business < model)
    ):
        yield card.line("strength_business_first", turn=business)
    data = card.first_turn(("data_quality", "labeling", "class_imbalance"))
    if data is not None and data < probed.get("data_quality_early", data + 1):
        yield card.line("strength_data_quality", turn=data)
    questions = [e for e in state.events if e.type == "question" and e.turn >= since]
    if len(questions) >= card.rule("clarifying_questions"):
        yield card.line(
            "strength_questions",
            count=len(questions),
            quote=questions[0].data.get("text", ""),
            turn=questions[0].turn,
        )
    reasons = _explained_sentences(card)
    if len(reasons) >= card.rule("reasoned_sentences"):
        yield card.line("strength_reasons", turn=reasons[0].turn, quote=reasons[0].quote)
    for area in areas:
        assessed = card.assessments[area.area]
        if area.rating == "Intermediate" and assessed.evidence:
            best = assessed.evidence[0]
            yield card.line(
                "strength_intermediate",
                area=area.title,
                label=card.label(best.concept),
                turn=best.turn,
                quote=best.quote,
            )
    design_turns = state.candidate_turns(since)
    if not state.hints and len(design_turns) >= card.rule("no_hint_turns"):
        yield card.line("strength_no_hints")
    admitted = sorted(
        (h for hs in state.coverage.admitted.values() for h in hs if h.turn >= since),
        key=lambda h: h.turn,
    )
    if admitted:
        yield card.line("strength_honest", turn=admitted[0].turn, quote=admitted[0].quote)
    if state.hints:
        yield card.line("strength_asked_hint", turn=state.hints[0].turn)
    warmup = next((e for e in state.events if e.type == "warmup"), None)
    stages = list(warmup.data.get("stages", ())) if warmup else []
    if len(stages) >= 3:
        names = card.content.warmup.stage_names
        yield card.line(
            "strength_warmup", count=len(stages), stages=join_words(names.get(s, s) for s in stages)
        )
    if card.problem is not None:
        yield card.line(
            "strength_attempted",
            title=card.problem.title.lower(),
            difficulty=card.problem.difficulty,
        )
    yield card.line("strength_stayed", phase=state.phases.phase.title.lower())


def _explained_sentences(card: _Card) -> list[Heard]:
    """The candidate's explained sentences about rated areas, the richest first."""
    rated = {c for a in card.content.rubric for c in card.assessments[a.id].named}
    sentences: dict[tuple[int, int], list[Heard]] = {}
    for cid in rated:
        for h in card.state.coverage.mentions(cid, card.since):
            if h.explains and not h.read_back:
                sentences.setdefault((h.turn, h.sentence), []).append(h)
    ranked = sorted(sentences.values(), key=lambda hs: (-len(hs), hs[0].turn))
    return [hs[0] for hs in ranked]


# --- improvements --------------------------------------------------------------------------------
def _improvements(card: _Card, areas: list[AreaRating]) -> Iterator[str]:
    """True improvements, most useful first: the weakest area's next level, what the
    candidate only said when probed or waved away, the next areas, then how they worked."""
    state, since = card.state, card.since
    ranked = sorted(areas, key=lambda a: LEVELS.index(a.rating))
    for area in ranked[:1]:
        yield from _area_improvement(card, area)
    probed_late = list(dict.fromkeys(_covered_only_when_probed(card)))
    if probed_late:
        yield card.line(
            "improve_probed",
            labels=_capital(card.labels(probed_late)),
            them="it" if len(probed_late) == 1 else "them",
        )
    waved = sorted(
        (h for hs in state.coverage.dismissed.values() for h in hs if h.turn >= since),
        key=lambda h: h.turn,
    )
    if waved:
        concepts = tuple(dict.fromkeys(h.concept for h in waved))
        yield card.line("improve_dismissed", labels=card.labels(concepts, 2), turn=waved[0].turn)
    for area in ranked[1:]:
        yield from _area_improvement(card, area)
    if any(e.type == "pushback" for e in state.events):
        yield card.line("improve_pushback")
    if state.hints:
        yield card.line(
            "improve_hints", count=len(state.hints), level=max(h.level for h in state.hints)
        )
    admitted = tuple(
        dict.fromkeys(
            h.concept for hs in state.coverage.admitted.values() for h in hs if h.turn >= since
        )
    )
    if admitted:
        yield card.line("improve_admitted", labels=card.labels(admitted, 3))
    design = state.candidate_turns(since)
    if design and sum(len(t.text.split()) for t in design) / len(design) < card.rule("thin_words"):
        yield card.line("improve_thin")
    missed = [
        goal
        for phase in card.content.phases
        for goal in phase.goals
        if not state.coverage.covered(goal, since, questions=True)
    ]
    if missed:
        yield card.line("improve_missed_goals", labels=card.labels(missed, 3))
    if all(a.rating == "Expert" for a in areas):
        yield card.line("improve_stretch")
    yield card.line("improve_production")


def _area_improvement(card: _Card, area: AreaRating) -> Iterator[str]:
    """What it takes to reach the rubric's next level in this area, for this problem."""
    if area.rating == "Expert":
        return
    rubric = card.content.area(area.area)
    assessed = card.assessments[area.area]
    key = card.problem.key_concepts.get(area.area, ()) if card.problem else ()
    if area.rating == "Novice" and assessed.earned == "Novice":
        wanted = [c for c in (*rubric.intermediate_concepts, *key) if c in assessed.missing]
        yield card.line(
            "improve_to_intermediate",
            area=area.title,
            descriptor=_lower_first(rubric.intermediate),
            labels=card.labels(wanted or list(rubric.intermediate_concepts), 2),
        )
    elif assessed.unexplained:
        unexplained = assessed.unexplained[:3]
        yield card.line(
            "improve_explain",
            area=area.title,
            labels=card.labels(unexplained, 3),
            they="it" if len(unexplained) == 1 else "they",
            descriptor=_lower_first(rubric.expert),
        )
    else:
        expert = [c for c in rubric.expert_concepts if c in assessed.missing]
        wanted = expert or [c for c in key if c in assessed.missing]
        yield card.line(
            "improve_to_expert",
            area=area.title,
            descriptor=_lower_first(rubric.expert),
            labels=card.labels(wanted or list(rubric.expert_concepts), 3),
        )


def _covered_only_when_probed(card: _Card) -> list[str]:
    """The probed points the candidate made after the probe and not before it."""
    probes = {p.id: p for p in card.content.probes}
    late: list[str] = []
    for event in card.state.events:
        if event.type != "probe" or event.detail not in probes:
            continue
        for cid in probes[event.detail].covered_by:
            first = card.first_turn((cid,))
            if first is not None and first > event.turn:
                late.append(cid)
    return late


# --- resources -----------------------------------------------------------------------------------
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
    return tuple(list(dict.fromkeys(chosen))[:3])


def _three(items: Iterator[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
        if len(out) == 3:
            break
    return tuple(out)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def below_expert(scorecard: Scorecard) -> list[str]:
    """The areas of a scorecard rated below Expert, worst first (ties keep rubric order)."""
    ranked = sorted(
        scorecard.areas, key=lambda a: LEVELS.index(a.rating) if a.rating in LEVELS else 0
    )
    return [a.area for a in ranked if a.rating != "Expert"]


def weakest_areas(scorecard: Scorecard, count: int = 2) -> list[str]:
    """The lowest-rated areas below Expert, worst first, at most ``count``."""
    return below_expert(scorecard)[:count]
