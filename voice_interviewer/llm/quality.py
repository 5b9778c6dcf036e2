"""The LLM quality gate: a fixed interview of candidate turns and the director's moves.

For a model, ``run_gate`` renders every move in order (one conversation, as in a real
interview, so a local model's KV cache is exercised as it would be) and reports the share of
replies that pass the guardrails and keep the director's intent, and the time to first token.
A model below ``GATE_PASS_SHARE`` is not trusted to speak for the director by default.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..messages import InterviewSnapshot, Move, MoveKind
from .guardrails import coverage, question_matches, words
from .renderer import INTENT_COVERAGE, LLMRenderer, RenderStats

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GATE_PASS_SHARE = 0.8
"""Share of gate turns a model must pass to be the default voice of the director."""


GATE_FILE = Path(__file__).with_name("gate_turns.toml")


@dataclass(frozen=True)
class GateTurn:
    """One candidate turn and the move the director made of it."""

    candidate: str
    move: Move


def gate_turns(path: Path = GATE_FILE) -> tuple[GateTurn, ...]:
    """The fixed gate (``gate_turns.toml``): 29 turns of one interview, every kind of move."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    titles = data["phase_titles"]
    turns = []
    for n, row in enumerate(data["turn"]):
        has_problem = row["phase"] != "warmup"
        snapshot = InterviewSnapshot(
            phase=row["phase"],
            phase_title=titles[row["phase"]],
            minutes_left_in_phase=float(row["minutes"]),
            problem_title=data["problem_title"] if has_problem else None,
            problem_question=data["problem_question"] if has_problem else None,
            problem_id=data["problem_id"] if has_problem else None,
            gaps=tuple(row["gaps"]),
            hint_level_earned=int(row["hints"]),
            difficulty="medium",
        )
        move = Move(
            kind=MoveKind(row["kind"]),
            text=row["text"],
            question=row["question"],
            phase=row["phase"],
            turn=n,
            snapshot=snapshot,
        )
        turns.append(GateTurn(row["candidate"], move))
    return tuple(turns)


@dataclass(frozen=True)
class TurnResult:
    """One gate turn: what the renderer did and whether it counts as a pass."""

    n: int
    kind: MoveKind
    phase: str
    stats: RenderStats
    intent_kept: bool

    @property
    def passed(self) -> bool:
        """The LLM's own words, no guardrail broken, and the director's intent kept."""
        return self.stats.clean and self.intent_kept


@dataclass(frozen=True)
class GateReport:
    """The gate's outcome for one model."""

    model: str
    turns: tuple[TurnResult, ...]
    prewarm_s: float
    machine: str = ""
    problems: Counter[str] = field(default_factory=Counter)

    @property
    def pass_share(self) -> float:
        return sum(t.passed for t in self.turns) / max(1, len(self.turns))

    @property
    def clean_share(self) -> float:
        return sum(t.stats.clean for t in self.turns) / max(1, len(self.turns))

    @property
    def passed_gate(self) -> bool:
        return self.pass_share >= GATE_PASS_SHARE

    def _pct(self, values: list[float], q: float) -> float | None:
        if not values:
            return None
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]

    def ttft(self, q: float) -> float | None:
        """A percentile (50, 95) of time to first token, over turns that got one."""
        return self._pct([t.stats.ttft_s for t in self.turns if t.stats.ttft_s is not None], q)

    def first_text(self, q: float) -> float | None:
        """A percentile of time to the first spoken text (LLM clause or fallback)."""
        return self._pct(
            [t.stats.first_text_s for t in self.turns if t.stats.first_text_s is not None], q
        )


def intent_kept(move: Move, said: str) -> bool:
    """Whether ``said`` does what ``move`` meant: its question, its numbers, most of its words."""
    if move.question and not question_matches(said, move.question):
        return False
    facts = [w for w in words(move.text) if any(ch.isdigit() for ch in w)]
    if any(f not in words(said) for f in facts):
        return False
    return coverage(said, move.text) >= INTENT_COVERAGE


def run_gate(renderer: LLMRenderer, turns: Iterable[GateTurn] | None = None) -> GateReport:
    """Render every gate turn in order and score the replies.

    Between turns ``refresh_cache`` runs, as the runtime runs it while the candidate talks.
    """
    t0 = time.monotonic()
    renderer.prewarm()
    prewarm_s = time.monotonic() - t0
    results: list[TurnResult] = []
    problems: Counter[str] = Counter()
    for turn in turns or gate_turns():
        for _ in renderer.render(turn.move, turn.candidate):
            pass
        stats = renderer.last
        renderer.refresh_cache(wait=True)
        assert stats is not None  # render always records its stats
        if stats.problem:
            problems[stats.problem] += 1
        results.append(
            TurnResult(
                n=turn.move.turn,
                kind=turn.move.kind,
                phase=turn.move.phase,
                stats=stats,
                intent_kept=stats.clean and intent_kept(turn.move, stats.text),
            )
        )
    return GateReport(renderer.client.model, tuple(results), prewarm_s, problems=problems)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def format_report(report: GateReport) -> str:
    """The report as markdown (``docs/llm_quality.md`` holds the recorded runs)."""
    lines = [
        f"### `{report.model}`" + (f" on {report.machine}" if report.machine else ""),
        "",
        f"- passed: **{sum(t.passed for t in report.turns)} of {len(report.turns)} turns "
        f"({report.pass_share:.0%})**; gate threshold {GATE_PASS_SHARE:.0%}: "
        f"**{'PASS' if report.passed_gate else 'FAIL'}**",
        f"- replies with no guardrail broken: {report.clean_share:.0%}",
        f"- time to first token: p50 {_s(report.ttft(50))}, p95 {_s(report.ttft(95))}",
        f"- time to first spoken text (LLM clause or fallback): p50 {_s(report.first_text(50))}, "
        f"p95 {_s(report.first_text(95))}",
        f"- start-up (import, load, system prompt): {report.prewarm_s:.1f} s",
        "- broken rules: "
        + (", ".join(f"{k} {v}" for k, v in report.problems.most_common()) or "none"),
        "",
        "| # | phase | move | pass | rule broken | TTFT | first text | reply (as spoken) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in report.turns:
        text = " ".join(t.stats.text.split())
        text = (text[:140] + "...") if len(text) > 140 else text
        text = text.replace("|", "/")
        rule = t.stats.problem or ("intent" if not t.intent_kept and t.stats.clean else "")
        lines.append(
            f"| {t.n} | {t.phase} | {t.kind.value} | {'yes' if t.passed else 'no'} | {rule} | "
            f"{_s(t.stats.ttft_s)} | {_s(t.stats.first_text_s)} | {text} |"
        )
    return "\n".join(lines) + "\n"
