"""Speakers mode's over-talk detector on synthetic audio: the echo alone never counts as the
candidate; a voice above it does, from its first frame; short sounds are reported, not kept."""

from __future__ import annotations

import numpy as np
from audio.synth import noise, vowel

from voice_interviewer.messages import AudioFrame
from voice_interviewer.runtime.overtalk import OverTalk, OverTalkConfig

SR = 16_000
N = 320  # 20 ms


def frames(pcm: np.ndarray, t0: float) -> list[AudioFrame]:
    return [AudioFrame(pcm[i : i + N], SR, t0 + i / SR) for i in range(0, len(pcm) - N + 1, N)]


def mix(*parts: np.ndarray) -> np.ndarray:
    n = max(len(p) for p in parts)
    out = np.zeros(n, dtype=np.int32)
    for p in parts:
        out[: len(p)] += p
    return np.clip(out, -32768, 32767).astype(np.int16)


def feed(ot: OverTalk, pcm: np.ndarray, t0: float, tail_s: float | None = None) -> list[float]:
    """Push every frame; the onset times it reported."""
    return [s.t for f in frames(pcm, t0) if (s := ot.push(f, tail_s)).onset]


def test_the_echo_alone_is_never_the_candidate() -> None:
    ot = OverTalk()
    # A loud interviewer echo (as loud as a voice at the mic) for 8 s: it sets the echo level.
    echo = vowel(8.0, -20.0, f0=120.0, seed=3)
    assert feed(ot, mix(echo, noise(8.0, -65.0)), 0.0) == []
    assert ot.echo_dbfs is not None and ot.echo_dbfs > -25.0
    assert ot.reopen() == [] and ot.take_claimed() == []


def test_a_voice_above_the_echo_is_the_candidate_from_its_first_syllable() -> None:
    ot = OverTalk()
    echo = vowel(6.0, -40.0, f0=120.0, seed=3)  # laptop speakers heard faintly
    feed(ot, echo[: 3 * SR], 0.0)
    voice = vowel(2.0, -20.0, f0=200.0, seed=5)
    onsets = feed(ot, mix(echo[3 * SR :], voice), 3.0)
    assert len(onsets) == 1  # reported once
    assert 3.0 <= onsets[0] < 3.1
    kept = ot.reopen()
    # From the pre-roll before the onset: the detector hears the first syllable.
    assert kept[0].t <= onsets[0] - 0.35 and kept[-1].t >= 4.9
    assert ot.take_claimed() == []


def test_in_a_silent_room_any_voice_after_the_reply_is_the_candidate() -> None:
    # A replay: no echo at all. The candidate answers 0.1 s after the interviewer stopped,
    # inside the echo tail the mic used to be deaf in.
    ot = OverTalk()
    feed(ot, noise(3.0, -70.0), 0.0)
    voice = vowel(1.0, -26.0, f0=190.0, seed=2)
    onsets = [
        s.t
        for i, f in enumerate(frames(voice, 3.1))
        if (s := ot.push(f, tail_s=0.1 + i * 0.02)).onset
    ]
    assert onsets and onsets[0] == 3.1
    kept = ot.reopen()
    assert kept[0].t == 2.7  # the pre-roll: 0.4 s before the onset
    spoken = [f for f in kept if f.t >= 3.1]
    assert np.array_equal(np.concatenate([f.pcm for f in spoken]), voice[: len(spoken) * N])


def test_a_short_sound_over_the_interviewer_is_reported_not_kept() -> None:
    ot = OverTalk(OverTalkConfig(onset_ms=200.0))
    feed(ot, noise(2.0, -70.0), 0.0)
    blip = vowel(0.14, -20.0, f0=200.0, seed=9)
    assert feed(ot, mix(noise(1.0, -70.0), blip), 2.0) == []
    assert ot.reopen() == []
    [claimed] = ot.take_claimed()
    assert 2.0 <= claimed.t_start < claimed.t_end <= 2.2


def test_echo_frames_come_back_silent_when_a_kept_turn_spans_them() -> None:
    ot = OverTalk()
    echo = vowel(4.0, -20.0, f0=120.0, seed=3)
    feed(ot, echo, 0.0)
    kept = ot.reopen(since=1.0)  # the detector's turn was open when the gate closed at 1.0 s
    assert kept[0].t == 1.0 and kept[-1].t >= 3.9
    assert all(not f.pcm.any() for f in kept)  # loud echo: the detector must not hear it
