"""Headset mode's early hold, on the listen stage: playback is held at a rise in level, before
the VAD is sure, and let go after ``confirm_ms`` when no speech follows; a voice the VAD
confirms keeps the hold for the barge-in to resolve."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from tests.audio.synth import vowel
from voice_interviewer.audio.config import EndpointerConfig, VadConfig
from voice_interviewer.audio.detector import SpeechDetector
from voice_interviewer.audio.energy_onset import EarlyHoldConfig
from voice_interviewer.messages import AudioFrame
from voice_interviewer.runtime.bargein import BargeIn
from voice_interviewer.runtime.generation import Generation
from voice_interviewer.runtime.listen import ListenStage

FRAME = 320  # 20 ms


class SpeakingPlayer:
    """The interviewer is talking throughout; holds and releases are logged."""

    speaking = True

    def __init__(self) -> None:
        self.log: list[str] = []

    def hold(self) -> None:
        self.log.append("hold")

    def release(self) -> None:
        self.log.append("release")


class NoSpeculation:
    def drop(self) -> bool:
        return False


class NoTurnModel:
    def segment_closed(self, audio: Any, t: float) -> None:
        pass


def listen(pcm: np.ndarray, early: EarlyHoldConfig | None) -> tuple[SpeakingPlayer, list[float]]:
    """Feed ``pcm`` frame by frame; the player's log and the times of the holds' events."""
    player = SpeakingPlayer()
    held_at: list[float] = []
    t = [0.0]

    def emit(kind: str, data: dict[str, Any]) -> None:
        if kind == "barge_in_onset":
            held_at.append(t[0])

    barge_in = BargeIn(player, Generation(), lambda heard: None, emit, 2)  # type: ignore[arg-type]
    stage = ListenStage(
        SpeechDetector(VadConfig(), EndpointerConfig(), expect_transcripts=True),
        player,  # type: ignore[arg-type]
        barge_in,
        NoTurnModel(),  # type: ignore[arg-type]
        NoSpeculation(),  # type: ignore[arg-type]
        threading.Event(),
        emit,
        lambda: t[0],
        speakers_gate=None,
        recorder=None,
        early_hold=early,
    )
    for i in range(0, len(pcm) - FRAME + 1, FRAME):
        t[0] = i / 16000
        list(stage.process(AudioFrame(pcm[i : i + FRAME], 16000, t[0])))
    return player, held_at


def clip(sound: np.ndarray) -> np.ndarray:
    quiet = np.zeros(16000, np.int16)
    return np.concatenate([quiet[:8000], sound, quiet])


def test_two_loud_frames_hold_playback_and_it_goes_on_after_confirm_ms() -> None:
    sound = clip(vowel(0.04, seed=3))  # 40 ms: the early hold, not enough for the VAD (60 ms)
    player, held_at = listen(sound, EarlyHoldConfig(confirm_ms=300.0))
    assert player.log == ["hold", "release"]
    assert held_at == [0.52]  # the second loud frame (the sound starts at 0.5 s)
    # Without the early hold the same sound never stops the interviewer.
    player, held_at = listen(sound, EarlyHoldConfig(enabled=False))
    assert player.log == [] and held_at == []


def test_a_voice_is_held_sooner_and_the_hold_stays_for_the_barge_in_to_resolve() -> None:
    sound = clip(vowel(0.6, seed=4))
    early, early_at = listen(sound, EarlyHoldConfig())
    late, late_at = listen(sound, EarlyHoldConfig(enabled=False))
    assert early_at[0] == 0.52 and late_at[0] > early_at[0]
    # A segment went to STT: the hold waits for its words (BargeIn.resolve), not a timer.
    assert early.log == ["hold"] and late.log == ["hold"]
