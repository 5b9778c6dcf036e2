"""STT on real speech and on Piper-voiced interview answers (real bundled models)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.messages import SpeechSegment
from voice_interviewer.stt import FILLER_WORDS

from .helpers import edit_distance, wer_words

MAX_WER = 0.15
DATA = Path(__file__).parents[1] / "data"


def test_word_error_rate_on_real_speech(transcriber, real_speech):
    errors = words = 0
    for clip in real_speech:
        ref, hyp = wer_words(clip.text), wer_words(transcriber.transcribe(clip.audio).text)
        edits = edit_distance(ref, hyp)
        errors, words = errors + edits, words + len(ref)
        print(f"WER {edits / len(ref):6.1%}  {clip.name}: {' '.join(hyp)}")
    overall = errors / words
    print(f"WER overall {overall:.1%} ({errors}/{words} words)")
    assert overall <= MAX_WER


def test_word_times_are_on_the_session_clock(transcriber, real_speech):
    clip = real_speech[-1]
    transcript = transcriber.transcribe(clip.audio, t_offset=100.0)
    starts = [w.start for w in transcript.words]
    assert transcript.t_start == 100.0
    assert transcript.t_end == pytest.approx(100.0 + len(clip.audio) / 16_000)
    assert starts and starts == sorted(starts)
    assert all(100.0 <= w.start <= w.end <= transcript.t_end + 0.05 for w in transcript.words)
    assert " ".join(w.text for w in transcript.words) == transcript.text
    assert transcript.stt_seconds > 0


def test_int16_input_at_another_rate(transcriber, real_speech):
    soxr = pytest.importorskip("soxr")
    clip = real_speech[0]
    pcm = (soxr.resample(clip.audio, 16_000, 22_050) * 32767).astype(np.int16)
    text = transcriber.transcribe(pcm, sample_rate=22_050).text
    assert wer_words(text) == wer_words(transcriber.transcribe(clip.audio).text)


def _noises() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    n = 3 * 16_000
    t = np.arange(n) / 16_000
    spectrum = np.fft.rfft(rng.standard_normal(n)) / np.sqrt(np.arange(1, n // 2 + 2))
    pink = np.fft.irfft(spectrum, n)
    clicks = np.zeros(n)
    clicks[::4000] = 0.8
    slow_clicks = np.zeros(n)
    slow_clicks[::8000] = 0.5
    taps = np.zeros(n)
    for k in range(0, n, 3000):  # key taps: short noise bursts every 0.19 s
        taps[k : k + 80] = np.hanning(80) * 0.5 * rng.standard_normal(80)
    return {
        "digital silence": np.zeros(n),
        "dither": rng.standard_normal(n) * 1e-4,
        "white -40 dBFS": rng.standard_normal(n) * 0.01,
        "white -20 dBFS": rng.standard_normal(n) * 0.1,
        "white -10 dBFS": rng.standard_normal(n) * 0.3,
        "white 1 s": rng.standard_normal(16_000) * 0.05,
        "pink": pink / np.abs(pink).max() * 0.3,
        "mains hum": 0.1 * np.sin(2 * np.pi * 60 * t),
        "clicks": clicks,
        "slow clicks": slow_clicks,
        "key taps": taps,
        "silence 10 s": np.zeros(10 * 16_000),
    }


@pytest.mark.parametrize("name", list(_noises()))
def test_silence_and_noise_give_no_transcript(transcriber, name):
    audio = _noises()[name].astype(np.float32)
    transcript = transcriber.transcribe(audio, t_offset=5.0)
    assert transcript.text == ""
    assert transcript.words == ()


def test_process_drops_noise_but_keeps_the_end_of_a_turn(transcriber):
    noise = (np.random.default_rng(1).standard_normal(16_000) * 3000).astype(np.int16)
    mid = SpeechSegment(pcm=noise, sample_rate=16_000, t_start=1.0, t_end=2.0, generation=3)
    assert list(transcriber.process(mid)) == []
    last = SpeechSegment(noise, 16_000, 1.0, 2.0, ends_turn=True, generation=3)
    (transcript,) = transcriber.process(last)
    assert transcript.text == "" and transcript.ends_turn and transcript.generation == 3


def test_process_carries_segment_times_and_generation(transcriber, speak):
    pcm, rate = speak("I would start with the data pipeline.")
    seg = SpeechSegment(pcm, rate, t_start=42.0, t_end=42.0 + len(pcm) / rate, generation=2)
    (transcript,) = transcriber.process(seg)
    assert "pipeline" in transcript.text.lower()
    assert transcript.t_start == 42.0 and transcript.generation == 2
    assert transcript.words[0].start >= 42.0


def test_a_window_that_stops_early_is_decoded_to_the_end(transcriber):
    # The interviewer's wrap-up as the speaker's monitor recorded it through PulseAudio. Whisper
    # tiny.en ends its first window after "Here's your scorecard." (4 s into 12 s of speech);
    # the transcriber must go on decoding, not take that window for the whole audio.
    import soundfile

    pcm, rate = soundfile.read(str(DATA / "scorecard-reply.flac"), dtype="int16")
    transcript = transcriber.transcribe(pcm, sample_rate=rate)
    print("long reply:", transcript.text)
    assert {"scorecard", "feature", "serving", "experiment", "design"} <= set(
        wer_words(transcript.text)
    )
    assert transcript.words[-1].end > transcript.t_end - 1.5


def test_round_trip_recognises_the_key_words(transcriber, speak):
    pcm, rate = speak("I would use a feature store with point in time joins")
    text = transcriber.transcribe(pcm, sample_rate=rate).text
    print("round trip:", text)
    heard = set(wer_words(text))
    assert {"feature", "store", "point", "time", "joins"} <= heard


def test_vocabulary_prompt_is_used(transcriber, speak):
    pcm, rate = speak("We log features at serving time to avoid training serving skew.")
    text = transcriber.transcribe(
        pcm, sample_rate=rate, prompt="Training-serving skew, feature logging."
    ).text
    assert "skew" in text.lower()
    assert transcriber.initial_prompt("X.").endswith("X.")
    assert transcriber.initial_prompt("X.").startswith("Um, uh")


FILLER_ANSWERS = (
    "Um, so I think we use a feature store.",
    "Uh, I would start with, um, the data pipeline.",
    "So, uh, the model is, like, a gradient boosted tree.",
    "Um, let me think. Uh, we need point in time joins.",
    "I would, um, log the features at serving time.",
    "Uh, maybe an A/B test with, um, two weeks of traffic.",
)


def _fillers(text: str) -> int:
    return sum(1 for w in wer_words(text) if w in FILLER_WORDS)


def test_fillers_survive(transcriber, speak):
    pcm, rate = speak("Um, so I think we use a feature store")
    transcript = transcriber.transcribe(pcm, sample_rate=rate)
    print("fillers:", transcript.text)
    assert re.match(r"^um\b", transcript.text.lower())
    assert transcript.words[0].text.lower().strip(",.") == "um"


def test_filler_prompt_keeps_fillers_whisper_would_drop(transcriber, plain_transcriber, speak):
    spoken = sum(_fillers(text) for text in FILLER_ANSWERS)
    kept = {"with filler prompt": 0, "without": 0}
    for text in FILLER_ANSWERS:
        pcm, rate = speak(text)
        with_prompt = transcriber.transcribe(pcm, sample_rate=rate).text
        without = plain_transcriber.transcribe(pcm, sample_rate=rate).text
        kept["with filler prompt"] += _fillers(with_prompt)
        kept["without"] += _fillers(without)
        print(f"{text!r}\n  prompt: {with_prompt!r}\n  plain:  {without!r}")
    print(f"fillers kept of {spoken}: {kept}")
    assert kept["with filler prompt"] >= 0.7 * spoken
    assert kept["with filler prompt"] > kept["without"]
