"""`voice-interviewer replay` with the real models on answers synthesized with Piper at test time:
warm-up, a scope question, "end the interview"."""

from __future__ import annotations

import re

import numpy as np
import pytest

from voice_interviewer.session import store
from voice_interviewer.session.events import encode
from voice_interviewer.session.journal import read_journal

pytestmark = pytest.mark.slow


@pytest.fixture
def real_models(monkeypatch, transcriber, synthesizer, smart_turn, final_pass):  # type: ignore[no-untyped-def]
    """`load_models` hands out the session's already loaded models (and the director's words),
    with Smart Turn and the final pass wired in, as the defaults have them."""
    from voice_interviewer.llm.renderer import AuthoredRenderer
    from voice_interviewer.runtime import app

    def load_models(settings, model_flag=None, content=None):  # type: ignore[no-untyped-def]
        return app.Models(
            transcriber,
            synthesizer,
            AuthoredRenderer(),
            notes=["test models"],
            smart_turn=smart_turn,
            final_pass=final_pass,
        )

    monkeypatch.setattr(app, "load_models", load_models)
    yield
    transcriber.set_vocabulary("")  # the loop set the problem's words; later tests start clean


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def loud_seconds(pcm: np.ndarray, floor_dbfs: float = -40.0) -> float:
    """Seconds of 20 ms frames above ``floor_dbfs``."""
    x = pcm.astype(np.float64) / 32768.0
    n = len(x) // 320
    frames = x[: n * 320].reshape(n, 320)
    rms = 20 * np.log10(np.maximum(np.sqrt((frames**2).mean(axis=1)), 1e-10))
    return float((rms > floor_dbfs).sum() * 0.02)


def test_replay_three_answers_with_the_real_models(
    answer_dir, real_models, content, final_pass, capsys
) -> None:  # type: ignore[no-untyped-def]
    import soundfile

    from voice_interviewer.cli import main

    expired_before = final_pass.stats.expired
    assert main(["replay", str(answer_dir)]) == 0
    out = capsys.readouterr().out
    [session_dir] = store.list_session_dirs()
    journal = [encode(e) for e in read_journal(session_dir / store.JOURNAL).events]

    # The candidate's words were transcribed.
    candidate = [e["text"] for e in journal if e["type"] == "turn" and e["speaker"] == "candidate"]
    assert len(candidate) == 3, candidate
    assert {"data", "quality", "labels", "drift"} <= words(candidate[0]), candidate[0]
    assert {"scale", "designing"} <= words(candidate[1]), candidate[1]
    # tiny.en with the filler prompt hears "End the interview." as "and the interview." at
    # times; the director's command parser takes both, which is what this checks.
    assert "interview" in words(candidate[2]) and words(candidate[2]) & {"end", "and"}, candidate[2]
    turns = [e for e in journal if e["type"] == "turn" and e["speaker"] == "candidate"]
    assert all(t["words"] for t in turns)  # word times for the analytics

    # The replies came back in order.
    lines = content.lines
    interviewer = [
        e["text"] for e in journal if e["type"] == "turn" and e["speaker"] == "interviewer"
    ]
    assert len(interviewer) == 4, interviewer
    # The greeting ends with the warm-up question.
    assert interviewer[0] == lines["greeting"].format(question=content.warmup.question)
    assert interviewer[1].startswith(lines["present_problem"].split("{")[0]), candidate[0]
    assert interviewer[2].startswith(lines["scope_answer"].split("{")[0])
    assert interviewer[3].startswith(lines["wrap_up_early"].split("{")[0])
    said = [e for e in journal if e["type"] == "said"]
    assert [s["text"] for s in said] == interviewer  # every reply spoken in full ...
    assert not any(s["interrupted"] for s in said)  # ... and none cut off

    # Latency figures for each answer.
    timings = [e for e in journal if e["type"] == "timing" and e.get("t_endpoint") is not None]
    assert len(timings) == 3
    for t in timings:
        assert t["t_speech_end"] <= t["t_endpoint"] <= t["t_first_audio"]
    for t in timings:
        print(
            f"\nvoice-to-voice {t['voice_to_voice']:.2f} s, response latency"
            f" {t['response_latency']:.2f} s, STT of the last segment {t['stt_last_segment_s']} s,"
            f" TTS first chunk {t['tts_first_chunk_s']} s"
        )

    # The audio files.
    heard, rate = soundfile.read(str(session_dir / "interviewer.wav"), dtype="int16")
    assert rate == 16000 and loud_seconds(heard) > 15.0  # four replies, the greeting alone ~15 s
    assert str(session_dir / "interviewer.wav") in out
    recording, rate = soundfile.read(
        str(session_dir / "recording.wav"), dtype="int16", always_2d=True
    )
    assert rate == 16000 and recording.shape[1] == 2
    assert loud_seconds(recording[:, 0]) > 3.0  # the candidate's three answers, on the left
    assert loud_seconds(recording[:, 1]) > 15.0  # the interviewer, on the right
    assert any(e["type"] == "recording" and e["path"] == "recording.wav" for e in journal)

    # The final pass re-read the turns: each got its final text in the journal, or its pass
    # was dropped because the next reply was due (counted); the last one always arrives.
    revises = {e["turn"]: e["text"] for e in journal if e["type"] == "revise"}
    assert turns[-1]["index"] in revises, (revises, final_pass.stats)
    missing = [t["index"] for t in turns if t["index"] not in revises]
    assert len(missing) <= final_pass.stats.expired - expired_before, (missing, final_pass.stats)
    for turn in turns:
        if turn["index"] in revises:  # the same answer, heard again
            said, final = words(turn["text"]), words(revises[turn["index"]])
            assert len(said & final) >= len(said) // 2, (turn["text"], revises[turn["index"]])

    # It ended with a scorecard.
    assert journal[-1]["type"] == "end" or any(e["type"] == "end" for e in journal)
    assert any(e["type"] == "scorecard" for e in journal)
    assert "scorecard" in out.lower() or "Saved as" in out
