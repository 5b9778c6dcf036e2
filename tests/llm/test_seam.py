"""The seam: streaming through litellm, time-outs, retries and error mapping."""

from __future__ import annotations

import time

import pytest
from llm_support import client

from voice_interviewer.llm.scripted import Script
from voice_interviewer.llm.seam import LLMRequestError, LLMTimeout, LLMUnavailable

MESSAGES = [{"role": "system", "content": "persona"}, {"role": "user", "content": "hi"}]


def test_streams_deltas_through_litellm(fake_llm):
    fake_llm.enqueue(["Hello", " there.", " What", " next?"])
    stream = client().stream(MESSAGES)
    assert list(stream) == ["Hello", " there.", " What", " next?"]
    assert stream.ttft_s is not None and stream.ttft_s >= 0
    assert fake_llm.history == [MESSAGES]


def test_config_options_reach_the_provider(fake_llm):
    fake_llm.enqueue("ok")
    c = client(options={"temperature": 0.1, "top_p": 0.5}, max_tokens=33)
    assert c.complete(MESSAGES) == "ok"
    sent = fake_llm.options[-1]
    assert sent["temperature"] == 0.1 and sent["top_p"] == 0.5 and sent["max_tokens"] == 33


def test_per_call_options_override_config(fake_llm):
    fake_llm.enqueue("ok")
    client().complete(MESSAGES, max_tokens=1)
    assert fake_llm.options[-1]["max_tokens"] == 1


def test_first_token_timeout(fake_llm):
    fake_llm.enqueue(Script(chunks=("late",), first_delay_s=2.0))
    t0 = time.monotonic()
    with pytest.raises(LLMTimeout):
        list(client(first_token_timeout_s=0.3).stream(MESSAGES))
    assert time.monotonic() - t0 < 1.0


def test_stalled_stream_times_out(fake_llm):
    fake_llm.enqueue(Script(chunks=("one", " two", " three"), delay_s=2.0))
    stream = client(token_gap_timeout_s=0.3).stream(MESSAGES)
    assert next(stream) == "one"
    t0 = time.monotonic()
    with pytest.raises(LLMTimeout):
        next(stream)
    assert time.monotonic() - t0 < 1.0


def test_whole_reply_timeout(fake_llm):
    fake_llm.enqueue(Script(chunks=tuple(f" w{i}" for i in range(40)), delay_s=0.05))
    with pytest.raises(LLMTimeout):
        list(client(reply_timeout_s=0.5).stream(MESSAGES))


def test_caller_deadline_bounds_the_wait(fake_llm):
    fake_llm.enqueue(Script(chunks=("a",), first_delay_s=2.0))
    stream = client(first_token_timeout_s=5.0).stream(MESSAGES)
    stream.deadline = time.monotonic() + 0.2
    with pytest.raises(LLMTimeout):
        next(stream)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_errors_are_retried(fake_llm, status):
    fake_llm.enqueue(Script(error_status=status), "recovered")
    assert client().complete(MESSAGES) == "recovered"
    assert len(fake_llm.history) == 2


def test_retries_give_up(fake_llm):
    fake_llm.enqueue(*[Script(error_status=503)] * 3)
    with pytest.raises(LLMUnavailable):
        client(retries=2).complete(MESSAGES)
    assert len(fake_llm.history) == 3


def test_retries_stay_inside_the_first_token_budget(fake_llm):
    fake_llm.enqueue(*[Script(error_status=429)] * 5)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailable):
        client(retries=5, retry_backoff_s=0.2, first_token_timeout_s=0.5).complete(MESSAGES)
    assert time.monotonic() - t0 < 0.9
    assert len(fake_llm.history) < 5


@pytest.mark.parametrize("status", [400, 401, 404])
def test_permanent_errors_are_not_retried(fake_llm, status):
    fake_llm.enqueue(Script(error_status=status, error_message="nope"), "unused")
    with pytest.raises(LLMRequestError):
        client().complete(MESSAGES)
    assert len(fake_llm.history) == 1


def test_error_after_first_token_is_not_retried(fake_llm):
    fake_llm.enqueue(Script(chunks=("Hello", " there"), error_status=503, error_after=1), "no")
    stream = client().stream(MESSAGES)
    assert next(stream) == "Hello"
    with pytest.raises(LLMUnavailable):
        next(stream)
    assert len(fake_llm.history) == 1


def test_closing_a_stream_stops_the_call(fake_llm):
    fake_llm.enqueue(Script(chunks=tuple(f" w{i}" for i in range(50)), delay_s=0.02))
    stream = client().stream(MESSAGES)
    next(stream)
    stream.close()
    with pytest.raises(StopIteration):
        next(stream)


def test_litellm_is_not_imported_until_used():
    import subprocess
    import sys

    code = (
        "import sys, voice_interviewer.llm as m;"
        "m.make_renderer(m.LLMConfig());"
        "print('litellm' in sys.modules, 'llama_cpp' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
