"""The batching transcription service with the real model: N streams, one worker."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from voice_interviewer.stt.service import ServiceConfig, ServiceFull, TranscriberService
from voice_interviewer.text import comparable_words


@pytest.fixture(scope="module")
def service(transcriber):
    svc = TranscriberService(transcriber, ServiceConfig(max_batch=8, max_wait_ms=50))
    yield svc
    svc.close()


def test_segments_from_many_streams_are_batched_and_heard_as_alone(
    service, transcriber, real_speech
):
    clips = real_speech[:5]
    transcriber.set_vocabulary("")
    prompt = transcriber.initial_prompt()
    alone = [comparable_words(transcriber.transcribe(c.audio).text) for c in clips]
    before = service.stats.batches
    futures = [
        service.submit(f"session-{i}", c.audio, 10.0 * i, prompt=prompt)
        for i, c in enumerate(clips)
    ]
    results = [f.result(300) for f in futures]
    assert service.stats.batches - before < len(clips)  # at least one batch held several
    assert max(service.stats.batch_sizes) >= 2
    for i, (clip, result) in enumerate(zip(clips, results, strict=True)):
        assert comparable_words(result.text) == alone[i], clip.name
        assert result.t_start == 10.0 * i
        assert result.words and result.words[0].start >= 10.0 * i


def test_stream_transcribers_keep_their_own_vocabulary_and_interface(service, real_speech):
    streams = [service.stream(f"s{i}") for i in range(4)]
    streams[0].set_vocabulary("XGBoost, PSI, p99")
    assert "XGBoost" in streams[0].prompt() and "XGBoost" not in (streams[1].prompt() or "")
    clip = real_speech[-1]
    out: dict[int, str] = {}

    def talk(i):
        out[i] = streams[i].transcribe(clip.audio, 5.0, ends_turn=True, generation=i).text

    threads = [threading.Thread(target=talk, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert all("ask not what your country" in out[i].lower() for i in range(4))


def test_silence_gives_an_empty_transcript_in_a_batch(service, real_speech):
    quiet = service.submit("a", np.zeros(16_000, np.float32), 1.0)
    noise = service.submit(
        "b", (np.random.default_rng(2).standard_normal(32_000) * 0.05).astype(np.float32)
    )
    speech = service.submit("c", real_speech[0].audio)
    assert quiet.result(300).text == "" and noise.result(300).text == ""
    assert "comparatively modern" in speech.result(300).text.lower()


def test_a_segment_over_30_s_is_a_clear_error(service):
    with pytest.raises(ValueError, match="at most 30 s"):
        service.submit("x", np.zeros(31 * 16_000, np.float32))


def test_a_full_queue_is_an_error_not_a_hang(transcriber):
    svc = TranscriberService(transcriber, ServiceConfig(max_queue=1, max_wait_ms=0))
    gate = threading.Event()
    real_decode = svc.decode
    svc.decode = lambda batch: (gate.wait(10), real_decode(batch))[1]  # hold the worker
    svc.submit("a", np.zeros(1600, np.float32))
    import time

    time.sleep(0.2)  # the worker took the first segment and is held
    svc.submit("b", np.zeros(1600, np.float32))
    with pytest.raises(ServiceFull, match="already waiting"):
        svc.submit("c", np.zeros(1600, np.float32))
    gate.set()
    svc.close()
