"""Synthesize interview answers with the bundled Piper voice, for replay demos, end-to-end tests
and the latency benchmark: python scripts/make_answers.py OUT_DIR [--set demo|bench].

Each answer is one WAV (16 kHz mono); "[pause 1.5]" inside an answer inserts a thinking pause.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from voice_interviewer.answers import BENCH, DEMO, synthesize_answers

__all__ = ["BENCH", "DEMO", "synthesize_answers"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--set", choices=("demo", "bench"), default="demo")
    args = parser.parse_args()
    texts = DEMO if args.set == "demo" else BENCH
    for path in synthesize_answers(texts, args.out):
        print(path)


if __name__ == "__main__":
    main()
