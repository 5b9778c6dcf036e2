"""The renderer: streamed clauses when the LLM behaves, the director's words when it does not."""

from __future__ import annotations

import time

import pytest
from llm_support import PROBLEM_Q, move, renderer, snapshot

from voice_interviewer.llm.config import LLMConfig
from voice_interviewer.llm.renderer import AuthoredRenderer, make_renderer
from voice_interviewer.llm.scripted import Script, chunked
from voice_interviewer.messages import MoveKind

QUESTION = "What data sources do we have to work with?"
AUTHORED = f"Okay. {QUESTION}"


def texts(replies):
    return "".join(r.text for r in replies)


def assert_authored_only(replies, m):
    assert len(replies) == 1
    assert replies[0].text == m.text and replies[0].is_final and replies[0].authored


def test_authored_renderer_speaks_the_move():
    m = move(generation=7)
    replies = list(AuthoredRenderer().render(m, "anything"))
    assert_authored_only(replies, m)
    assert replies[0].generation == 7


def test_make_renderer_without_model_is_authored():
    assert isinstance(make_renderer(LLMConfig()), AuthoredRenderer)


def test_good_reply_streams_clause_by_clause(fake_llm):
    fake_llm.enqueue(f"Bots are a good catch. {QUESTION}")
    r = renderer()
    replies = list(r.render(move(generation=3), "I'd remove bot traffic."))
    assert texts(replies) == f"Bots are a good catch. {QUESTION}"
    assert [x.is_final for x in replies] == [False, False, True]
    assert not any(x.authored for x in replies)
    assert all(x.generation == 3 for x in replies)
    assert r.last.clean and r.last.llm_words and r.last.ttft_s is not None


def test_first_clause_is_yielded_before_the_reply_is_done(fake_llm):
    reply = f"Bots are a good catch. {QUESTION}"
    fake_llm.enqueue(Script(chunks=chunked(reply), delay_s=0.15))
    r = renderer()
    t0 = time.monotonic()
    it = r.render(move(), "I'd remove bot traffic.")
    first = next(it)
    t_first = time.monotonic() - t0
    rest = list(it)
    t_all = time.monotonic() - t0
    assert first.text == "Bots are a good catch."
    assert t_all - t_first > 0.6  # the question's words were still streaming
    assert rest[-1].is_final


def test_required_question_ends_the_reply(fake_llm):
    fake_llm.enqueue(f"Good. {QUESTION} Also tell me about your hobbies and weekend plans.")
    replies = list(renderer().render(move(), "ok"))
    assert texts(replies) == f"Good. {QUESTION}"


def test_speaker_label_and_quotes_are_dropped(fake_llm):
    fake_llm.enqueue(f'Interviewer: "Good point. {QUESTION}"')
    replies = list(renderer().render(move(), "ok"))
    assert texts(replies) == f"Good point. {QUESTION}"


@pytest.mark.parametrize(
    "reply, rule",
    [
        ("**Great** answer! - first point", "markdown"),
        ("As an AI language model, I cannot interview you.", "meta"),
        ("Your rating so far is Intermediate. " + QUESTION, "meta"),
        ("Let me tell you about baking chocolate cake with butter.", "off_topic"),
        ("Have you thought about a two-tower model with FAISS? " + QUESTION, "spoiler"),
        ("Why not start with the latency budget instead?", "wrong_question"),
        ("", "empty"),
    ],
)
def test_first_clause_breaking_a_rule_speaks_the_authored_words(fake_llm, reply, rule):
    fake_llm.enqueue(reply)
    r = renderer()
    m = move()
    replies = list(r.render(m, "I would use click logs."))
    assert_authored_only(replies, m)
    assert r.last.problem == rule and not r.last.llm_words


def test_unearned_hint_is_caught_but_earned_one_is_not(fake_llm):
    hinted = "Think about candidate generation and re-ranking. " + QUESTION
    fake_llm.enqueue(hinted)
    r = renderer()
    list(r.render(move(snapshot=snapshot(hint_level_earned=0)), "ok"))
    assert r.last.problem == "spoiler"
    fake_llm.enqueue(hinted)
    r2 = renderer()
    list(r2.render(move(snapshot=snapshot(hint_level_earned=1)), "ok"))
    assert r2.last.clean


def test_gap_named_by_the_llm_alone_is_a_spoiler(fake_llm):
    fake_llm.enqueue("Tell me how success is measured, first. " + QUESTION)
    r = renderer()
    list(r.render(move(), "ok"))
    assert r.last.problem == "spoiler"


