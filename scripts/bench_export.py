"""Export time against session length, to show that every export is linear in the turns.

A short real text interview gives the session header, the phases and the scorecard; a
synthetic journal of N turn pairs is built around them, each candidate turn with word
timestamps and each interviewer turn with what was heard and its latency figures, as a
long spoken session has. Then the record is loaded and each export format is timed in CPU
seconds of this process (wall time on a shared machine measures the other processes too).

    python scripts/bench_export.py                      # 10k and 40k turns
    python scripts/bench_export.py --turns 2000 8000    # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("md", "json", "html", "srt", "vtt")
ANSWER = (
    "We keep the user and item features in a feature store with point in time joins, and "
    "we refresh the counts from the stream every five minutes"
).split()
REPLY = "Good. How would you keep the training features consistent with the serving ones?"


def real_session(home: Path) -> list[dict]:
    """The journal of a short finished text interview (header, turns, events, scorecard)."""
    os.environ["VOICE_INTERVIEWER_HOME"] = str(home)
    from voice_interviewer.clock import VirtualClock
    from voice_interviewer.interview.content import load_content
    from voice_interviewer.session.events import encode
    from voice_interviewer.session.journal import read_journal
    from voice_interviewer.session.live import InterviewSession, SessionOptions

    clock = VirtualClock()
    session = InterviewSession.start(
        load_content(), clock, SessionOptions(mode="replay", problem_id="recommendation")
    )
    session.open()
    for text in (
        "I build ranking models for search at a marketplace.",
        "The objective is revenue per session, from clickstream logs and purchases.",
        " ".join(ANSWER),
        "end the interview",
    ):
        clock.advance(60)
        session.respond(text)
    session.close()
    return [encode(e) for e in read_journal(session.journal.path).events]


def synthetic_journal(path: Path, template: list[dict], pairs: int) -> None:
    """``pairs`` candidate/interviewer turn pairs around the real session's header and scorecard."""
    header = next(e for e in template if e["type"] == "session")
    state = [e for e in template if e["type"] == "state"][-1]
    tail = [e for e in template if e["type"] in ("scorecard", "end")]
    t = 0.0
    with path.open("w", encoding="utf-8") as f:

        def put(event: dict) -> None:
            f.write(json.dumps(event, separators=(",", ":")) + "\n")

        put(header)
        phases = [p["phase"] for p in state["phases"]] or ["requirements"]
        for i in range(pairs):
            phase = phases[min(i * len(phases) // pairs, len(phases) - 1)]
            start = t + 0.6
            words = [
                [w, round(start + k * 0.3, 3), round(start + k * 0.3 + 0.25, 3)]
                for k, w in enumerate(ANSWER)
            ]
            t = start + (len(ANSWER) - 1) * 0.3 + 0.25  # the last word's end
            put(
                {
                    "type": "turn",
                    "index": 2 * i + 1,
                    "speaker": "candidate",
                    "text": " ".join(ANSWER),
                    "phase": phase,
                    "t": t,
                    "t_speech_end": t,
                    "t_endpoint": t + 0.4,
                    "words": words,
                }
            )
            put(
                {
                    "type": "turn",
                    "index": 2 * i + 2,
                    "speaker": "interviewer",
                    "text": REPLY,
                    "phase": phase,
                    "t": t + 0.5,
                }
            )
            put(
                {
                    "type": "timing",
                    "turn": 2 * i + 2,
                    "t_speech_end": t,
                    "t_endpoint": t + 0.4,
                    "t_first_audio": t + 1.1,
                    "response_latency": 0.7,
                    "voice_to_voice": 1.1,
                }
            )
            put(
                {
                    "type": "said",
                    "turn": 2 * i + 2,
                    "text": REPLY,
                    "full_text": REPLY,
                    "interrupted": False,
                }
            )
            if i % 50 == 0:
                put(
                    {
                        "type": "event",
                        "kind": "probe",
                        "turn": 2 * i + 1,
                        "detail": "feature store: point-in-time correctness",
                        "data": {},
                    }
                )
            t += 6.0
        put({**state, "elapsed": t})
        for event in tail:
            put(event)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--turns",
        type=int,
        nargs="+",
        default=[10_000, 40_000],
        help="session lengths in turns (candidate + interviewer)",
    )
    args = parser.parse_args()
    from voice_interviewer.interview.content import load_content
    from voice_interviewer.session.export import export_session
    from voice_interviewer.session.record import load_record

    content = load_content()
    with tempfile.TemporaryDirectory() as tmp:
        template = real_session(Path(tmp) / "seed")
        rows = []
        for turns in args.turns:
            directory = Path(tmp) / "sessions" / f"bench-{turns}"
            directory.mkdir(parents=True)
            synthetic_journal(directory / "journal.jsonl", template, turns // 2)
            t0 = time.process_time()
            record = load_record(directory)
            figures = {"load": time.process_time() - t0}
            for fmt in FORMATS:
                out = Path(tmp) / f"out-{turns}-{fmt}"
                out.mkdir()
                t0 = time.process_time()
                export_session(record, content, {fmt}, out)
                figures[fmt] = time.process_time() - t0
            rows.append((turns, figures))
    print(f"{'turns':>7} " + " ".join(f"{k:>8}" for k in ("load", *FORMATS)) + "   (CPU seconds)")
    for turns, figures in rows:
        print(f"{turns:>7} " + " ".join(f"{figures[k]:8.2f}" for k in ("load", *FORMATS)))
    if len(rows) > 1:
        (n0, f0), (n1, f1) = rows[0], rows[-1]
        print(
            f"\n{n1 / n0:.1f}x the turns took, per format: "
            + ", ".join(f"{k} {f1[k] / max(f0[k], 1e-9):.1f}x" for k in ("load", *FORMATS))
            + " (linear: about the same factor; quadratic: its square)"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
