"""Headset mode with the real speech recognizer: "mm-hm", "right", "okay" said while the
interviewer talks never stop its reply (it goes on from where it paused and is journaled as
heard in full); each is journaled as an unheard backchannel; a real answer is still a turn.
The hum is spoken by flite and comes back from tiny.en as "MMHM.": a spelling no list had."""

from __future__ import annotations

import numpy as np
import pytest

from voice_interviewer.messages import MoveKind

from .fakes import LINES, ScriptedRenderer, Utterance
from .rig import Rig

pytestmark = pytest.mark.slow

LONG_GREETING = (
    "Hello and welcome to the interview today. We will design a machine learning system "
    "together, step by step. First we agree on the scope and the business objective. Then we "
    "look at the data, the model and the serving path. At the end we talk about monitoring and "
    "how the system improves over time. Let us warm up with your background."
)
BACKCHANNELS = (("flite-slt", "Mm-hm."), ("espeak-us", "Right."), ("flite-rms", "Okay."))


def test_backchannels_never_stop_the_interviewer(content, transcriber, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from voice_interviewer.speechsets.voices import SpeechCache, voice

    cache = SpeechCache(tmp_path / "voices")
    lines = dict(LINES)
    lines[MoveKind.GREETING] = LONG_GREETING  # 55 words: 5.5 s of FakeTTS speech
    rig = Rig(
        content,
        mode="headset",
        renderer=ScriptedRenderer(lines),
        live_stt=transcriber,
        end_after_s=25.0,  # the source ends after the answer; the loop finishes its reply
    )
    for i, (v, text) in enumerate(BACKCHANNELS):
        rig.source.utterances.append(Utterance(text, cache.get(text, voice(v)), at=1.0 + 1.6 * i))
    answer = cache.get("I build ranking models for search.", voice("flite-awb"))
    rig.source.utterances.append(Utterance("answer", answer, after=rig.awaiting, delay=0.4))
    try:
        rig.run(timeout=120)
    finally:
        transcriber.set_vocabulary("")
        for t, kind, data in rig.events:
            if kind not in ("speaking",):
                print(f"{t:8.2f} {kind} {data}")

    said = rig.said()
    greeting = said[0]
    assert greeting["interrupted"] is False  # the reply went on to its end
    assert greeting["text"] == greeting["full_text"] == LONG_GREETING
    assert "barge_in" not in rig.kinds()
    # Every sample of the greeting was played, in order, once.
    sentences = [s for s in rig.tts.made if s in LONG_GREETING]
    heard = rig.sink.heard_audio()
    whole = np.concatenate([rig.tts.audio_for(s) for s in sentences])
    assert np.array_equal(heard[: len(whole)], whole)
    # Each listening noise is journaled, with what was heard.
    unheard = [e for e in rig.journal() if e["type"] == "unheard"]
    # (A noise the recognizer heard no words in counts as one too: "no_words".)
    assert len(unheard) == len(BACKCHANNELS), unheard
    assert {e["reason"] for e in unheard} <= {"backchannel", "no_words"}, unheard
    for e, u in zip(unheard, rig.source.utterances, strict=False):
        assert u.started is not None and e["t_end"] >= u.started
    # The real answer was a turn.
    turns = rig.turns("candidate")
    assert len(turns) == 1 and "ranking" in turns[0].lower(), turns