def test_jargon_the_candidate_used_is_not_a_spoiler(fake_llm):
    fake_llm.enqueue(f"A two-tower model is fine for later. {QUESTION}")
    r = renderer()
    list(r.render(move(), "I'd use a two-tower model."))
    assert r.last.clean


def test_mid_reply_break_keeps_what_was_said_and_finishes_with_the_question(fake_llm):
    fake_llm.enqueue(f"Bots are a good catch and worth removing early. **Now** {QUESTION}")
    r = renderer()
    replies = list(r.render(move(), "I'd remove bot traffic."))
    assert replies[0].text == "Bots are a good catch and worth removing early."
    assert not replies[0].authored
    assert replies[-1].is_final and replies[-1].authored
    assert QUESTION in replies[-1].text
    assert r.last.problem == "markdown" and r.last.repaired


def test_too_long_reply_is_cut(fake_llm):
    rambling = " ".join(f"Data point {i} matters for the data sources." for i in range(12))
    fake_llm.enqueue(rambling + " " + QUESTION)
    r = renderer(max_sentences=3, max_words=40)
    replies = list(r.render(move(), "ok"))
    spoken = texts(replies)
    assert r.last.problem == "too_long"
    assert spoken.count("Data point") <= 3
    assert spoken.rstrip().endswith(QUESTION)


def test_missing_question_is_appended(fake_llm):
    fake_llm.enqueue("Removing bots matters for the data sources we train on.")
    r = renderer()
    replies = list(r.render(move(), "I'd remove bot traffic."))
    assert texts(replies).endswith(QUESTION)
    assert replies[-1].authored and r.last.problem == "question_missing"


def test_two_questions_are_cut_at_the_second(fake_llm):
    m = move(
        kind=MoveKind.SCOPE_ANSWER,
        text="Good question. About 20 thousand requests per second at peak.",
        question="",
    )
    fake_llm.enqueue(
        "About 20 thousand requests per second at peak. Does that help? What else do you need?"
    )
    r = renderer()
    replies = list(r.render(m, "What traffic?"))
    assert "What else" not in texts(replies)
    assert r.last.problem == "two_questions"


def test_dropped_facts_bring_back_the_authored_line(fake_llm):
    m = move(
        kind=MoveKind.SCOPE_ANSWER,
        text="Good question. About 20 thousand requests per second at peak.",
        question="",
    )
    fake_llm.enqueue("Good question, the traffic at peak is quite high.")
    r = renderer()
    replies = list(r.render(m, "What traffic?"))
    assert replies[-1].authored and "20 thousand" in replies[-1].text
    assert r.last.problem == "intent"


def test_no_first_token_in_time_speaks_the_authored_words_on_time(fake_llm):
    fake_llm.enqueue(Script(chunks=chunked(AUTHORED), first_delay_s=3.0))
    r = renderer(first_token_timeout_s=0.4)
    m = move()
    t0 = time.monotonic()
    replies = list(r.render(m, "ok"))
    assert time.monotonic() - t0 < 0.9
    assert_authored_only(replies, m)
    assert r.last.problem == "timeout"


def test_slow_first_clause_counts_against_the_budget(fake_llm):
    fake_llm.enqueue(Script(chunks=chunked("Well so the thing " * 10 + QUESTION), delay_s=0.1))
    r = renderer(first_token_timeout_s=0.5, token_gap_timeout_s=2.0)
    m = move()
    t0 = time.monotonic()
    replies = list(r.render(m, "ok"))
    assert time.monotonic() - t0 < 1.0
    assert_authored_only(replies, m)


def test_llm_error_speaks_the_authored_words(fake_llm):
    fake_llm.enqueue(Script(error_status=401, error_message="bad key"))
    r = renderer()
    m = move()
    assert_authored_only(list(r.render(m, "ok")), m)
    assert r.last.problem == "error"


def test_stall_mid_reply_finishes_with_the_question(fake_llm):
    chunks = chunked("Bots are a good catch. And then we go on.")
    fake_llm.enqueue(Script(chunks=chunks, pause_at=6, pause_s=2.0))
    r = renderer(token_gap_timeout_s=0.3)
    t0 = time.monotonic()
    replies = list(r.render(move(), "ok"))
    assert time.monotonic() - t0 < 1.5
    assert replies[0].text == "Bots are a good catch."
    assert texts(replies).endswith(QUESTION) and replies[-1].authored
    assert r.last.problem == "timeout"


def test_prompt_is_append_only(fake_llm):
    r = renderer()
    fake_llm.enqueue(f"Noted. {QUESTION}", "Clicks work. How would you check that data?")
    list(r.render(move(turn=1), "I'd use logs."))
    m2 = move(
        text="Got it. How would you check that data?",
        question="How would you check that data?",
        turn=2,
    )
    list(r.render(m2, "Clicks and purchases."))
    first, second = fake_llm.history
    assert second[: len(first)] == first
    assert second[len(first)] == {"role": "assistant", "content": f"Noted. {QUESTION}"}


