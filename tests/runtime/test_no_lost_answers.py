"""No answer is lost silently (issue 11): a replay of answers in voices the product never uses,
several starting within 0.5 s of the interviewer's end, through the real loop and models in
speakers mode; every stretch of speech in the recording's candidate channel (by VAD) is in a
candidate turn or in an ``unheard`` journal line."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from voice_interviewer.audio.vad import FrameClassifier
from voice_interviewer.session import store
from voice_interviewer.session.events import encode
from voice_interviewer.session.journal import read_journal

pytestmark = pytest.mark.slow

# (voice, text, gap after the interviewer stops): flite's recorded speakers and espeak-ng.
ANSWERS = (
    (
        "flite-slt",
        "First I collect the data and check the labels. Then I train a model, deploy it,"
        " and monitor it for drift.",
        0.1,
    ),
    ("flite-kal16", "What scale are we designing for?", 0.45),
    (
        "flite-rms",
        "The objective is to block fraud while keeping false declines low, measured by"
        " precision at a fixed recall.",
        0.25,
    ),
    ("espeak-us", "Labels come from chargebacks, weeks later.", 0.3),
    ("flite-awb", "End the interview.", 0.15),
)
SLACK_S = 0.3  # word and segment times from tiny.en are that good at the edges
FRAME = 320


def speech_stretches(pcm: np.ndarray, min_voiced_s: float = 0.2) -> list[tuple[float, float]]:
    """(start, end) in seconds of the voiced stretches (by the loop's own VAD), gaps under
    0.3 s bridged, stretches with less than ``min_voiced_s`` of voice ignored."""
    vad = FrameClassifier()
    voiced = [vad.is_speech(pcm[i : i + FRAME]) for i in range(0, len(pcm) - FRAME + 1, FRAME)]
    stretches: list[list[float]] = []
    for i, v in enumerate(voiced):
        if not v:
            continue
        t = i * 0.02
        if stretches and t - stretches[-1][1] < 0.3:
            stretches[-1][1] = t + 0.02
            stretches[-1][2] += 0.02
        else:
            stretches.append([t, t + 0.02, 0.02])
    return [(a, b) for a, b, n in stretches if n >= min_voiced_s - 1e-9]


def covered(stretch: tuple[float, float], spans: list[tuple[float, float]]) -> float:
    """The share of ``stretch`` inside the union of ``spans``."""
    a, b = stretch
    grid = np.arange(a, b, 0.01)
    inside = np.zeros(len(grid), dtype=bool)
    for s, e in spans:
        inside |= (grid >= s) & (grid <= e)
    return float(inside.mean()) if len(grid) else 1.0


def test_every_stretch_of_speech_is_a_turn_or_journaled(  # type: ignore[no-untyped-def]
    transcriber, synthesizer, tmp_path, capsys
) -> None:
    import soundfile

    from voice_interviewer.audio.memory import MemorySink
    from voice_interviewer.clock import RealClock
    from voice_interviewer.interview.content import load_content
    from voice_interviewer.llm.renderer import AuthoredRenderer
    from voice_interviewer.runtime.app import Models
    from voice_interviewer.runtime.config import LoopConfig
    from voice_interviewer.runtime.replay import ReplaySource
    from voice_interviewer.session.live import InterviewSession, SessionOptions
    from voice_interviewer.speechsets.voices import SpeechCache, voice
    from voice_interviewer.voice_commands import run_loop

    cache = SpeechCache(tmp_path / "voices")
    pad = np.zeros(1600, dtype=np.int16)  # 0.1 s: the answer's first sound comes at once
    answers = [np.concatenate([pad, cache.get(text, voice(v)), pad]) for v, text, _ in ANSWERS]
    clock = RealClock()
    session = InterviewSession.start(load_content(), clock, SessionOptions(mode="replay"))
    awaiting = threading.Event()
    source = ReplaySource(answers, awaiting, clock.now, gap_s=[g for _, _, g in ANSWERS])
    models = Models(transcriber, synthesizer, AuthoredRenderer(), notes=[])
    try:
        run_loop(
            session,
            None,
            source,
            MemorySink(realtime=True, clock=clock.now),
            models,
            LoopConfig(audio_mode="speakers"),
            awaiting=awaiting,
            keys=False,
        )
    finally:
        transcriber.set_vocabulary("")
    journal = [encode(e) for e in read_journal(session.directory / store.JOURNAL).events]
    [recording] = [e for e in journal if e["type"] == "recording"]
    audio, rate = soundfile.read(
        str(session.directory / recording["path"]), dtype="int16", always_2d=True
    )
    assert rate == 16000
    t0 = recording["t0"]

    turns = [e for e in journal if e["type"] == "turn" and e["speaker"] == "candidate"]
    unheard = [e for e in journal if e["type"] == "unheard"]
    spans: list[tuple[float, float]] = []
    for turn in turns:
        assert turn.get("words"), turn
        start = turn["words"][0][1]
        end = max(turn["t_speech_end"], turn["words"][-1][2])
        spans.append((start - t0 - SLACK_S, end - t0 + SLACK_S))
    spans += [(u["t_start"] - t0 - SLACK_S, u["t_end"] - t0 + SLACK_S) for u in unheard]

    stretches = speech_stretches(audio[:, 0])
    with capsys.disabled():
        print(f"\n{len(stretches)} stretches of speech; {len(turns)} turns; unheard: {unheard}")
        for turn in turns:
            print("   turn:", turn["text"])
    # Every answer was played and heard: the recording holds them all ...
    assert source.answer_started and len(source.answer_started) == len(ANSWERS)
    assert len(stretches) >= len(ANSWERS)
    # ... and each stretch of it is accounted for.
    for stretch in stretches:
        share = covered(stretch, spans)
        assert share >= 0.9, (stretch, share, spans)
    # The answers became turns (the quick ones included); tiny.en on these voices gets most
    # words, not all (espeak-us's "What scale are we designing for?" came back as "Well, okay,
    # like we've been hiding for it."), so only the sturdiest words are checked.
    said = " ".join(t["text"].lower() for t in turns)
    assert len(turns) >= len(ANSWERS), said
    # ("weeks later" has come back as "weak saver" in one run: not a sturdy word.)
    for key in ("labels", "fraud", "chargeback", "interview"):
        assert key in said, said
    assert session.finished
