"""The composition root: the one place a voice loop is built, for the spoken interview, the
replay, the benchmarks and the tests alike. What differs between them is only what they pass
in: the source and sink (a microphone, recorded answers, a virtual sound server, a scripted
fake), the models (loaded by ``app.load_models``, or test doubles) and the settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from voice_interviewer.audio.base import AudioSink, AudioSource
from voice_interviewer.runtime.app import Models, recording_path, splitter_factory
from voice_interviewer.runtime.config import LoopConfig
from voice_interviewer.runtime.loop import VoiceLoop
from voice_interviewer.runtime.stages import Splitter
from voice_interviewer.session.events import RecordingLine
from voice_interviewer.session.live import InterviewSession
from voice_interviewer.session.recording import StereoRecorder


def build_loop(
    session: InterviewSession,
    source: AudioSource,
    sink: AudioSink,
    models: Models,
    config: LoopConfig | None = None,
    *,
    record: bool = True,
    on_event: Callable[[str, dict[str, Any]], None] | None = None,
    awaiting_answer: threading.Event | None = None,
    splitter: Callable[[], Splitter] = splitter_factory,
) -> VoiceLoop:
    """A voice loop on the session's clock. With ``record`` the conversation goes to a stereo
    recording in the session's folder (journaled; ``run`` closes it)."""
    clock = session.clock
    recorder = None
    if record:
        path = recording_path(session)
        recorder = StereoRecorder(path, t0=clock.now())
        session.record(RecordingLine(path.name, round(clock.now(), 3), 16000))
    return VoiceLoop(
        session,
        source,
        sink,
        models.stt,
        models.tts,
        models.renderer,
        splitter,
        clock.now,
        config or LoopConfig(),
        recorder=recorder,
        on_event=on_event,
        awaiting_answer=awaiting_answer,
        smart_turn=models.smart_turn,
        final_pass=models.final_pass,
    )
