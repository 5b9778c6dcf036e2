"""Spoken commands: each one does what it says, and answers are not mistaken for commands."""

from __future__ import annotations

import pytest
from candidates import FILLER, NO_MONITORING_OR_EXPERIMENTS, scenario, to_phase
from scenario import POOR_WARMUP, SOLID_WARMUP, Scenario

from voice_interviewer.clock import VirtualClock
from voice_interviewer.interview.scorecard import below_expert
from voice_interviewer.messages import MoveKind
from voice_interviewer.session.live import InterviewSession, SessionOptions


class _Parser:
    """The request a turn makes, as the director reads it."""

    def __init__(self, content) -> None:
        self.content = content
        self.matcher = content.matcher_for(content.problem("recommendation"))

    def parse(self, text: str, when: str = "answering"):
        reading = self.content.reader.read(text, self.matcher, when)
        return self.content.reader.requests.choose(reading.requests)


@pytest.fixture(scope="module")
def parser(content):
    return _Parser(content)


# --- recognising commands ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hint", "hint"),
        ("Can I get a hint?", "hint"),
        ("HINT, please!", "hint"),
        ("I'm stuck.", "hint"),
        ("Could you repeat the question?", "repeat"),
        ("Sorry, what was the question?", "repeat"),
        ("Can I have an easier problem?", "easier"),
        ("This is too easy, give me something harder.", "harder"),
        ("Next phase.", "next_phase"),
        ("Let's move on.", "next_phase"),
        ("Pause.", "pause"),
        ("Can we pause for a second?", "pause"),
        ("Resume.", "resume@paused"),
        ("Okay, I'm back.", "resume@paused"),
        ("End the interview.", "end"),
        ("I'd like to stop here.", "end"),
        ("Continue my last session.", "continue_last"),
        ("Can we pick up where we left off?", "continue_last"),
        ("Focus on experiment design.", "focus"),
        ("Let's focus on monitoring.", "focus"),
    ],
)
def test_command_phrases_are_recognised(parser, text, name):
    name, _, when = name.partition("@")
    command = parser.parse(text, when or "answering")
    assert command is not None and command.name == name


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Focus on experiment design.", "experiment_design"),
        ("Let's focus on A/B testing.", "experiment_design"),
        ("I want to focus on model serving", "model_serving"),
        ("focus on drift detection", "monitoring"),
        ("Can we focus on the feature store?", "feature_engineering"),
    ],
)
def test_focus_names_the_area(parser, text, area):
    command = parser.parse(text)
    assert command is not None and command.name == "focus" and command.area == area


@pytest.mark.parametrize(
    "text",
    [
        "We pause the rollout while the canary metrics are checked and only then continue ramping "
        "traffic to the rest of the users.",
        "We pause the rollout while the canary metrics are checked.",
        "So to continue the design, the ranking model reads features from Redis and we serve it "
        "over gRPC.",
        "The hint here is that latency matters, so we cache features in Redis and precompute "
        "embeddings.",
        "I would work on the features first: labels come from chargebacks and we compute "
        "aggregates in Spark.",
        "Then we move on to the next stage, which is training the model on the labelled data "
        "every night.",
        "If the new model is worse we end the experiment early and roll back to the previous "
        "version.",
        "We repeat the question of freshness for every feature: how stale can it be before it "
        "hurts.",
    ],
)
def test_commands_do_not_fire_inside_answers(parser, text):
    assert parser.parse(text) is None


def test_an_answer_mentioning_pause_does_not_pause_the_interview(content):
    s = scenario(content, problem_id="recommendation")
    move = s.say(
        "We pause the rollout while the canary metrics are checked and only then continue "
        "ramping traffic to the rest of the users."
    )
    assert move.kind not in (MoveKind.PAUSE, MoveKind.RESUME)
    assert not s.director.paused
    assert s.events("command") == []
    assert s.director.coverage.covered("canary_deployment")


# --- hint ----------------------------------------------------------------------------------------
def test_hint_climbs_the_ladder_verbatim_and_keeps_the_level(content):
    s = scenario(content, problem_id="recommendation")
    problem = content.problem("recommendation")
    for level in (1, 2, 3, 4):
        move = s.say("Can I get a hint?", 20)
        assert move.kind == MoveKind.HINT
        assert problem.hints[level - 1].text in move.text
        assert s.director.hint_level == level
    assert [e.data["level"] for e in s.events("hint")] == [1, 2, 3, 4]
    # Asking again gives the last hint again, marked as the last; the level stays at 4.
    move = s.say("hint", 20)
    assert move.kind == MoveKind.HINT and problem.hints[3].text in move.text
    assert move.text.startswith(content.lines["hint_exhausted"].split("{")[0])
    assert s.director.hint_level == 4
    # An answer in between keeps the level; the next hint does not restart at 1.
    assert move.snapshot.hint_level_earned == 4


