"""Latency benchmark (issue 5): python scripts/bench_latency.py [--turns N] [--model local/smollm2] [--json out.json]
[--no-smart-turn] [--no-final-pass]

Same as `voice-interviewer bench`; see voice_interviewer/bench.py for what it measures.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from voice_interviewer.bench import format_report, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=None, help="only the first N answers")
    parser.add_argument(
        "--model", default=None, help="litellm model (default: the director's words)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--real-speech",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "tests" / "data" / "real-speech",
        help="recorded answers with a manifest.json, replayed before the synthesized ones",
    )
    parser.add_argument(
        "--no-smart-turn", action="store_true", help="end turns on silence + transcript only"
    )
    parser.add_argument(
        "--no-final-pass", action="store_true", help="no accurate re-reading of each turn"
    )
    args = parser.parse_args()
    settings = {
        "smart_turn": {"enabled": not args.no_smart_turn},
        "final_pass": {"enabled": not args.no_final_pass},
    }
    print(
        format_report(
            run(args.turns, args.model, args.json, settings=settings, real_speech=args.real_speech)
        )
    )


if __name__ == "__main__":
    main()
