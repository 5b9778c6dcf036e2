"""The content layer: the only reader of the interview content in ``voice_interviewer/prompts/``
(shipped as package data), loaded into typed, validated objects that every package shares."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from voice_interviewer.interview.concepts import Concept, ConceptMatcher

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RUBRIC_AREAS = ("feature_engineering", "model_serving", "monitoring", "experiment_design")
DIFFICULTIES = ("easy", "medium", "hard")


class ContentError(ValueError):
    """The content in prompts/ is missing or malformed; the message names the file."""


PROMPTS_ENV = "VOICE_INTERVIEWER_PROMPTS"


def default_prompts_dir() -> Path:
    """The package's own prompts/ (package data), or ``$VOICE_INTERVIEWER_PROMPTS``."""
    override = os.environ.get(PROMPTS_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "prompts"


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    minutes: float
    push_at: float
    goals: tuple[str, ...]
    questions: dict[str, str]
    opening: str
    push: str
    diagram: str
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScopeFact:
    topic: str
    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Hint:
    level: int
    text: str
    reveals: tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    difficulty: str
    source: str
    question: str
    vocabulary: tuple[str, ...]
    scope: tuple[ScopeFact, ...]
    hints: tuple[Hint, ...]
    key_concepts: dict[str, tuple[str, ...]]
    follow_ups: tuple[str, ...]
    concepts: dict[str, Concept]


@dataclass(frozen=True)
class RubricArea:
    id: str
    title: str
    novice: str
    intermediate: str
    expert: str
    intermediate_concepts: tuple[str, ...]
    expert_concepts: tuple[str, ...]
    expert_min: int


@dataclass(frozen=True)
class HintRule:
    min_level: int
    steps: int
    text: str


@dataclass(frozen=True)
class Probe:
    id: str
    note: str
    triggers: tuple[str, ...]
    min_turns: int
    covered_by: tuple[str, ...]
    covered_when: str
    question: str


@dataclass(frozen=True)
class Resource:
    title: str
    why: str
    areas: tuple[str, ...]
    focus: tuple[str, ...]


@dataclass(frozen=True)
class WarmupStage:
    concepts: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Warmup:
    question: str
    poor_below: int
    strong_at: int
    stages: dict[str, WarmupStage]
    stage_names: dict[str, str]
    failure_modes: tuple[str, ...]
    unsure: tuple[str, ...]


@dataclass(frozen=True)
class Commands:
    short_turn_words: int
    phrases: dict[str, tuple[str, ...]]
    area_names: dict[str, tuple[str, ...]]


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
    probes: tuple[Probe, ...]
    resources: tuple[Resource, ...]
    tools: dict[str, str]
    warmup: Warmup
    commands: Commands
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

    def label(self, concept_id: str, problem: Problem | None = None) -> str:
        concept = self.concepts.get(concept_id) or (
            problem.concepts.get(concept_id) if problem else None
        )
        return concept.label if concept else concept_id.replace("_", " ")

    def texts(self) -> list[str]:
        """Every authored string of the interview (persona, lines, questions, problems, hints,
        concept names): the vocabulary a spoken reply may use and still be on topic."""
        out: list[str] = [self.persona, self.warmup.question]
        for value in self.lines.values():
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
        out += [p.question for p in self.probes]
        out += [f"{a.title} {a.novice} {a.intermediate} {a.expert}" for a in self.rubric]
        return out

    @cached_property
    def global_matcher(self) -> ConceptMatcher:
        return ConceptMatcher(self.concepts)

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


def _concept(cid: str, raw: dict[str, Any], where: Path) -> Concept:
    try:
        return Concept(cid, raw["area"], raw.get("label", cid), tuple(raw["synonyms"]))
    except KeyError as e:
        raise ContentError(f"{where}: concept {cid} lacks {e}") from e


def _problem(path: Path, known: dict[str, Concept]) -> Problem:
    raw = _read_toml(path)
    try:
        local = {cid: _concept(cid, c, path) for cid, c in raw.get("concepts", {}).items()}
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
        )
    except KeyError as e:
        raise ContentError(f"{path}: missing {e}") from e
    if problem.difficulty not in DIFFICULTIES:
        raise ContentError(f"{path}: difficulty must be one of {DIFFICULTIES}")
    if [h.level for h in problem.hints] != [1, 2, 3, 4]:
        raise ContentError(f"{path}: needs hints at levels 1, 2, 3, 4")
    for area, ids in problem.key_concepts.items():
        for cid in ids:
            if cid not in known and cid not in local:
                raise ContentError(f"{path}: unknown concept {cid!r} in key_concepts.{area}")
    return problem


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