def test_hint_keeps_the_question_open(content):
    s = scenario(content, problem_id="recommendation")
    question = s.director.last_question
    s.say("hint", 20)
    move = s.say("repeat the question", 20)
    assert move.kind == MoveKind.REPEAT and question in move.text


def test_hint_during_warmup_is_the_warmup_hint(content):
    s = Scenario(content, kwargs={"problem_id": "recommendation"})
    move = s.say("I'm stuck, can I get a hint?", 20)
    assert move.kind == MoveKind.HINT
    assert content.lines["warmup_hint"] in move.text
    assert s.director.problem is None and s.director.hint_level == 0
    assert not any(h.text in move.text for h in content.problem("recommendation").hints)


# --- repeat ---------------------------------------------------------------------------------------
def test_repeat_gives_the_last_question(content):
    s = scenario(content, problem_id="recommendation")
    move = s.say("repeat the question", 10)
    assert move.kind == MoveKind.REPEAT
    assert content.problem("recommendation").question in move.text
    asked = s.say("The business objective is revenue per session.", 60)
    move = s.say("Sorry, could you repeat that?", 10)
    assert move.kind == MoveKind.REPEAT and asked.question in move.text and asked.question
    assert s.director.coverage.covered("business_objective")


def test_repeat_during_warmup_gives_the_warmup_question(content):
    s = Scenario(content)
    move = s.say("say that again", 5)
    assert move.kind == MoveKind.REPEAT and content.warmup.question in move.text


# --- easier / harder ------------------------------------------------------------------------------
def test_easier_switches_to_an_easy_problem_and_resets_hints(content):
    s = scenario(content, problem_id="recommendation")
    s.say("hint", 10)
    move = s.say("Can I have an easier problem?", 10)
    assert move.kind == MoveKind.DIFFICULTY_CHANGE
    assert s.director.difficulty == "easy" and s.director.problem.difficulty == "easy"
    assert s.director.problem.question in move.text
    assert s.director.hint_level == 0
    # Already at the easiest: stay with this problem.
    problem = s.director.problem
    move = s.say("easier", 10)
    assert move.kind == MoveKind.DIFFICULTY_CHANGE and s.director.problem is problem
    assert problem.question in move.text


def test_harder_switches_to_a_hard_problem_then_adds_constraints(content):
    s = scenario(content, problem_id="recommendation")
    move = s.say("Something harder, please.", 10)
    assert move.kind == MoveKind.DIFFICULTY_CHANGE
    problem = s.director.problem
    assert problem.difficulty == "hard" and problem.question in move.text
    move = s.say("harder", 10)
    assert s.director.problem is problem
    assert problem.follow_ups[0] in move.text
    move = s.say("harder", 10)
    assert problem.follow_ups[1] in move.text


def test_easier_during_warmup_presents_an_easy_problem(content):
    s = Scenario(content)
    move = s.say("This is too hard, can I get an easier question?", 10)
    assert move.kind in (MoveKind.PRESENT_PROBLEM, MoveKind.DIFFICULTY_CHANGE)
    assert s.director.problem is not None and s.director.problem.difficulty == "easy"
    assert s.director.problem.question in move.text


# --- next phase -----------------------------------------------------------------------------------
def test_next_phase_moves_on_and_summarises(content):
    s = scenario(content, problem_id="recommendation")
    s.say("The business objective is revenue per session.", 60)
    move = s.say("next phase", 10)
    assert move.kind == MoveKind.PHASE_CHANGE
    assert s.director.phase.id == "data"
    assert content.phase("data").opening in move.text
    assert "the business objective" in move.text  # covered, named in the summary
    change = s.events("phase_change")[-1]
    assert change.data["reason"] == "candidate asked" and change.data["to"] == "data"


def test_next_phase_in_the_last_phase_ends_with_the_scorecard(content):
    s = scenario(content, problem_id="recommendation")
    to_phase(s, "monitoring")
    move = s.say("next phase", 10)
    assert move.kind == MoveKind.WRAP_UP and move.ends_interview
    assert s.director.scorecard is not None


