"""The director's time per move: every turn of the calibration candidates
(tests/calibration/candidates/, or another set with --set) played through ``Director.respond`` on a virtual clock,
including the wrap-up that builds the scorecard, plus the ``fork()`` the voice loop makes for
a speculative turn at every segment pause. Prints p50/p95/max of the wall time and of the
thread's CPU time (the wall time on a busy machine includes waiting for a core, which the
CPU time does not); the budget is p95 <= 20 ms.

    .venv/bin/python scripts/bench_director.py [--rounds 3] [--set all] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from voice_interviewer.clock import VirtualClock
from voice_interviewer.interview.calibration import END, TURN_SECONDS, load_candidates
from voice_interviewer.interview.content import load_content
from voice_interviewer.interview.director import Director

ROOT = Path(__file__).resolve().parents[1]
BUDGET_P95_MS = 20.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


SETS = ("candidates", "authored", "heldout")


def measure(rounds: int, sets: tuple[str, ...] = ("candidates",)) -> dict[str, object]:
    content = load_content()
    candidates = [
        c for name in sets for c in load_candidates(ROOT / "tests" / "calibration" / name)
    ]
    moves: list[float] = []
    cpu: list[float] = []
    forks: list[float] = []
    words: list[int] = []
    for _ in range(rounds):
        for candidate in candidates:
            clock = VirtualClock()
            director = Director(content, clock, problem_id=candidate.problem)
            director.open()
            for text in (*candidate.turns, END):
                if director.finished:
                    break
                clock.advance(TURN_SECONDS)
                t0 = time.perf_counter()
                speculative = director.fork()
                forks.append(time.perf_counter() - t0)
                del speculative
                t0, c0 = time.perf_counter(), time.thread_time()
                director.respond(text)
                moves.append(time.perf_counter() - t0)
                cpu.append(time.thread_time() - c0)
                words.append(len(text.split()))
    ms = [m * 1000 for m in moves]
    cpu_ms = [c * 1000 for c in cpu]
    fork_ms = [f * 1000 for f in forks]
    return {
        "moves": len(ms),
        "candidates": len(candidates),
        "rounds": rounds,
        "move_p50_ms": round(statistics.median(ms), 2),
        "move_p95_ms": round(percentile(ms, 0.95), 2),
        "move_max_ms": round(max(ms), 2),
        "move_cpu_p50_ms": round(statistics.median(cpu_ms), 2),
        "move_cpu_p95_ms": round(percentile(cpu_ms, 0.95), 2),
        "fork_p50_ms": round(statistics.median(fork_ms), 3),
        "fork_p95_ms": round(percentile(fork_ms, 0.95), 3),
        "turn_words_p95": percentile([float(w) for w in words], 0.95),
        "budget_p95_ms": BUDGET_P95_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each candidate is played")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--set", choices=[*SETS, "all"], default="candidates", help="calibration set(s) to play"
    )
    args = parser.parse_args()
    figures = measure(args.rounds, SETS if args.set == "all" else (args.set,))
    print(
        f"director, {figures['moves']} moves ({figures['candidates']} candidates x "
        f"{figures['rounds']}): p50 {figures['move_p50_ms']} ms, p95 {figures['move_p95_ms']} ms, "
        f"max {figures['move_max_ms']} ms (budget p95 <= {BUDGET_P95_MS:g} ms)"
    )
    print(
        f"  CPU time per move: p50 {figures['move_cpu_p50_ms']} ms, "
        f"p95 {figures['move_cpu_p95_ms']} ms"
    )
    print(
        f"fork for a speculative turn: p50 {figures['fork_p50_ms']} ms, "
        f"p95 {figures['fork_p95_ms']} ms"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if float(figures["move_p95_ms"]) <= BUDGET_P95_MS else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
