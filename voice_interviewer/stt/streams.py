"""Simulated interviews talking to one ``TranscriberService`` at once (benchmarks, GPU check).

Each stream is a candidate who speaks segments back to back in real time: a segment is
submitted when it ends, the next one ends its own length plus a pause later, whatever the STT
is doing (a speaker does not wait for the recogniser). Streams start at staggered times, as
sessions do. The figure of merit is each segment's latency: from its end to its transcript.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voice_interviewer.stt.service import TranscriberService

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class StreamLoad:
    """The latencies of one run with ``streams`` concurrent speakers."""

    streams: int
    latencies: tuple[float, ...]
    mean_batch: float
    dropped: int = 0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    @property
    def p50(self) -> float:
        return self.percentile(0.50)

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


def run_streams(
    service: TranscriberService,
    clips: Sequence[np.ndarray],
    streams: int,
    seconds: float,
    *,
    pause_s: float = 0.4,
    prompt: str | None = None,
) -> StreamLoad:
    """``streams`` speakers for ``seconds`` each, cycling through ``clips`` (16 kHz float)."""
    latencies: list[float] = []
    lock = threading.Lock()
    batches_before = (service.stats.batches, service.stats.segments)
    pending: list = []

    def speaker(index: int) -> None:
        start = time.perf_counter() + index * (pause_s + 1.0) / max(1, streams) * 2
        at = start
        k = index
        while at - start < seconds:
            clip = clips[k % len(clips)]
            k += 1
            at += len(clip) / SAMPLE_RATE  # the segment ends now
            time.sleep(max(0.0, at - time.perf_counter()))
            sent = time.perf_counter()
            future = service.submit(f"stream-{index}", clip, prompt=prompt)

            def done(f, sent=sent) -> None:
                if f.exception() is None:
                    with lock:
                        latencies.append(time.perf_counter() - sent)

            future.add_done_callback(done)
            with lock:
                pending.append(future)
            at += pause_s

    threads = [threading.Thread(target=speaker, args=(i,)) for i in range(streams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for future in list(pending):
        future.exception(timeout=600)
    batches = service.stats.batches - batches_before[0]
    segments = service.stats.segments - batches_before[1]
    return StreamLoad(streams, tuple(latencies), segments / batches if batches else 0.0)
