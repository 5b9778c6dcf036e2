"""Replay soak: recorded answers played through the real voice loop (the bundled models, the
journal, the stereo recording and interviewer.wav, exactly as `voice-interviewer replay`)
for a set time, printing the process's resident memory every minute.

Answers are synthesized once with the Piper voice (voice_interviewer/answers.py, without the
ones that end the interview) and played round and round; when an interview ends on its own
clock, the next one starts with the same models. Memory should be flat after the warm-up.

    python scripts/soak_replay.py                 # 60 minutes
    python scripts/soak_replay.py --minutes 5     # a short run
    python scripts/soak_replay.py --minutes 2 --interval 10
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="how long to run (60)")
    parser.add_argument(
        "--interval", type=float, default=60.0, help="seconds between memory lines (60)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="minutes of warm-up left out of the verdict (2)"
    )
    parser.add_argument("--log", type=Path, help="where the loop's own output goes")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    os.environ["VOICE_INTERVIEWER_HOME"] = str(tmp / "home")
    from voice_interviewer.answers import BENCH, DEMO, synthesize_answers
    from voice_interviewer.interview.content import load_content
    from voice_interviewer.runtime.app import load_models
    from voice_interviewer.runtime.config import LoopConfig
    from voice_interviewer.runtime.replay import usable_answers
    from voice_interviewer.session.live import InterviewSession, SessionOptions
    from voice_interviewer.voice_commands import play_answers

    t0 = time.monotonic()
    texts = [t for t in DEMO + BENCH if "end the interview" not in t.lower()]
    notes: list[str] = []
    _, answers = usable_answers(synthesize_answers(texts, tmp / "answers"), notes.append)
    models = load_models({})
    print(f"{len(answers)} answers synthesized and models loaded in {time.monotonic() - t0:.0f} s")
    deadline = time.monotonic() + args.minutes * 60
    figures: list[tuple[float, float]] = []
    state = _State()
    done = threading.Event()
    terminal = sys.stdout  # the loop's own output is redirected to the log below

    def sample() -> None:
        start = time.monotonic()
        while not done.wait(args.interval):
            minutes = (time.monotonic() - start) / 60
            figures.append((minutes, rss_mb()))
            print(
                f"{minutes:6.1f} min  RSS {figures[-1][1]:7.1f} MB  (interview {state.sessions})",
                file=terminal,
                flush=True,
            )
            if time.monotonic() >= deadline and state.source is not None:
                state.source.stop()  # the loop ends, and the session is saved

    figures.append((0.0, rss_mb()))
    print(f"   0.0 min  RSS {figures[0][1]:7.1f} MB  (models loaded)", flush=True)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    log = args.log or tmp / "loop.log"
    with log.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        while time.monotonic() < deadline:
            state.sessions += 1
            session = InterviewSession.start(
                load_content(), _clock(), SessionOptions(mode="replay")
            )
            # Enough answers for any interview; the list holds references, not copies.
            rounds = answers * 200
            play_answers(
                session,
                None,
                rounds,
                models,
                LoopConfig(),
                note=lambda m: print(f"replay: {m}", file=sys.stderr),
                on_source=state.watch,
            )
    done.set()
    sampler.join(timeout=5)
    warm = [rss for minute, rss in figures if minute >= args.warmup - 1e-6]
    warm = warm or [figures[-1][1]]
    spread = max(warm) - min(warm)
    print(
        f"\n{state.sessions} interview(s) in {args.minutes:g} min. After the "
        f"{args.warmup:g}-minute warm-up: RSS {warm[0]:.1f} MB, highest {max(warm):.1f} MB, "
        f"last {warm[-1]:.1f} MB; spread {spread:.1f} MB "
        f"({'flat' if spread <= 50 else 'NOT flat'} within 50 MB). Loop output: {log}"
    )
    return 0 if spread <= 50 else 1


class _State:
    """What the memory sampler shows and stops: the interview count and the playing source."""

    def __init__(self) -> None:
        self.sessions = 0
        self.source: Any = None

    def watch(self, source: Any) -> None:
        self.source = source


def _clock():  # type: ignore[no-untyped-def]
    from voice_interviewer.clock import RealClock

    return RealClock(0.0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