# --- pause / resume -------------------------------------------------------------------------------
def test_pause_stops_the_clock_and_ignores_words_until_resume(content):
    s = scenario(content, problem_id="recommendation", seconds=60)
    question = s.director.last_question
    elapsed = s.director.elapsed()
    move = s.say("Can we pause?", 0)
    assert move.kind == MoveKind.PAUSE and s.director.paused
    move = s.say("We would put features in a feature store with point in time joins.", 25 * 60)
    assert move.kind == MoveKind.PAUSE  # a reminder, not an answer
    assert not s.director.coverage.covered("feature_store")
    s.clock.advance(20 * 60)
    move = s.say("hint", 0)
    assert move.kind == MoveKind.PAUSE and s.director.hint_level == 0
    assert s.director.elapsed() == elapsed
    move = s.say("I'm back.", 0)
    assert move.kind == MoveKind.RESUME and question in move.text
    assert not s.director.paused and s.director.elapsed() == elapsed
    # 45 paused minutes did not use up the 10-minute first phase.
    move = s.say(FILLER, 60)
    assert s.director.phase.id == "requirements" and move.kind != MoveKind.PHASE_CHANGE


def test_end_while_paused_ends_the_interview(content):
    s = scenario(content, problem_id="recommendation")
    s.say("pause", 5)
    move = s.say("end the interview", 600)
    assert (
        move.kind == MoveKind.WRAP_UP and move.ends_interview and s.director.scorecard is not None
    )


# --- end ------------------------------------------------------------------------------------------
def test_end_the_interview_gives_the_scorecard_early(content):
    s = scenario(content, problem_id="recommendation")
    s.say("The business objective is revenue per session, with clickstream logs as data.", 60)
    move = s.say("Let's end the interview.", 10)
    assert move.kind == MoveKind.WRAP_UP and move.ends_interview
    card = s.director.scorecard
    assert card is not None and len(card.areas) == 4
    for area in card.areas:
        assert f"{area.title}: {area.rating}" in move.text
    assert s.director.phase_spans[-1].ended_at is not None
    # Nothing more happens after the end.
    after = s.say("hint", 10)
    assert after.ends_interview and s.events("hint") == []


# --- focus on <area> ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "area", "title"),
    [
        ("Can we focus on experiment design?", "experiment_design", "experiment design"),
        ("Let's focus on drift detection.", "monitoring", "monitoring & drift"),
    ],
)
def test_focus_on_an_area_jumps_to_its_phase_and_asks_about_it(content, words, area, title):
    s = scenario(content, problem_id="recommendation")
    move = s.say(words, 10)
    assert move.kind == MoveKind.FOCUS
    assert s.director.focus_areas == [area]
    assert s.director.phase.id == "monitoring"
    assert title in move.text.lower()
    assert s.events("phase_change")[-1].data["reason"] == "focus"
    # The question asked is about the chosen area, not the phase's other one.
    phase = content.phase("monitoring")
    problem = content.problem("recommendation")
    about_area = {q for g, q in phase.questions.items() if content.concepts[g].area == area}
    about_area |= {
        content.lines["key_concept_question"].format(label=content.label(c, problem))
        for c in problem.key_concepts[area]
    }
    assert move.question in about_area, move.question


def test_focus_without_a_known_area_asks_which(content):
    s = scenario(content, problem_id="recommendation")
    move = s.say("focus on cooking", 10)
    assert move.kind == MoveKind.CLARIFY
    assert move.text == content.lines["focus_unknown"]
    assert s.director.focus_areas == [] and s.director.phase.id == "requirements"


def test_focus_during_warmup_is_kept_for_the_interview(content):
    s = Scenario(content, kwargs={"problem_id": "recommendation"})
    move = s.say("I want to focus on model serving.", 10)
    assert move.kind == MoveKind.FOCUS and content.warmup.question in move.text
    assert "model serving" in move.text.lower()
    s.say(SOLID_WARMUP, 60)
    assert s.director.problem is not None and s.director.focus_areas == ["model_serving"]


def _phase_starts(s: Scenario) -> dict[str, float]:
    return {span.phase: span.started_at for span in s.director.phase_spans}


def _phase_minutes(s: Scenario, phase: str) -> float:
    span = next(sp for sp in s.director.phase_spans if sp.phase == phase)
    return ((span.ended_at or s.director.elapsed()) - span.started_at) / 60


def test_focus_chosen_at_the_start_changes_the_flow(content):
    """The greeting promises "we'll spend extra time there today": a focus chosen before the
    problem (--focus, --continue-last) must make the interview reach its area sooner or stay
    there longer than the same answers without a focus."""
    runs = {}
    for focus in ((), ("experiment_design",)):
        s = Scenario(content, kwargs={"problem_id": "recommendation", "focus_areas": focus})
        s.say(SOLID_WARMUP, 60)
        for _ in range(40):
            if s.say(FILLER, 150).ends_interview:
                break
        runs[focus] = s
    plain, focused = runs[()], runs[("experiment_design",)]
    assert "experiment design" in focused.moves[0].text.lower()
    sooner = _phase_starts(focused)["monitoring"] < _phase_starts(plain)["monitoring"]
    longer = _phase_minutes(focused, "monitoring") > _phase_minutes(plain, "monitoring")
    assert sooner or longer, "a focus chosen at the start changed nothing in the interview"


