"""The typed shapes of the interview content (prompts/), as the content layer loads them."""

from __future__ import annotations

from dataclasses import dataclass, field

RUBRIC_AREAS = ("feature_engineering", "model_serving", "monitoring", "experiment_design")
DIFFICULTIES = ("easy", "medium", "hard")


class ContentError(ValueError):
    """The content in prompts/ is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Phase:
    """One of the seed's four phases: its budget, goals and the question for each goal."""

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
    opening_goals: tuple[str, ...] = ()
    """What the opening question asks about (skipped when already covered)."""
    pushback_on: tuple[str, ...] = ()
    """Concepts that, said before the business objective and data, get a pushback."""
    pushback_settled_by: tuple[str, ...] = ()
    """Concepts that show the candidate has looked at the data already: no pushback then."""


@dataclass(frozen=True)
class ScopeFact:
    """A fact about the problem, revealed when the candidate asks about its topic."""

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
    """One problem of the bank (prompts/problems/*.toml)."""

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
    off_topic: tuple[str, ...] = ()
    """Phrases that show the candidate is designing something else (a loan model for the
    fraud problem, one team's model for the serving platform)."""
    on_topic: tuple[str, ...] = ()
    """Phrases that show the candidate is on this problem."""
    expert_concepts: tuple[str, ...] = ()
    """This problem's concepts that show Expert-level design in their area."""
    supporting_concepts: tuple[str, ...] = ()
    """This problem's concepts that count only beside another concept of their area."""
    expert_counts_as: dict[str, str] = field(default_factory=dict)
    """Expert concepts that are a rubric Expert concept in this problem's terms (a batched
    call for 50 restaurants is latency optimisation): they count as that one."""


@dataclass(frozen=True)
class Concept:
    """Something the interviewer listens for; ``area`` is a rubric area or scope/data/modeling."""

    id: str
    area: str
    label: str
    synonyms: tuple[str, ...]
    together: tuple[tuple[str, ...], ...] = ()
    """Word groups that say the concept when one word of each group is in one sentence
    ("nightly batch" and "per request": batch versus real time, however it is phrased)."""
    frames: tuple[tuple[tuple[str, ...], ...], ...] = ()
    """More word-group sets like ``together``, any one of which says the concept: the shape
    of an explanation in plain words ("compare" + "inputs" + "what it was trained on")."""
    unless: tuple[str, ...] = ()
    """Words that, in the same sentence, show another sense of the concept's words ("cold
    start" beside "new users" and "best sellers" is a product choice, not serving latency)."""
    yields_to: tuple[str, ...] = ()
    """Concepts that, heard in the same sentence, explain these words instead ("1 percent"
    in a canary is a rollout step, not an experiment's ramp-up)."""
    choice: bool = False
    """A choice between alternatives: choosing one side by ruling out the other ("there's no
    way to batch this") still shows the trade-off, so a negation asserts it."""


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
    novice_concepts: tuple[str, ...] = ()
    """Concepts that show only the Novice descriptor ("single model, REST API")."""
    supporting_concepts: tuple[str, ...] = ()
    """Concepts that count only beside another concept of the area (a metric, no test)."""
    unless: tuple[str, ...] = ()
    """Words that, in a sentence, mean none of the area's concepts is meant there (an
    evaluation before release is not monitoring); added to each concept's own ``unless``."""


@dataclass(frozen=True)
class HintRule:
    min_level: int
    steps: int
    text: str


@dataclass(frozen=True)
class RatingRules:
    """How evidence becomes a rating (rubric.toml [rating])."""

    expert_needs_explained: bool
    """Expert needs the expert concepts in sentences that explain (mechanism, reason, number)."""
    read_back_max: str
    """The highest rating a hint read back can support."""
    list_note: str
    """Said in a justification when named concepts were never explained."""
    read_back_note: str
    """Said in a justification when the rating rests on hints read back."""


@dataclass(frozen=True)
class Probe:
    """A seed interviewer note as trigger concepts -> question (prompts/probes.toml)."""

    id: str
    note: str
    triggers: tuple[str, ...]
    min_turns: int
    covered_by: tuple[str, ...]
    covered_when: str
    question: str
    parts: dict[str, str] = field(default_factory=dict)
    """For "all" probes: the part of the question about each covered_by concept, so that
    only the parts not covered yet are asked (``question`` holds "{parts}")."""
    lead: str = ""
    """The opening of a question built from ``parts``."""
    dismissed_by: tuple[str, ...] = ()
    """Concepts whose dismissal ("gradient boosting is old school") triggers this probe."""
    dismissal_question: str = ""
    phases: tuple[str, ...] = ()
    """The phases in which the probe may be asked (all when empty)."""


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
    strong_needs_explained: int = 1
    """Explained sentences a strong warm-up needs: a bare list of stages is solid at most."""


@dataclass(frozen=True)
class RequestRule:
    """One way of asking the interviewer for something (prompts/requests.toml)."""

    name: str
    when: tuple[str, ...]
    patterns: tuple[str, ...]
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]
    variant: str = ""
    end_kind: str = ""
    unless: tuple[str, ...] = ()
    """Patterns that veto the request in a clause where they match."""


@dataclass(frozen=True)
class Requests:
    """The request table: rules in priority order, and how a request is declined or hedged."""

    rules: tuple[RequestRule, ...]
    negators: tuple[str, ...]
    end_hedges: tuple[str, ...]
    area_names: dict[str, tuple[str, ...]]
    confirm_yes: tuple[str, ...]
    confirm_no: tuple[str, ...]
    actions: dict[str, str]
    """Request name -> the command that handles it (the command table)."""


@dataclass(frozen=True)
class QuestionRules:
    patterns: tuple[str, ...]
    tags: tuple[str, ...]
    alternative_max_words: int
    first_person: tuple[str, ...]
    copulas: tuple[str, ...]
    subordinators: tuple[str, ...]
    unmarked_max_words: int
    rhetorical_openers: tuple[str, ...]
    answer_openers: tuple[str, ...]
    definition: tuple[str, ...]
    process: tuple[str, ...]


@dataclass(frozen=True)
class StanceRules:
    inherit_max_words: int
    topic_max_words: int
    not_topics: tuple[str, ...]
    subjects: tuple[str, ...]
    dismisses: tuple[str, ...]
    admits: tuple[str, ...]
    negates: tuple[str, ...]
    absent: tuple[str, ...]
    failure_words: tuple[str, ...]
    double_negative: tuple[str, ...]
    hedges: tuple[str, ...]


@dataclass(frozen=True)
class ExplainRules:
    connectives: tuple[str, ...]
    numbers: tuple[str, ...]
    digit_terms: tuple[str, ...]
    alternative_min_words: int
    list_item_max_words: int
    mechanism_min_words: int


@dataclass(frozen=True)
class ReadBackRules:
    min_content_words: int
    overlap: float
    stop_words: frozenset[str]


@dataclass(frozen=True)
class Understanding:
    """How a turn is read (prompts/understanding.toml)."""

    fillers: tuple[str, ...]
    tails: tuple[str, ...]
    clause_words: tuple[str, ...]
    contrast_words: tuple[str, ...]
    macros: dict[str, str]
    question: QuestionRules
    stance: StanceRules
    explains: ExplainRules
    read_back: ReadBackRules
    echo_heads: tuple[str, ...] = ()
    """Nouns that complete a phrase named back to the candidate ("gradient boosted" trees)."""
