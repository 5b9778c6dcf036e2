"""Segment latency of the batching transcription service against the number of sessions.

    python scripts/bench_stt_service.py [--streams 1,2,4,8] [--seconds 40] [--max-batch 8]
                                        [--device cpu] [--compute-type int8]

N simulated candidates (``stt.streams``) speak the real-speech clips and the jargon set's
segments back to back in real time into one ``TranscriberService``; printed per N: segment
latency p50 / p95 (from the segment's end to its transcript), the mean batch size, and the
same without batching (``--max-batch 1``) for comparison. On this 2-core CPU a single
session's segment takes 0.2-0.4 s; the figure that matters for serving is the largest N whose
p95 stays under a target (``--target-ms``; 100 ms is the GPU target).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def load_clips(limit: int = 24) -> list:
    import numpy as np
    import soundfile as sf
    import soxr

    folder = REPO / "tests" / "data" / "real-speech"
    clips = []
    for entry in json.loads((folder / "manifest.json").read_text())["clips"]:
        audio, rate = sf.read(folder / entry["file"], dtype="float32", always_2d=True)
        mono = soxr.resample(audio.mean(axis=1), rate, 16_000).astype(np.float32)
        clips.append(mono[: 16_000 * 8])  # segments end at pauses: a few seconds each
    return clips[:limit]


def batch_cost(stt, clips, sizes: list[int], repeats: int) -> None:
    """CPU seconds per segment against the batch size, decoding straight through the service's
    batched call: a figure the machine's other load hardly touches (wall time it does), from
    which the capacity of an idle machine follows (cores / CPU seconds per segment)."""
    import time

    from voice_interviewer.stt.service import ServiceConfig, TranscriberService, _Request

    service = TranscriberService(stt, ServiceConfig())
    prompt = stt.initial_prompt()
    for size in sizes:
        cpu, wall = [], []
        for r in range(repeats):
            batch = [
                _Request(f"s{i}", clips[(r + i) % len(clips)], 0.0, prompt, None, 0.0)  # type: ignore[arg-type]
                for i in range(size)
            ]
            c0, w0 = time.process_time(), time.perf_counter()
            service.decode(batch)
            cpu.append((time.process_time() - c0) / size)
            wall.append(time.perf_counter() - w0)
        print(
            f"batch {size:2d}: {min(cpu) * 1000:6.0f} ms CPU per segment (best of {repeats}), "
            f"wall {min(wall):5.2f} s per batch  (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", default="1,2,4,8")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--max-batch", default="8,1", help="batch limits to compare")
    parser.add_argument("--max-wait-ms", type=float, default=10.0)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--target-ms", type=float, default=100.0)
    parser.add_argument("--json", default=None)
    parser.add_argument("--batch-cost", default=None, metavar="SIZES", help="e.g. 1,2,4,8")
    args = parser.parse_args()

    from voice_interviewer.stt import Transcriber, TranscriberConfig
    from voice_interviewer.stt.service import ServiceConfig, TranscriberService
    from voice_interviewer.stt.streams import run_streams

    stt = Transcriber(TranscriberConfig(device=args.device))
    stt.warm_up()
    clips = load_clips()
    if args.batch_cost:
        batch_cost(stt, clips, [int(x) for x in args.batch_cost.split(",")], 3)
        return
    print(
        f"STT on {stt.device} ({stt.compute_type}), {stt.cpu_threads} threads; {len(clips)} clips"
    )
    rows = []
    for max_batch in map(int, args.max_batch.split(",")):
        service = TranscriberService(
            stt, ServiceConfig(max_batch=max_batch, max_wait_ms=args.max_wait_ms)
        )
        for n in map(int, args.streams.split(",")):
            load = run_streams(service, clips, n, args.seconds, prompt=stt.initial_prompt())
            row = {
                "max_batch": max_batch,
                "streams": n,
                "segments": len(load.latencies),
                "p50_ms": load.p50 * 1000,
                "p95_ms": load.p95 * 1000,
                "mean_batch": load.mean_batch,
                "load_average": os.getloadavg()[0],
            }
            rows.append(row)
            print(
                f"max_batch {max_batch}  streams {n:3d}: {row['segments']:4d} segments, "
                f"p50 {row['p50_ms']:7.0f} ms, p95 {row['p95_ms']:7.0f} ms, mean batch "
                f"{row['mean_batch']:.1f}  (load {row['load_average']:.1f})",
                flush=True,
            )
        service.close()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