# --- continue my last session (the seed's last interviewer note) ----------------------------------
def _finished_session(content) -> InterviewSession:
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    clock.advance(60)
    session.respond(SOLID_WARMUP)
    for seconds, text in NO_MONITORING_OR_EXPERIMENTS:
        clock.advance(seconds)
        session.respond(text)
    assert session.finished
    session.close()
    return session


def test_continue_my_last_session_without_one_carries_on(content):
    s = scenario(content, problem_id="recommendation")
    question = s.director.last_question
    move = s.say("continue my last session", 10)
    assert move.kind == MoveKind.FOCUS
    assert question in move.text and s.director.focus_areas == []


def test_continue_my_last_session_names_the_areas_below_expert_and_asks(content):
    """The seed: "ask them what they'd like to work on and adjust the interview flow". Last
    time feature engineering was Expert, so only the other three are named, worst first;
    nothing changes until the candidate answers."""
    previous = _finished_session(content)
    below = below_expert(previous.director.scorecard)
    assert below == ["monitoring", "experiment_design", "model_serving"]
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="fraud_detection"))
    session.open()
    clock.advance(60)
    session.respond(SOLID_WARMUP)
    clock.advance(10)
    move = session.respond("Can we continue my last session?")
    assert move.kind == MoveKind.FOCUS
    text = move.text.lower()
    assert "monitoring & drift" in text and "experiment design" in text and "model serving" in text
    assert "feature engineering" not in text
    assert move.question == content.lines["continue_question"]
    assert session.director.focus_areas == []
    clock.advance(10)
    move = session.respond("Yes, let's do those.")
    assert session.director.focus_areas == below
    # The flow adjusts: on to the first phase that examines one of them.
    assert session.director.phase.id == "modeling"
    session.close()


def test_the_focus_chosen_is_honoured_for_the_whole_session(content):
    previous = _finished_session(content)
    assert previous.finished
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="fraud_detection"))
    session.open()
    clock.advance(60)
    session.respond(SOLID_WARMUP)
    clock.advance(10)
    session.respond("continue from my last session please")
    clock.advance(10)
    move = session.respond("Actually, let's do experiment design instead.")
    assert move.kind == MoveKind.FOCUS and session.director.focus_areas == ["experiment_design"]
    assert session.director.phase.id == "monitoring"
    for _ in range(30):
        clock.advance(120)
        if session.respond(FILLER).ends_interview:
            break
        assert session.director.focus_areas == ["experiment_design"]
    session.close()


def test_continue_last_option_names_the_areas_below_expert_and_asks(content):
    previous = _finished_session(content)
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(continue_from="last"))
    move = session.open()
    assert move.kind == MoveKind.GREETING
    text = move.text.lower()
    assert "monitoring & drift" in text and "experiment design" in text and "model serving" in text
    assert "feature engineering" not in text and "room to grow" not in text
    assert move.question == content.lines["continue_question"]
    assert session.director.focus_areas == []
    clock.advance(20)
    move = session.respond("Monitoring, please.")
    assert session.director.focus_areas == ["monitoring"]
    # Then the warm-up, as in every interview.
    assert move.text.endswith(content.warmup.question)
    assert previous.finished
    session.close()


def test_continue_last_after_an_all_expert_scorecard_says_there_is_nothing_to_make_up(content):
    from voice_interviewer.interview.director import Director
    from voice_interviewer.interview.scorecard_types import AreaRating, Scorecard

    expert = Scorecard(
        areas=tuple(AreaRating(a.id, a.title, "Expert", "") for a in content.rubric),
        strengths=(),
        improvements=(),
        resources=(),
    )
    director = Director(content, VirtualClock(), last_scorecard=lambda: expert, continue_last=True)
    move = director.open()
    assert "Expert in every area" in move.text
    assert "below Expert" not in move.text and "room to grow" not in move.text
    assert move.question == content.lines["continue_question_all_expert"]
    s = scenario(content, problem_id="recommendation", last_scorecard=lambda: expert)
    move = s.say("continue my last session", 10)
    assert "Expert in every area" in move.text and s.director.focus_areas == []


def test_poor_warmup_then_commands_still_work(content):
    s = scenario(content, warmup=POOR_WARMUP)
    assert s.director.difficulty == "easy"
    assert s.say("hint", 10).kind == MoveKind.HINT
    assert s.say("repeat the question", 10).kind == MoveKind.REPEAT