def test_prompt_has_persona_state_and_move_but_not_the_rubric(fake_llm):
    fake_llm.enqueue(AUTHORED)
    list(renderer().render(move(snapshot=snapshot(hint_level_earned=2)), "I'd use logs."))
    system, user = fake_llm.history[0][0]["content"], fake_llm.history[0][-1]["content"]
    assert "Principal ML Engineer" in system
    assert "I'd use logs." in user and AUTHORED in user and f"Question: {QUESTION}" in user
    assert "Requirements & Scope" in user and "Hints earned: 2" in user
    assert PROBLEM_Q in user
    for leaked in ("Novice", "Expert", "rubric.toml", "expert_concepts"):
        assert leaked not in system + user


def test_old_turns_are_summarized_and_the_persona_kept(fake_llm):
    r = renderer(window_turns=4)
    for i in range(7):
        fake_llm.enqueue(f"Turn {i} noted. {QUESTION}")
        list(r.render(move(turn=i), f"answer number {i}"))
    fake_llm.enqueue(AUTHORED)
    list(r.render(move(turn=7), "last answer"))
    prompt = fake_llm.history[-1]
    assert prompt[0]["role"] == "system" and "Principal ML Engineer" in prompt[0]["content"]
    assert "Earlier in this interview" in prompt[1]["content"]
    assert "answer number 0" in prompt[1]["content"]
    assert len(prompt) <= 1 + 2 * 4 + 1


def test_heard_replaces_an_interrupted_reply(fake_llm):
    r = renderer()
    fake_llm.enqueue(f"Bots are a good catch. {QUESTION}", AUTHORED)
    list(r.render(move(), "ok"))
    r.heard("Bots are a")
    list(r.render(move(), "sorry, go on"))
    assert fake_llm.history[1][2] == {"role": "assistant", "content": "Bots are a"}


def test_prewarm_sends_the_system_prompt_first(fake_llm):
    fake_llm.enqueue("ok")
    r = renderer()
    r.prewarm()
    assert r.warmup.ok
    assert fake_llm.history[0][0]["role"] == "system"
    assert fake_llm.options[0]["max_tokens"] == 1


def test_prewarm_failure_does_not_raise(fake_llm):
    fake_llm.enqueue(Script(error_status=401))
    r = renderer()
    r.prewarm()
    assert not r.warmup.ok and "AuthenticationError" in r.warmup.error


def test_an_opening_repeated_from_an_earlier_reply_is_caught(fake_llm):
    r = renderer()
    fake_llm.enqueue(f"I am glad you are here today. {QUESTION}")
    list(r.render(move(), "I'd use logs."))
    assert r.last.clean
    m2 = move(
        text="Got it. How would you check that data?", question="How would you check that data?"
    )
    fake_llm.enqueue("I am glad you are here today. How would you check that data?")
    replies = list(r.render(m2, "Clicks."))
    assert r.last.problem == "repetition"
    assert_authored_only(replies, m2)


def test_the_line_may_repeat_its_own_question(fake_llm):
    r = renderer()
    fake_llm.enqueue(f"Okay. {QUESTION}", f"Sure. {QUESTION}")
    list(r.render(move(), "I'd use logs."))
    list(r.render(move(kind=MoveKind.REPEAT, text=f"Sure. {QUESTION}"), "Say again?"))
    assert r.last.clean


def test_interrupt_from_another_thread_ends_a_reply_still_waiting_for_its_first_token(fake_llm):
    # A dropped speculative reply: the loop must get its think thread (and the CPU) back at
    # once, not after the first-token budget.
    import threading

    fake_llm.enqueue(Script(chunks=chunked(AUTHORED), first_delay_s=3.0))
    r = renderer(first_token_timeout_s=2.5)
    m = move(generation=7)
    threading.Timer(0.3, r.interrupt, args=(7,)).start()
    t0 = time.monotonic()
    replies = list(r.render(m, "ok"))
    assert time.monotonic() - t0 < 1.0
    assert replies[-1].is_final


def test_interrupt_of_another_generation_leaves_the_reply_alone(fake_llm):
    fake_llm.enqueue(Script(chunks=chunked(AUTHORED), first_delay_s=0.3))
    r = renderer()
    r.interrupt(6)  # an older speculation, already gone
    replies = list(r.render(move(generation=7), "ok"))
    assert texts(replies) == AUTHORED and not any(x.authored for x in replies)
