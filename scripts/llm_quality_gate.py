"""Run the LLM quality gate on a model and report pass share and time to first token.

    python scripts/llm_quality_gate.py --model local/smollm2
    python scripts/llm_quality_gate.py --model ollama/llama3.2 --write docs/llm_quality.md

With ``--write`` the run replaces that model's section of the given markdown file (between
``<!-- gate: LABEL -->`` and ``<!-- /gate: LABEL -->``; the label is the model, plus the
thread count for a local one), or is appended when it has none.
The gate's turns and scoring live in ``voice_interviewer/llm/quality.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_interviewer.llm.config import LLMConfig  # noqa: E402
from voice_interviewer.llm.models import BUNDLED_MODEL, physical_cores  # noqa: E402
from voice_interviewer.llm.quality import format_report, gate_turns, run_gate  # noqa: E402
from voice_interviewer.llm.renderer import LLMRenderer  # noqa: E402
from voice_interviewer.ui.progress import progress  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {physical_cores()} physical cores, load average {load:.1f} at start"


def write_section(path: Path, model: str, body: str) -> None:
    start, end = f"<!-- gate: {model} -->", f"<!-- /gate: {model} -->"
    block = f"{start}\n{body}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=BUNDLED_MODEL)
    parser.add_argument(
        "--first-token-timeout", type=float, default=LLMConfig.first_token_timeout_s
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads for a local model (default: physical cores)"
    )
    parser.add_argument("--seed", type=int, default=0, help="sampling seed, for repeatable runs")
    parser.add_argument("--write", type=Path, help="markdown file to record the run in")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    config = LLMConfig(
        model=args.model,
        first_token_timeout_s=args.first_token_timeout,
        local_threads=args.threads,
        options={"seed": args.seed},
    )
    where = machine()
    label = args.model
    if args.model.startswith("local/"):
        threads = args.threads or physical_cores()
        where += f", {threads} llama.cpp threads"
        label += f" ({threads} threads)"
    turns = gate_turns()
    with progress(f"Quality gate: {label}", total=len(turns)) as bar:
        report = replace(run_gate(LLMRenderer.from_config(config), bar.track(turns)), machine=where)
    text = format_report(report)
    print(text)
    if args.write:
        write_section(args.write, label, text)
    return 0 if report.passed_gate else 1


if __name__ == "__main__":
    raise SystemExit(main())
