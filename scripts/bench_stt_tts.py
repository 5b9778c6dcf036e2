"""Benchmark the speech stages on this machine: STT seconds per clip, Piper first chunk and RTF.

    python scripts/bench_stt_tts.py [--runs 7] [--beam 1 2] [--audio DIR]

STT clips are real speech from ``audio/real-speech`` (DESIGN.md's "3 s and 8 s clips"):
LJ001-0013 padded with silence to 3.0 s, and the first 8.0 s of jfk.flac (which end in a
pause). Every figure is the median of ``--runs`` runs after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

REPLY = (
    "That's a good start. How would you keep the features consistent between training and "
    "serving? Walk me through the online path, and tell me what the p99 latency budget is."
)
FIRST_CLAUSES = ("That's a good start.", "How would you keep the features consistent?")


def _audio_dir(given: str | None) -> Path:
    for candidate in (
        given,
        os.environ.get("VOICE_INTERVIEWER_REAL_SPEECH"),
        REPO / "shared" / "audio" / "real-speech",
        REPO.parent / "shared" / "audio" / "real-speech",
    ):
        if candidate and (Path(candidate) / "manifest.json").is_file():
            return Path(candidate)
    raise SystemExit("audio/real-speech not found; pass --audio DIR")


def _load_16k(path: Path) -> np.ndarray:
    import soundfile as sf
    import soxr

    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    return soxr.resample(audio.mean(axis=1), rate, 16_000).astype(np.float32)


def _times(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _load_average() -> str:
    # Other work on a 2-core machine inflates every figure; print it so the numbers can be
    # judged (the minimum is shown next to the median for the same reason).
    return "n/a" if not hasattr(os, "getloadavg") else f"{os.getloadavg()[0]:.2f}"


def bench_stt(folder: Path, runs: int, beams: list[int]) -> None:
    from voice_interviewer.stt import Transcriber, TranscriberConfig

    short = _load_16k(folder / "LJ001-0013.wav")
    clips = {
        "3 s": np.concatenate([short, np.zeros(max(0, 48_000 - short.size), np.float32)]),
        "8 s": _load_16k(folder / "jfk.flac")[: 8 * 16_000],
    }
    for beam in beams:
        t0 = time.perf_counter()
        stt = Transcriber(TranscriberConfig(beam_size=beam))
        load = time.perf_counter() - t0
        warm = stt.warm_up()
        print(
            f"STT tiny.en beam={beam} on {stt.device} ({stt.compute_type}, "
            f"{stt.cpu_threads} threads): load {load:.2f} s, warm-up {warm:.2f} s"
        )
        for name, audio in clips.items():
            text = stt.transcribe(audio).text
            times = _times(lambda a=audio, s=stt: s.transcribe(a), runs)
            print(
                f"  {name} clip: median {statistics.median(times):.3f} s, "
                f"min {min(times):.3f} s  ({text[:60]!r})"
            )


def bench_tts(runs: int) -> None:
    from voice_interviewer.tts import Synthesizer

    t0 = time.perf_counter()
    tts = Synthesizer()
    load = time.perf_counter() - t0
    warm = tts.warm_up()
    print(
        f"TTS Piper {tts.voice_path.name} at {tts.sample_rate} Hz: load {load:.2f} s, "
        f"warm-up {warm:.2f} s"
    )

    for clause in FIRST_CLAUSES:

        def first_chunk(text: str = clause) -> None:
            next(iter(tts.synthesize(text)))

        times = _times(first_chunk, runs)
        print(
            f"  first chunk of {clause!r}: median {statistics.median(times) * 1000:.0f} ms, "
            f"min {min(times) * 1000:.0f} ms"
        )

    first, rtfs = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        samples = 0
        for i, chunk in enumerate(tts.synthesize(REPLY)):
            if i == 0:
                first.append(time.perf_counter() - t0)
            samples += chunk.pcm.size
        rtfs.append((time.perf_counter() - t0) / (samples / tts.sample_rate))
    print(
        f"  3-sentence reply: first chunk {statistics.median(first) * 1000:.0f} ms, "
        f"real-time factor median {statistics.median(rtfs):.3f}, min {min(rtfs):.3f}"
    )
    print(f"load average after: {_load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--beam", type=int, nargs="+", default=[1, 2], help="STT beam sizes")
    parser.add_argument("--audio", help="the audio/real-speech folder")
    parser.add_argument("--skip-stt", action="store_true")
    parser.add_argument("--skip-tts", action="store_true")
    args = parser.parse_args()

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    print(
        f"machine: {cpu}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
        f"load average {_load_average()}"
    )
    if not args.skip_stt:
        bench_stt(_audio_dir(args.audio), args.runs, args.beam)
    if not args.skip_tts:
        bench_tts(args.runs)


if __name__ == "__main__":
    main()
