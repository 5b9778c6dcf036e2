"""Write docs/fidelity.md: the director's area ratings for the calibration sets against the
expert ratings, with the agreement tables and the confusion matrices.

    .venv/bin/python scripts/fidelity_report.py                 # writes docs/fidelity.md
    .venv/bin/python scripts/fidelity_report.py --check         # exit 1 if it is out of date
    .venv/bin/python scripts/fidelity_report.py --set heldout   # prints one set's report

docs/fidelity.md covers the sets in DOCUMENTED (the tuned set and the authored set). The
held-out set (tests/calibration/heldout/) is the lead's blind measure of generalisation: it is
never written to the docs, only printed with ``--set heldout`` (or ``--set all``).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from voice_interviewer.interview.calibration import (
    Result,
    agreement,
    confusion,
    load_candidates,
    run,
)
from voice_interviewer.interview.content import RUBRIC_AREAS, load_content
from voice_interviewer.interview.scoring import LEVELS

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "tests" / "calibration"
SETS = {
    "candidates": "the tuned set: the rules were tuned on these candidates",
    "authored": "the authored set: rounds written by a second interviewer, each before the director"
    " was run on it, to test generalisation (natural hint requests, plain-words monitoring and"
    " experiments, over-crediting); now tuned on",
    "heldout": "the held-out set: the lead's blind measure, never tuned on",
}
DOCUMENTED = ("candidates", "authored")
OUT = ROOT / "docs" / "fidelity.md"
SHORT = {
    "feature_engineering": "FE",
    "model_serving": "MS",
    "monitoring": "MD",
    "experiment_design": "ED",
}


def results_for(content, name: str) -> list[Result]:
    folder = CALIBRATION / name
    if not folder.is_dir():
        raise SystemExit(f"no calibration set {folder}: expected one of {', '.join(SETS)}")
    return [run(content, c) for c in load_candidates(folder)]


def summary(results: list[Result]) -> str:
    agree, total, far = agreement(results)
    return (
        f"**Agreement: {agree} of {total} area ratings ({agree / total:.1%}); "
        f"{far} two levels apart.**"
    )


def section(title: str, results: list[Result], level: int = 2) -> list[str]:
    """One set's tables: agreement by area and profile, the confusion matrix, every
    candidate, and the disagreements with the expert's reason."""
    h = "#" * level
    lines = [f"{h} {title}", "", summary(results), "", f"{h}# Agreement by area", ""]
    lines += ["| area | agree | of | share |", "| --- | ---: | ---: | ---: |"]
    for area in RUBRIC_AREAS:
        hits = sum(r.ratings[area] == r.candidate.expected[area] for r in results)
        lines.append(f"| {area} | {hits} | {len(results)} | {hits / len(results):.0%} |")
    lines += [
        "",
        f"{h}# Agreement by profile",
        "",
        "| profile | agree | of |",
        "| --- | ---: | ---: |",
    ]
    by_profile: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for area in RUBRIC_AREAS:
            by_profile[r.candidate.profile][0] += r.ratings[area] == r.candidate.expected[area]
            by_profile[r.candidate.profile][1] += 1
    for profile, (hits, of) in sorted(by_profile.items()):
        lines.append(f"| {profile} | {hits} | {of} |")
    counts = confusion(results)
    lines += [
        "",
        f"{h}# Confusion matrix",
        "",
        "Rows: the expert's rating. Columns: the director's.",
        "",
        "| expert \\ director | " + " | ".join(LEVELS) + " |",
        "| --- | " + " | ".join("---:" for _ in LEVELS) + " |",
    ]
    for expected in LEVELS:
        row = " | ".join(str(counts[(expected, got)]) for got in LEVELS)
        lines.append(f"| **{expected}** | {row} |")
    lines += [
        "",
        f"{h}# Every candidate",
        "",
        "Director's rating, then the expert's where they differ.",
        "",
        "| candidate | problem | profile | FE | MS | MD | ED |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        cells = []
        for area in RUBRIC_AREAS:
            got, want = r.ratings[area], r.candidate.expected[area]
            cells.append(got if got == want else f"**{got}** (expert: {want})")
        c = r.candidate
        lines.append(f"| `{c.id}` | {c.problem} | {c.profile} | " + " | ".join(cells) + " |")
    lines += ["", f"{h}# Disagreements, with the expert's reason", ""]
    disagreements = [
        f"- `{r.candidate.id}` {SHORT[area]}: director {r.ratings[area]}, expert "
        f"{r.candidate.expected[area]}. Expert: {r.candidate.reasons[area]}"
        for r in results
        for area in r.disagreements()
    ]
    lines += disagreements or ["None."]
    others = [line for r in results for line in r.other_failures()]
    if any(r.candidate.hints is not None or r.candidate.evidence for r in results):
        lines += ["", f"{h}# Hints heard, pushback and quotes", ""]
        lines += [f"- {line}" for line in others] or [
            "Every hint request heard, every pushback as expected, every pinned quote found."
        ]
    return lines


def report(sets: dict[str, list[Result]]) -> str:
    everything = [r for results in sets.values() for r in results]
    lines = [
        "# Fidelity: the director's ratings against an expert's",
        "",
        "Generated by `scripts/fidelity_report.py` from the calibration sets in",
        "`tests/calibration/` (scripted candidates whose ratings a Principal ML engineer wrote",
        "before the director was run on them; see `tests/calibration/README.md` and",
        "`tests/calibration/authored/README.md`). Each candidate's turns are played through the",
        "director (`voice_interviewer/interview/`) on a virtual clock and the interview is ended",
        "after the last turn. Regenerate with `.venv/bin/python scripts/fidelity_report.py`;",
        "`tests/calibration/` fails when this file is out of date or agreement on either set",
        "drops below 85%. The held-out set is not reported here (`--set heldout` prints it).",
        "",
        f"Both sets together: {summary(everything)}",
        "",
        "| set | candidates | agree | of | share | two levels apart |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, results in sets.items():
        agree, total, far = agreement(results)
        lines.append(
            f"| {name} | {len(results)} | {agree} | {total} | {agree / total:.1%} | {far} |"
        )
    for name, results in sets.items():
        lines += ["", *section(f"`{name}`: {SETS[name]}", results)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/fidelity.md differs")
    parser.add_argument(
        "--set",
        choices=[*SETS, "all"],
        help="print the report of one set (all: every set, the held-out one included) "
        "instead of writing docs/fidelity.md",
    )
    args = parser.parse_args()
    content = load_content()
    if args.set is not None:
        names = list(SETS) if args.set == "all" else [args.set]
        sets = {name: results_for(content, name) for name in names}
        for name, results in sets.items():
            print("\n".join(section(f"`{name}`: {SETS[name]}", results)))
            print()
        everything = [r for results in sets.values() for r in results]
        agree, total, far = agreement(everything)
        print(f"agreement {agree}/{total} = {agree / total:.1%}, two levels apart: {far}")
        return 0
    sets = {name: results_for(content, name) for name in DOCUMENTED}
    text = report(sets)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run scripts/fidelity_report.py", file=sys.stderr)
            return 1
    else:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}")
    for name, results in sets.items():
        agree, total, far = agreement(results)
        print(f"{name}: agreement {agree}/{total} = {agree / total:.1%}, two levels apart: {far}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