def _load(root: Path) -> Content:
    if not root.is_dir():
        raise ContentError(
            f"interview content not found at {root}; set VOICE_INTERVIEWER_PROMPTS to the prompts/ folder"
        )
    concepts_path = root / "concepts.toml"
    concepts = {
        cid: _concept(cid, c, concepts_path) for cid, c in _read_toml(concepts_path).items()
    }
    phases_raw = _read_toml(root / "phases.toml")["phase"]
    phases = tuple(
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
        )
        for p in phases_raw
    )
    rubric_raw = _read_toml(root / "rubric.toml")
    rubric = tuple(
        RubricArea(
            id=a["id"],
            title=a["title"],
            novice=a["novice"],
            intermediate=a["intermediate"],
            expert=a["expert"],
            intermediate_concepts=tuple(a["intermediate_concepts"]),
            expert_concepts=tuple(a["expert_concepts"]),
            expert_min=int(a.get("expert_min", 2)),
        )
        for a in rubric_raw["area"]
    )
    hr = rubric_raw["hint_rule"]
    probes = tuple(
        Probe(
            id=p["id"],
            note=p["note"],
            triggers=tuple(p["triggers"]),
            min_turns=int(p.get("min_turns", 1)),
            covered_by=tuple(p["covered_by"]),
            covered_when=p.get("covered_when", "any"),
            question=p["question"],
        )
        for p in _read_toml(root / "probes.toml")["probe"]
    )
    res_raw = _read_toml(root / "resources.toml")
    warm = _read_toml(root / "warmup.toml")
    cmd = _read_toml(root / "commands.toml")
    problems = tuple(
        _problem(path, concepts) for path in sorted((root / "problems").glob("*.toml"))
    )
    content = Content(
        root=root,
        persona=(root / "persona.md").read_text(encoding="utf-8").strip(),
        phases=phases,
        concepts=concepts,
        problems=problems,
        rubric=rubric,
        hint_rule=HintRule(int(hr["min_level"]), int(hr["steps"]), hr["text"]),
        probes=probes,
        resources=tuple(
            Resource(r["title"], r["why"], tuple(r["areas"]), tuple(r.get("focus", ())))
            for r in res_raw["resource"]
        ),
        tools=dict(res_raw.get("tools", {})),
        warmup=Warmup(
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
        ),
        commands=Commands(
            short_turn_words=int(cmd["short_turn_words"]),
            phrases={k: tuple(v["phrases"]) for k, v in cmd["command"].items()},
            area_names={k: tuple(v) for k, v in cmd["area_names"].items()},
        ),
        lines=_read_toml(root / "lines.toml"),
        diagrams={p.stem: p.read_text(encoding="utf-8") for p in (root / "diagrams").glob("*.txt")},
    )
    _check_references(content)
    return content


def _check_references(content: Content) -> None:
    """Every concept id named anywhere must exist, so a typo fails at load, not mid-interview."""
    known = set(content.concepts)
    named: list[tuple[str, str]] = []
    named += [("phases.toml", g) for p in content.phases for g in p.goals]
    named += [
        ("rubric.toml", c)
        for a in content.rubric
        for c in a.intermediate_concepts + a.expert_concepts
    ]
    named += [("probes.toml", c) for p in content.probes for c in p.triggers + p.covered_by]
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
