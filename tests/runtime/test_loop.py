"""The voice loop with scripted parts, in real time on short audio: turn-taking in speakers and
headset mode, barge-in, backchannels, what the journal keeps, the latency timestamps and the
stereo recording."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.messages import MoveKind

from .conftest import ANSWERS
from .fakes import FakeTTS, rms_dbfs
from .rig import Rig

WARMUP, SCOPE, END = ANSWERS


def kinds(rig: Rig) -> list[MoveKind]:
    return [m.kind for m in rig.renderer.moves]


def check_timings(rig: Rig, turns: int) -> list[dict]:
    timings = [e for e in rig.journal() if e["type"] == "timing"]
    answered = [t for t in timings if t.get("t_endpoint") is not None]
    assert len(answered) == turns
    for t in answered:
        assert t["t_speech_end"] <= t["t_endpoint"] <= t["t_first_audio"], t
        assert t["response_latency"] == pytest.approx(
            t["t_first_audio"] - t["t_endpoint"], abs=1e-3
        )
        assert t["voice_to_voice"] == pytest.approx(
            t["t_first_audio"] - t["t_speech_end"], abs=1e-3
        )
        assert t["voice_to_voice"] < 1.5  # turn_end_ms 700 + fakes that take no time
    return answered


def test_speakers_mode_never_hears_the_interviewer(content) -> None:  # type: ignore[no-untyped-def]
    # The mic hears the speakers at full level (laptop speakers, no headset); the loop must mute
    # it while the interviewer talks, so no reply ever becomes a candidate turn.
    rig = Rig(content, mode="speakers", echo=True)
    answers = [
        rig.say(WARMUP, 0.8, after=rig.awaiting, delay=0.5),
        rig.say(SCOPE, 0.6, after=rig.awaiting, delay=0.5),
        rig.say(END, 0.5, after=rig.awaiting, delay=0.5),
    ]
    rig.run(timeout=40)

    assert kinds(rig) == [
        MoveKind.GREETING,
        MoveKind.PRESENT_PROBLEM,
        MoveKind.SCOPE_ANSWER,
        MoveKind.WRAP_UP,
    ]
    assert rig.turns("candidate") == [WARMUP, SCOPE, END]
    assert [text for _, _, text in rig.stt.calls] == [WARMUP, SCOPE, END]  # no echo segment at all
    assert "barge_in_onset" not in rig.kinds()
    said = rig.said()
    assert [s["interrupted"] for s in said] == [False] * 4
    assert [s["text"] for s in said] == [rig.renderer.lines[k] for k in kinds(rig)]
    assert rig.session.finished
    assert any(e["type"] == "scorecard" for e in rig.journal())
    for timing, answer in zip(check_timings(rig, 3), answers, strict=True):
        assert answer.ended is not None
        assert timing["t_speech_end"] == pytest.approx(answer.ended, abs=0.1)


def test_the_same_echo_in_headset_mode_would_interrupt(content) -> None:  # type: ignore[no-untyped-def]
    # The control for the test above: the echo is loud enough to be taken for speech.
    rig = Rig(content, mode="headset", echo=True, end_after_s=2.5)
    rig.run(timeout=20)
    assert "barge_in_onset" in rig.kinds()
    assert rig.turns("candidate") == []  # the STT heard no words in it: nothing was said


def test_headset_barge_in_holds_within_150_ms_and_cancels_the_reply(content) -> None:  # type: ignore[no-untyped-def]
    # The third sentence of the greeting is still being synthesized when the candidate cuts in:
    # it must never be played, although the TTS delivers it after the barge-in.
    tts = FakeTTS(delays={"Let us warm up with your background.": 3.0})
    rig = Rig(content, mode="headset", tts=tts)
    cut_in = rig.say(SCOPE, 1.5, after=rig.started[MoveKind.GREETING], delay=1.0)
    rig.say(END, 0.8, after=rig.awaiting, delay=0.5)
    rig.run(timeout=40)

    # Playback held within 150 ms of the candidate's first sample.
    assert cut_in.started is not None
    t_flush, played_at_hold, _ = rig.sink.flush_log[0]
    greeting_timing = next(e for e in rig.journal() if e["type"] == "timing")
    t_stop = greeting_timing["t_first_audio"] + played_at_hold / 16000
    assert t_stop == pytest.approx(t_flush, abs=0.03)  # the sink played without a gap until then
    latency = t_stop - cut_in.started
    print(f"\nbarge-in: playback held {latency * 1000:.0f} ms after the candidate's speech onset")
    assert 0.0 < latency <= 0.150

    # The reply was cancelled: the journal keeps what was heard, marked interrupted.
    assert "barge_in" in rig.kinds() and "backchannel" not in rig.kinds()
    first = rig.said()[0]
    spoken = rig.renderer.lines[MoveKind.GREETING]
    assert first["interrupted"] is True
    # full_text holds the clauses that had reached the player (the last was still being made).
    assert spoken.startswith(first["full_text"]) and first["full_text"].startswith("Hello")
    # Cut 1.0 s into a 1.2 s first sentence: the words heard so far, and the mark of the cut.
    assert first["text"].endswith(" ...") and first["text"].startswith("Hello and welcome")
    assert spoken.startswith(first["text"][: -len(" ...")])
    assert rig.renderer.heard_texts == [first["text"]]  # an LLM would be told what was heard

    # The stale rest of the greeting never reached the speaker after the barge-in.
    written = rig.written_sentences()
    assert "Let us warm up with your background." not in written
    greeting_sentences = set(spoken.replace(". ", ".|").split("|"))
    after_cancel = rig.written_sentences(after_flush=len(rig.sink.flush_log) - 1)
    assert after_cancel and not greeting_sentences & set(after_cancel)

    # The interruption was the candidate's turn, and the interview went on from it.
    assert rig.turns("candidate") == [SCOPE, END]
    assert kinds(rig)[0] == MoveKind.GREETING and kinds(rig)[-1] == MoveKind.WRAP_UP
    assert [s["interrupted"] for s in rig.said()[1:]] == [False, False]
    check_timings(rig, 2)


def test_headset_backchannel_lets_the_reply_go_on(content) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(content, mode="headset", end_after_s=2.5)
    rig.say("Mm-hmm.", 0.35, after=rig.started[MoveKind.GREETING], delay=1.0)
    rig.run(timeout=30)

    assert "barge_in_onset" in rig.kinds()  # it did stop to listen ...
    assert "backchannel" in rig.kinds() and "barge_in" not in rig.kinds()  # ... and went on
    spoken = rig.renderer.lines[MoveKind.GREETING]
    first = rig.said()[0]
    assert first == {**first, "text": spoken, "full_text": spoken, "interrupted": False}
    # Resumed from the exact sample: the speaker heard every sample of the greeting once.
    sentences = spoken.replace(". ", ".|").split("|")
    greeting_audio = np.concatenate([rig.tts.made[s] for s in sentences])
    assert np.array_equal(rig.sink.heard_audio()[: len(greeting_audio)], greeting_audio)
    # "Mm-hmm" is not a turn: the director never answered it.
    assert rig.turns("candidate") == []
    assert kinds(rig) == [MoveKind.GREETING]


def test_headset_a_cough_over_the_interviewer_does_not_stall_it(content) -> None:  # type: ignore[no-untyped-def]
    # Long enough to hold playback (onset 120 ms), too short to be a segment (150 ms).
    rig = Rig(content, mode="headset", end_after_s=2.0)
    rig.say("", 0.14, after=rig.started[MoveKind.GREETING], delay=1.0)
    rig.run(timeout=30)
    assert "barge_in_onset" in rig.kinds() and "barge_in" not in rig.kinds()
    assert kinds(rig) == [MoveKind.GREETING]
    assert rig.said()[0]["interrupted"] is False
    assert rig.stt.calls == []  # too short to be a segment: nothing for STT


def test_recording_is_stereo_candidate_left_interviewer_right(content) -> None:  # type: ignore[no-untyped-def]
    soundfile = pytest.importorskip("soundfile")
    rig = Rig(content, mode="headset")
    answer = rig.say(END, 1.0, after=rig.awaiting, delay=0.5)
    rig.run(timeout=30)

    data, rate = soundfile.read(str(rig.recording), dtype="int16", always_2d=True)
    assert rate == 16000 and data.shape[1] == 2
    t0 = rig.recorder._t0

    def window(t: float, seconds: float = 0.3) -> tuple[float, float]:
        a = int((t - t0) * 16000)
        chunk = data[a : a + int(seconds * 16000)]
        return rms_dbfs(chunk[:, 0]), rms_dbfs(chunk[:, 1])

    greeting = next(e for e in rig.journal() if e["type"] == "timing")
    left, right = window(greeting["t_first_audio"] + 0.3)
    assert right > -30 and left < -60, (left, right)  # the interviewer alone
    assert answer.started is not None
    left, right = window(answer.started + 0.3)
    assert left > -30 and right < -60, (left, right)  # the candidate alone
    # The recording runs the whole session on the session clock.
    assert len(data) / 16000 == pytest.approx(rig.clock.now() - t0, abs=0.5)


def test_a_replay_ends_after_the_reply_to_its_last_answer(content) -> None:  # type: ignore[no-untyped-def]
    # ReplaySource drives the loop: each answer waits for the reply before it, and when the
    # answers run out (without "end the interview") the loop ends once the last reply is spoken.
    from .fakes import vowel

    rig = Rig(
        content,
        mode="speakers",
        replay=[vowel(1.0, f0=190.0, seed=1), vowel(0.8, f0=200.0, seed=2)],
        replay_texts=[WARMUP, SCOPE],
    )
    rig.run(timeout=30)

    assert rig.turns("candidate") == [WARMUP, SCOPE]
    assert kinds(rig) == [MoveKind.GREETING, MoveKind.PRESENT_PROBLEM, MoveKind.SCOPE_ANSWER]
    assert [s["interrupted"] for s in rig.said()] == [False, False, False]  # the last one too
    assert not rig.session.finished
    listening = rig.event_times("listening")
    started = rig.replay_source.answer_started
    assert len(started) == 2
    for t_answer, t_ready in zip(started, listening[:2], strict=True):
        assert t_ready + 0.4 - 0.05 <= t_answer <= t_ready + 0.4 + 0.1  # the gap after the reply


def test_a_replay_answer_heard_as_no_speech_does_not_hang_the_loop(content) -> None:  # type: ignore[no-untyped-def]
    # Answer 2 is a faint hiss: the VAD hears no turn, so no reply comes and nothing would
    # ever set "awaiting" again. The watchdog plays answer 3 after stall_s instead.
    import numpy as np

    from .fakes import vowel

    hiss = (np.random.default_rng(3).standard_normal(16000) * 30).astype(np.int16)
    rig = Rig(
        content,
        mode="speakers",
        replay=[vowel(1.0, f0=190.0, seed=1), hiss, vowel(0.8, f0=200.0, seed=2)],
        replay_texts=[WARMUP, SCOPE],
        replay_stall_s=2.0,
    )
    rig.run(timeout=30)

    assert rig.turns("candidate") == [WARMUP, SCOPE]
    assert rig.replay_source.stalls == [1]
    assert rig.stalls == [
        "no reply 2 s after answer 2: it was not heard as speech; playing answer 3"
    ]
    assert kinds(rig) == [MoveKind.GREETING, MoveKind.PRESENT_PROBLEM, MoveKind.SCOPE_ANSWER]


def test_the_loop_runs_on_a_memory_source(content) -> None:  # type: ignore[no-untyped-def]
    from .fakes import ScriptedRenderer, vowel

    lines = {MoveKind.GREETING: "Hello there.", MoveKind.PRESENT_PROBLEM: "Here is the problem."}
    silence = np.zeros(16000, dtype=np.int16)
    rig = Rig(
        content,
        mode="speakers",
        renderer=ScriptedRenderer(lines),
        memory=[silence, silence, vowel(1.0, f0=190.0), silence],
        replay_texts=[WARMUP],
    )
    rig.run(timeout=20)
    assert rig.turns("candidate") == [WARMUP]
    assert kinds(rig) == [MoveKind.GREETING, MoveKind.PRESENT_PROBLEM]
    [timing] = check_timings(rig, 1)
    # The voice ends 3.0 s into the source, the turn 700 ms later (turn_end_ms), on the clock.
    assert timing["t_endpoint"] - timing["t_speech_end"] == pytest.approx(0.7, abs=0.03)
    assert timing["t_speech_end"] == pytest.approx(
        rig.event_times("candidate_partial")[0] - 0.25, abs=0.1
    )
