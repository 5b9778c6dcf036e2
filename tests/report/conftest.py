"""Sessions to export: one real spoken session, recorded once per test run, and typed ones.

The spoken session is the product's own path end to end: answers synthesized with the bundled
Piper voice (scripts/make_answers.py) are replayed in real time into the voice loop
(ReplaySource -> VAD/endpointer -> faster-whisper -> director -> authored words -> Piper ->
MemorySink), with the StereoRecorder and the journal that `voice-interviewer replay` uses
(voice_commands.run_loop). The interviewer speaks twice as fast as usual (length_scale)
so the whole interview takes under a minute.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import threading
from pathlib import Path

import pytest

from voice_interviewer.clock import RealClock, VirtualClock
from voice_interviewer.session.live import InterviewSession, SessionOptions

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # png.py, report_support.py

ANSWERS = [
    # warm-up: two fillers ("um", a set-off "like")
    "Um, I build ranking models, like, for search.",
    # a thinking pause over 3 s inside the turn (the endpointer holds after "let me think"),
    # and a concept the scorecard quotes as evidence (feature store)
    "Um, let me think. [pause 3.8] The business objective is revenue per session, and we keep "
    "the features in a feature store.",
    "Give me a hint.",
    "End the interview.",
]
PAUSE_TURN = 1  # index into ANSWERS of the answer with the long pause


def pytest_collection_modifyitems(items):
    """Tests on the recorded session run the real models for about a minute: mark them slow
    (``-m "not slow"`` leaves them out of a quick run)."""
    for item in items:
        if "voice_session_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def _make_answers():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "make_answers", REPO / "scripts" / "make_answers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthesize_answers


@pytest.fixture(scope="session")
def voice_session_dir(tmp_path_factory, content) -> Path:
    """The folder of a finished spoken session (journal.jsonl + recording.wav)."""
    for module in ("faster_whisper", "piper", "soundfile", "webrtcvad"):
        pytest.importorskip(module, reason="the voice extra is needed to record a session")
    from voice_interviewer.audio.config import EndpointerConfig
    from voice_interviewer.audio.memory import MemorySink
    from voice_interviewer.llm.renderer import AuthoredRenderer
    from voice_interviewer.runtime.app import Models
    from voice_interviewer.runtime.config import LoopConfig
    from voice_interviewer.runtime.replay import ReplaySource, load_answer
    from voice_interviewer.stt.models import ModelNotAvailableError
    from voice_interviewer.stt.transcriber import Transcriber, TranscriberConfig
    from voice_interviewer.tts.synthesizer import (
        Synthesizer,
        SynthesizerConfig,
        VoiceNotAvailableError,
    )
    from voice_interviewer.voice_commands import run_loop

    home = tmp_path_factory.mktemp("voice-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VOICE_INTERVIEWER_HOME", str(home))
        try:
            files = _make_answers()(ANSWERS, home / "answers")
            stt = Transcriber(TranscriberConfig())
            stt.warm_up()
            tts = Synthesizer(SynthesizerConfig(length_scale=0.5))
            tts.warm_up()
        except (ModelNotAvailableError, VoiceNotAvailableError) as e:
            pytest.skip(f"bundled models missing: {e}")
        session = InterviewSession.start(
            content, RealClock(0.0), SessionOptions(mode="replay", problem_id="recommendation")
        )
        awaiting = threading.Event()
        source = ReplaySource(
            [load_answer(p) for p in files], awaiting, session.director.clock.now, gap_s=0.3
        )
        # Hold the turn through the 3.8 s thinking pause (the default hold is 2.5 s).
        config = LoopConfig(endpointer=EndpointerConfig(hold_turn_end_ms=5000.0))
        run_loop(
            session,
            None,
            source,
            MemorySink(realtime=True),
            Models(stt, tts, AuthoredRenderer()),
            config,
            awaiting=awaiting,
            keys=False,
        )
    assert session.finished, "the replayed interview did not reach its scorecard"
    return session.directory


@pytest.fixture
def voice_session(voice_session_dir, _isolated_home) -> Path:
    """The spoken session copied into this test's own data dir (so `sessions delete` and the
    CLI find it there, and no test can spoil it for the next)."""
    target = _isolated_home / "sessions" / voice_session_dir.name
    shutil.copytree(voice_session_dir, target)
    return target


TEXT_TURNS = [
    (
        60,
        "Um, I would collect clickstream data, check its quality and labels, train a model, "
        "deploy it, and monitor for data drift. Training serving skew is a classic failure.",
    ),
    (90, "The business objective is revenue per session, like, measured by conversion rate."),
    (20, "give me a hint"),
    (
        120,
        "We keep the user and item features in a feature store, you know, with point in time "
        "joins.",
    ),
    (10, "end the interview"),
]


@pytest.fixture
def text_session(content, _isolated_home) -> Path:
    """A finished typed session (virtual clock), in this test's data dir."""
    clock = VirtualClock()
    session = InterviewSession.start(content, clock, SessionOptions(problem_id="recommendation"))
    session.open()
    for seconds, text in TEXT_TURNS:
        clock.advance(seconds)
        session.respond(text)
    session.close()
    assert session.finished
    return session.directory
