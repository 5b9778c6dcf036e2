"""Greeting while the LLM loads: the director's words at once, the LLM's once it is ready."""

from __future__ import annotations

import time

from llm_support import move, renderer

from voice_interviewer.llm.loading import LoadingRenderer
from voice_interviewer.llm.scripted import Script
from voice_interviewer.messages import MoveKind

GREETING = "Hello, I'm your interviewer today. Tell me about your background?"
LLM_REPLY = "Thanks for that overview. What data sources do we have to work with?"
LOAD_S = 1.5


def test_greets_in_the_directors_words_at_once_then_speaks_the_llms(fake_llm) -> None:  # type: ignore[no-untyped-def]
    # The warm-up call (the model's load) takes 1.5 s; then one real reply.
    fake_llm.enqueue(Script(chunks=("ok",), first_delay_s=LOAD_S), LLM_REPLY)
    slow = LoadingRenderer(renderer(first_token_timeout_s=5.0))
    t0 = time.monotonic()
    slow.prewarm()
    assert time.monotonic() - t0 < 0.2  # it does not wait for the model
    assert not slow.ready

    greeting = move(MoveKind.GREETING, text=GREETING, question="Tell me about your background?")
    replies = list(slow.render(greeting))
    assert time.monotonic() - t0 < 0.3  # spoken at once ...
    assert [r.text for r in replies] == [GREETING]  # ... in the director's words
    assert replies[0].authored and replies[0].is_final
    assert slow.last is not None and not slow.last.llm_words
    assert slow.authored_replies == 1

    assert slow.wait_ready(timeout=60.0)  # litellm import + the load
    assert slow.load_seconds is not None and slow.load_seconds >= LOAD_S - 0.05
    assert slow.warmup is not None and slow.warmup.ok

    follow_up = move(generation=2)
    replies = list(slow.render(follow_up, "I build ranking systems."))
    assert "".join(r.text for r in replies) == LLM_REPLY  # the LLM's phrasing now
    assert not any(r.authored for r in replies)
    assert slow.last is not None and slow.last.llm_words
    # The model was told what the interviewer had already said while it loaded.
    [_, reply_prompt] = fake_llm.history
    assert any(m["role"] == "assistant" and m["content"] == GREETING for m in reply_prompt)
    assert slow.client is slow.inner.client  # the scorecard's prose finds the model


def test_a_failed_load_falls_back_reply_by_reply(fake_llm) -> None:  # type: ignore[no-untyped-def]
    fake_llm.enqueue(Script(error_status=401, error_message="bad key"))
    slow = LoadingRenderer(renderer())
    assert slow.wait_ready(timeout=60.0)  # litellm import + the load
    assert slow.warmup is not None and not slow.warmup.ok
    fake_llm.enqueue(Script(error_status=401, error_message="bad key"))
    m = move()
    replies = list(slow.render(m, "ok"))
    assert "".join(r.text for r in replies) == m.text  # the interview goes on
