"""The content layer: the only reader of the interview content in ``voice_interviewer/prompts/``
(shipped as package data), loaded into typed, validated objects that every package shares."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from voice_interviewer.interview.concepts import ConceptMatcher
from voice_interviewer.interview.content_types import (
    DIFFICULTIES,
    RUBRIC_AREAS,
    Concept,
    ContentError,
    ExplainRules,
    Hint,
    HintRule,
    Phase,
    Probe,
    Problem,
    QuestionRules,
    RatingRules,
    ReadBackRules,
    RequestRule,
    Requests,
    Resource,
    RubricArea,
    ScopeFact,
    StanceRules,
    Understanding,
    Warmup,
    WarmupStage,
)
from voice_interviewer.interview.requests import RequestReader
from voice_interviewer.interview.understanding import TurnReader

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "DIFFICULTIES",
    "RUBRIC_AREAS",
    "Content",
    "ContentError",
    "Phase",
    "Probe",
    "Problem",
    "default_prompts_dir",
    "load_content",
    "read_problem",
]

PROMPTS_ENV = "VOICE_INTERVIEWER_PROMPTS"


def default_prompts_dir() -> Path:
    """The package's own prompts/ (package data), or ``$VOICE_INTERVIEWER_PROMPTS``."""
    override = os.environ.get(PROMPTS_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "prompts"


@dataclass(frozen=True)
class Content:
    """Everything in prompts/, loaded once and shared (it is immutable)."""

    root: Path
    persona: str
    phases: tuple[Phase, ...]
    concepts: dict[str, Concept]
    problems: tuple[Problem, ...]
    rubric: tuple[RubricArea, ...]
    hint_rule: HintRule
    rating: RatingRules
    probes: tuple[Probe, ...]
    resources: tuple[Resource, ...]
    tools: dict[str, str]
    warmup: Warmup
    requests: Requests
    understanding: Understanding
    lines: dict[str, Any]
    diagrams: dict[str, str]

    def problem(self, problem_id: str) -> Problem:
        for p in self.problems:
            if p.id == problem_id:
                return p
        raise ContentError(
            f"no problem {problem_id!r}; choose one of: {', '.join(p.id for p in self.problems)}"
        )

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def area(self, area_id: str) -> RubricArea:
        return next(a for a in self.rubric if a.id == area_id)

    def concept(self, concept_id: str, problem: Problem | None = None) -> Concept | None:
        """A global concept, or one of ``problem``'s own."""
        return self.concepts.get(concept_id) or (
            problem.concepts.get(concept_id) if problem else None
        )

    def label(self, concept_id: str, problem: Problem | None = None) -> str:
        concept = self.concept(concept_id, problem)
        return concept.label if concept else concept_id.replace("_", " ")

    def texts(self) -> list[str]:
        """Every authored string of the interview (persona, lines, questions, problems, hints,
        concept names): the vocabulary a spoken reply may use and still be on topic."""
        out: list[str] = [self.persona, self.warmup.question]
        for value in self.lines.values():
            if isinstance(value, dict):
                out += [str(v) for v in value.values()]
            else:
                out += value if isinstance(value, list) else [str(value)]
        for phase in self.phases:
            out += [phase.title, phase.opening, phase.push, *phase.questions.values()]
        for concept in (
            *self.concepts.values(),
            *(c for p in self.problems for c in p.concepts.values()),
        ):
            out += [concept.label, *concept.synonyms]
        for problem in self.problems:
            out += [problem.title, problem.question, *problem.vocabulary, *problem.follow_ups]
            out += [f.answer for f in problem.scope] + [h.text for h in problem.hints]
        for probe in self.probes:
            out += [probe.question, probe.lead, probe.dismissal_question, *probe.parts.values()]
        out += [f"{a.title} {a.novice} {a.intermediate} {a.expert}" for a in self.rubric]
        return out

    @cached_property
    def global_matcher(self) -> ConceptMatcher:
        return ConceptMatcher(self.concepts)

    @cached_property
    def reader(self) -> TurnReader:
        """Reads candidate turns: sentences, acts, stances, explanations and requests."""
        requests = RequestReader(self.requests, self.understanding, self.global_matcher)
        return TurnReader(self.understanding, requests)

    @cached_property
    def _problem_matchers(self) -> dict[str, ConceptMatcher]:
        return {}

    def matcher_for(self, problem: Problem | None) -> ConceptMatcher:
        """The matcher for the global concepts plus the problem's own (built once each)."""
        if problem is None or not problem.concepts:
            return self.global_matcher
        cache = self._problem_matchers
        if problem.id not in cache:
            cache[problem.id] = ConceptMatcher({**self.concepts, **problem.concepts})
        return cache[problem.id]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ContentError(f"missing content file {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise ContentError(f"{path}: {e}") from e


def _words(value: Any, what: str, where: Path) -> tuple[str, ...]:
    """A list of words or phrases, or a clear error (a frame missing a bracket would otherwise
    be read as single letters)."""
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ContentError(f"{where}: {what} must be a list of words or phrases, got {value!r}")
    return tuple(value)


def _groups(value: Any, what: str, where: Path) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise ContentError(f"{where}: {what} must be a list of two or more word groups")
    return tuple(
        _words(group, f"each group of {what} (a list of word groups)", where) for group in value
    )


def _concept(cid: str, raw: dict[str, Any], where: Path) -> Concept:
    try:
        together = raw.get("together")
        return Concept(
            cid,
            raw["area"],
            raw.get("label", cid),
            _words(raw["synonyms"], f"{cid}.synonyms", where),
            together=_groups(together, f"{cid}.together", where) if together else (),
            frames=tuple(
                _groups(frame, f"a frame of {cid}", where) for frame in raw.get("frames", ())
            ),
            unless=_words(raw.get("unless", []), f"{cid}.unless", where),
            yields_to=tuple(raw.get("yields_to", ())),
            choice=bool(raw.get("choice", False)),
        )
    except KeyError as e:
        raise ContentError(f"{where}: concept {cid} lacks {e}") from e


def _with_area_unless(concept: Concept, area_unless: dict[str, tuple[str, ...]]) -> Concept:
    """A concept with its rubric area's ``unless`` words added to its own (rubric.toml: the
    sense in which a whole area's words do not count, "evaluated on a test set" for
    monitoring)."""
    extra = area_unless.get(concept.area, ())
    return replace(concept, unless=concept.unless + extra) if extra else concept


def _problem(
    path: Path, known: dict[str, Concept], area_unless: dict[str, tuple[str, ...]]
) -> Problem:
    raw = _read_toml(path)
    try:
        local = {
            cid: _with_area_unless(_concept(cid, c, path), area_unless)
            for cid, c in raw.get("concepts", {}).items()
        }
        problem = Problem(
            id=raw["id"],
            title=raw["title"],
            difficulty=raw["difficulty"],
            source=raw.get("source", "authored"),
            question=raw["question"],
            vocabulary=tuple(raw.get("vocabulary", ())),
            scope=tuple(
                ScopeFact(s["topic"], tuple(s["keywords"]), s["answer"]) for s in raw["scope"]
            ),
            hints=tuple(
                Hint(h["level"], h["text"], tuple(h.get("reveals", ()))) for h in raw["hints"]
            ),
            key_concepts={a: tuple(ids) for a, ids in raw["key_concepts"].items()},
            follow_ups=tuple(raw.get("follow_ups", ())),
            concepts=local,
            off_topic=tuple(raw.get("off_topic", ())),
            on_topic=tuple(raw.get("on_topic", ())),
            expert_concepts=tuple(raw.get("expert_concepts", ())),
            expert_counts_as=dict(raw.get("expert_counts_as", {})),
            supporting_concepts=tuple(raw.get("supporting_concepts", ())),
        )
    except KeyError as e:
        raise ContentError(f"{path}: missing {e}") from e
    if problem.difficulty not in DIFFICULTIES:
        raise ContentError(f"{path}: difficulty must be one of {DIFFICULTIES}")
    if [h.level for h in problem.hints] != [1, 2, 3, 4]:
        raise ContentError(f"{path}: hints must be levels 1..4 in order")
    for area, ids in problem.key_concepts.items():
        for cid in ids:
            if cid not in known and cid not in local:
                raise ContentError(f"{path}: unknown concept {cid!r} in key_concepts.{area}")
    for cid in problem.expert_concepts:
        if cid not in known and cid not in local:
            raise ContentError(f"{path}: unknown concept {cid!r} in expert_concepts")
    for cid, rubric_cid in problem.expert_counts_as.items():
        if cid not in problem.expert_concepts or rubric_cid not in known:
            raise ContentError(
                f"{path}: expert_counts_as.{cid} must name one of expert_concepts and a concept "
                "of concepts.toml"
            )
    return problem


def read_problem(path: Path, content: Content) -> Problem:
    """One problem file read and checked as the interview would read it, against ``content``'s
    concepts and rubric (scripts/check_problem.py: a problem file before it joins the bank).
    Raises ContentError saying what to fix."""
    area_unless = {a.id: a.unless for a in content.rubric if a.unless}
    return _problem(path, content.concepts, area_unless)


def load_content(root: Path | None = None) -> Content:
    """Read and validate prompts/; raises ContentError naming the file at fault."""
    root = root or default_prompts_dir()
    try:
        return _load(root)
    except KeyError as e:
        raise ContentError(f"{root}: a content file lacks the key {e}") from e
    except (TypeError, ValueError) as e:
        if isinstance(e, ContentError):
            raise
        raise ContentError(f"{root}: malformed content ({e})") from e


def _phases(raw: list[dict[str, Any]]) -> tuple[Phase, ...]:
    return tuple(
        Phase(
            id=p["id"],
            title=p["title"],
            minutes=float(p["minutes"]),
            push_at=float(p.get("push_at", 0.75)),
            goals=tuple(p["goals"]),
            questions=dict(p["questions"]),
            opening=p["opening"],
            push=p.get("push", ""),
            diagram=p.get("diagram", ""),
            areas=tuple(p.get("areas", ())),
            opening_goals=tuple(p.get("opening_goals", ())),
            pushback_on=tuple(p.get("pushback_on", ())),
            pushback_settled_by=tuple(p.get("pushback_settled_by", ())),
        )
        for p in raw
    )


def _probe(p: dict[str, Any]) -> Probe:
    return Probe(
        id=p["id"],
        note=p["note"],
        triggers=tuple(p["triggers"]),
        min_turns=int(p.get("min_turns", 1)),
        covered_by=tuple(p["covered_by"]),
        covered_when=p.get("covered_when", "any"),
        question=p["question"],
        parts=dict(p.get("parts", {})),
        lead=p.get("lead", ""),
        dismissed_by=tuple(p.get("dismissed_by", ())),
        dismissal_question=p.get("dismissal_question", ""),
        phases=tuple(p.get("phases", ())),
    )


def _rubric(raw: dict[str, Any]) -> tuple[tuple[RubricArea, ...], HintRule, RatingRules]:
    areas = tuple(
        RubricArea(
            id=a["id"],
            title=a["title"],
            novice=a["novice"],
            intermediate=a["intermediate"],
            expert=a["expert"],
            intermediate_concepts=tuple(a["intermediate_concepts"]),
            expert_concepts=tuple(a["expert_concepts"]),
            expert_min=int(a.get("expert_min", 2)),
            novice_concepts=tuple(a.get("novice_concepts", ())),
            supporting_concepts=tuple(a.get("supporting_concepts", ())),
            unless=_words(a.get("unless", []), f"area {a['id']}.unless", Path("rubric.toml")),
        )
        for a in raw["area"]
    )
    hr = raw["hint_rule"]
    rating = raw["rating"]
    return (
        areas,
        HintRule(int(hr["min_level"]), int(hr["steps"]), hr["text"]),
        RatingRules(
            expert_needs_explained=bool(rating["expert_needs_explained"]),
            read_back_max=rating["read_back_max"],
            list_note=rating["list_note"],
            read_back_note=rating["read_back_note"],
        ),
    )


def _warmup(warm: dict[str, Any]) -> Warmup:
    return Warmup(
        question=warm["question"],
        poor_below=int(warm["poor_below"]),
        strong_at=int(warm["strong_at"]),
        stages={
            k: WarmupStage(tuple(v.get("concepts", ())), tuple(v.get("phrases", ())))
            for k, v in warm["stages"].items()
        },
        stage_names=dict(warm.get("stage_names", {})),
        failure_modes=tuple(warm["failure_modes"]),
        unsure=tuple(warm.get("unsure", ())),
        strong_needs_explained=int(warm.get("strong_needs_explained", 1)),
    )


def _requests(raw: dict[str, Any]) -> Requests:
    rules = tuple(
        RequestRule(
            name=r["name"],
            when=tuple(r["when"]),
            patterns=tuple(r["patterns"]),
            examples=tuple(r.get("examples", ())),
            not_examples=tuple(r.get("not", ())),
            variant=r.get("variant", ""),
            end_kind=r.get("end_kind", ""),
            unless=tuple(r.get("unless", ())),
        )
        for r in raw["request"]
    )
    return Requests(
        rules=rules,
        negators=tuple(raw["negators"]),
        end_hedges=tuple(raw["end_hedges"]),
        area_names={k: tuple(v) for k, v in raw["area_names"].items()},
        confirm_yes=tuple(raw["confirm"]["yes"]),
        confirm_no=tuple(raw["confirm"]["no"]),
        actions=dict(raw["actions"]),
    )


def _understanding(raw: dict[str, Any]) -> Understanding:
    q, s, e, r = raw["question"], raw["stance"], raw["explains"], raw["read_back"]
    return Understanding(
        fillers=tuple(raw["fillers"]),
        tails=tuple(raw["tails"]),
        clause_words=tuple(raw["clause_words"]),
        contrast_words=tuple(raw["contrast_words"]),
        macros=dict(raw.get("macros", {})),
        question=QuestionRules(
            patterns=tuple(q["patterns"]),
            tags=tuple(q["tags"]),
            alternative_max_words=int(q["alternative_max_words"]),
            first_person=tuple(q["first_person"]),
            copulas=tuple(q["copulas"]),
            subordinators=tuple(q["subordinators"]),
            unmarked_max_words=int(q["unmarked_max_words"]),
            rhetorical_openers=tuple(q["rhetorical_openers"]),
            answer_openers=tuple(q["answer_openers"]),
            definition=tuple(q["definition"]),
            process=tuple(q["process"]),
        ),
        stance=StanceRules(
            inherit_max_words=int(s["inherit_max_words"]),
            topic_max_words=int(s["topic_max_words"]),
            not_topics=tuple(s["not_topics"]),
            subjects=tuple(s["subjects"]),
            dismisses=tuple(s["dismisses"]),
            admits=tuple(s["admits"]),
            negates=tuple(s["negates"]),
            absent=tuple(s["absent"]),
            failure_words=tuple(s["failure_words"]),
            double_negative=tuple(s["double_negative"]),
            hedges=tuple(s["hedges"]),
        ),
        explains=ExplainRules(
            connectives=tuple(e["connectives"]),
            numbers=tuple(e["numbers"]),
            digit_terms=tuple(e["digit_terms"]),
            alternative_min_words=int(e["alternative_min_words"]),
            list_item_max_words=int(e["list_item_max_words"]),
            mechanism_min_words=int(e["mechanism_min_words"]),
        ),
        read_back=ReadBackRules(
            min_content_words=int(r["min_content_words"]),
            overlap=float(r["overlap"]),
            stop_words=frozenset(r["stop_words"]),
        ),
        echo_heads=tuple(raw.get("echo", {}).get("heads", ())),
    )


def _load(root: Path) -> Content:
    if not root.is_dir():
        raise ContentError(
            f"interview content not found at {root}; set VOICE_INTERVIEWER_PROMPTS to the prompts/ folder"
        )
    concepts_path = root / "concepts.toml"
    rubric_raw = _read_toml(root / "rubric.toml")
    rubric, hint_rule, rating = _rubric(rubric_raw)
    area_unless = {a.id: a.unless for a in rubric if a.unless}
    concepts = {
        cid: _with_area_unless(_concept(cid, c, concepts_path), area_unless)
        for cid, c in _read_toml(concepts_path).items()
    }
    res_raw = _read_toml(root / "resources.toml")
    problems = tuple(
        _problem(path, concepts, area_unless) for path in sorted((root / "problems").glob("*.toml"))
    )
    content = Content(
        root=root,
        persona=(root / "persona.md").read_text(encoding="utf-8").strip(),
        phases=_phases(_read_toml(root / "phases.toml")["phase"]),
        concepts=concepts,
        problems=problems,
        rubric=rubric,
        hint_rule=hint_rule,
        rating=rating,
        probes=tuple(_probe(p) for p in _read_toml(root / "probes.toml")["probe"]),
        resources=tuple(
            Resource(r["title"], r["why"], tuple(r["areas"]), tuple(r.get("focus", ())))
            for r in res_raw["resource"]
        ),
        tools=dict(res_raw.get("tools", {})),
        warmup=_warmup(_read_toml(root / "warmup.toml")),
        requests=_requests(_read_toml(root / "requests.toml")),
        understanding=_understanding(_read_toml(root / "understanding.toml")),
        lines=_check_feedback(_read_toml(root / "lines.toml"), root / "lines.toml"),
        diagrams={p.stem: p.read_text(encoding="utf-8") for p in (root / "diagrams").glob("*.txt")},
    )
    _check_references(content)
    return content


FEEDBACK_RULES = (
    "thin_words",
    "reasoned_sentences",
    "business_first_turns",
    "clarifying_questions",
    "no_hint_turns",
)


def _check_feedback(lines: dict[str, Any], where: Path) -> dict[str, Any]:
    """lines.toml [feedback]: every threshold the scorecard reads, as a positive integer."""
    rules = lines.get("feedback", {})
    for key in FEEDBACK_RULES:
        if not isinstance(rules.get(key), int) or rules[key] < 1:
            raise ContentError(f"{where}: [feedback] needs {key} as a positive whole number")
    return lines


def _check_references(content: Content) -> None:
    """Every concept id named anywhere must exist, so a typo fails at load, not mid-interview."""
    known = set(content.concepts)
    named: list[tuple[str, str]] = []
    named += [
        ("phases.toml", g)
        for p in content.phases
        for g in (*p.goals, *p.opening_goals, *p.pushback_on)
    ]
    named += [("rubric.toml", c) for a in content.rubric for c in a.novice_concepts]
    named += [("lines.toml", c) for c in content.lines["pushback_questions"]]
    named += [
        ("rubric.toml", c)
        for a in content.rubric
        for c in a.intermediate_concepts + a.expert_concepts
    ]
    named += [
        ("probes.toml", c)
        for p in content.probes
        for c in (*p.triggers, *p.covered_by, *p.dismissed_by, *p.parts)
    ]
    named += [("warmup.toml", c) for s in content.warmup.stages.values() for c in s.concepts]
    named += [("warmup.toml", c) for c in content.warmup.failure_modes]
    for where, cid in named:
        if cid not in known:
            raise ContentError(f"{content.root / where}: unknown concept {cid!r}")
    for phase in content.phases:
        missing = set(phase.goals) - set(phase.questions)
        if missing:
            raise ContentError(
                f"phases.toml: phase {phase.id} has no question for {sorted(missing)}"
            )
    if tuple(a.id for a in content.rubric) != RUBRIC_AREAS:
        raise ContentError(f"rubric.toml: areas must be {RUBRIC_AREAS}")
    names = {r.name for r in content.requests.rules}
    if names - set(content.requests.actions):
        raise ContentError(
            f"requests.toml: no action for {sorted(names - set(content.requests.actions))}"
        )


# --- turn-taking words (prompts/turns.toml), read on their own by the audio layer ------------


@dataclass(frozen=True)
class TurnPhrases:
    """How the end of a transcript bears on turn-taking (see prompts/turns.toml)."""

    hold: tuple[str, ...]
    done: tuple[str, ...]
    dangling: tuple[str, ...]
    backchannels: tuple[str, ...]
    short_answer_openers: tuple[str, ...]


_TURN_PHRASES: dict[Path, TurnPhrases] = {}


def load_turn_phrases(root: Path | None = None) -> TurnPhrases:
    """prompts/turns.toml, read once per folder; ContentError names the file at fault.

    Separate from ``load_content`` so that the endpointer's config can take its defaults
    without loading (and validating) the whole interview."""
    root = root or default_prompts_dir()
    if root not in _TURN_PHRASES:
        path = root / "turns.toml"
        raw = _read_toml(path)
        names = [f.name for f in fields(TurnPhrases)]
        try:
            lists = {k: tuple(str(p) for p in raw[k]) for k in names}
        except (KeyError, TypeError) as e:
            raise ContentError(f"{path}: needs the lists {', '.join(names)} ({e})") from e
        _TURN_PHRASES[root] = TurnPhrases(**lists)
    return _TURN_PHRASES[root]
