"""Progress across sessions: the ratings and the speech analytics of each, oldest first, as a
terminal table and as an HTML page with plots."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any

from voice_interviewer.interview.content import RUBRIC_AREAS
from voice_interviewer.session import svg_plots
from voice_interviewer.session.analytics import analyse
from voice_interviewer.session.record import SessionRecord

LEVELS = ("Novice", "Intermediate", "Expert")
SHORT = {"Novice": "N", "Intermediate": "I", "Expert": "E"}
AREA_SHORT = {
    "feature_engineering": "FE",
    "model_serving": "MS",
    "monitoring": "MD",
    "experiment_design": "ED",
}


@dataclass(frozen=True)
class ProgressRow:
    """One session's figures. Speech figures are ``None`` for typed sessions (not measured)."""

    session_id: str
    date: str
    mode: str
    problem: str | None
    finished: bool
    ratings: dict[str, str] = field(default_factory=dict)
    hints: int = 0
    words_per_minute: float | None = None
    fillers_per_minute: float | None = None
    candidate_share: float | None = None
    first_word_after_s: float | None = None
    long_pauses: int | None = None

    @property
    def score(self) -> float | None:
        """Mean rating, Novice = 1 to Expert = 3 (None before a scorecard)."""
        if not self.ratings:
            return None
        return sum(LEVELS.index(r) + 1 for r in self.ratings.values()) / len(self.ratings)


def row(record: SessionRecord) -> ProgressRow:
    a = analyse(record)
    o = a.overall
    ratings = {x.area: x.rating for x in record.scorecard.areas} if record.scorecard else {}
    return ProgressRow(
        record.session_id,
        record.created,
        record.mode,
        record.problem_id,
        record.ended,
        ratings,
        o.hints,
        o.words_per_minute,
        o.fillers_per_minute,
        o.candidate_share,
        o.first_word_after_s,
        o.long_pauses if a.available else None,
    )


def to_json(rows: list[ProgressRow]) -> list[dict[str, Any]]:
    return [{**asdict(r), "score": r.score} for r in rows]


def _v(x: float | None, fmt: str = "{:.0f}") -> str:
    return "-" if x is None else fmt.format(x)


def _trend(first: float | None, last: float | None, better_up: bool) -> str:
    if first is None or last is None or abs(last - first) < 1e-9:
        return "="
    return "better" if (last > first) == better_up else "worse"


def table(rows: list[ProgressRow]) -> str:
    """The terminal table: one line per session, then the change from first to last."""
    if not rows:
        return "No saved sessions yet. Start one: voice-interviewer interview --text"
    areas = "/".join(AREA_SHORT[a] for a in RUBRIC_AREAS)
    out = [
        f"{'date':<11} {'id':<25} {'problem':<22} {areas:<12} {'hints':>5} {'wpm':>5} "
        f"{'fill/min':>8} {'talk%':>6} {'1st word':>8}"
    ]
    for r in rows:
        ratings = "/".join(SHORT[r.ratings[a]] for a in RUBRIC_AREAS if a in r.ratings) or "-"
        mark = "" if r.finished else " *"
        out.append(
            f"{r.date[:10]:<11} {r.session_id + mark:<25} {(r.problem or '-')[:22]:<22} "
            f"{ratings:<12} "
            f"{r.hints:>5} {_v(r.words_per_minute):>5} {_v(r.fillers_per_minute, '{:.1f}'):>8} "
            f"{_v(None if r.candidate_share is None else r.candidate_share * 100):>6} "
            f"{_v(r.first_word_after_s, '{:.1f}s'):>8}"
        )
    scored = [r for r in rows if r.ratings]
    if len(scored) >= 2:
        first, last = scored[0], scored[-1]
        out.append("")
        out.append(
            f"Since {first.date[:10]}: mean rating {first.score:.2f} -> {last.score:.2f} "
            f"({_trend(first.score, last.score, True)})"
        )
        for a in RUBRIC_AREAS:
            if a in first.ratings and a in last.ratings and first.ratings[a] != last.ratings[a]:
                out.append(f"  {a.replace('_', ' ')}: {first.ratings[a]} -> {last.ratings[a]}")
    spoken = [r for r in rows if r.fillers_per_minute is not None]
    if len(spoken) >= 2:
        f, la = spoken[0], spoken[-1]
        out.append(
            f"Fillers per minute {f.fillers_per_minute:.1f} -> {la.fillers_per_minute:.1f} "
            f"({_trend(f.fillers_per_minute, la.fillers_per_minute, False)})"
        )
    if any(r.words_per_minute is None for r in rows):
        out.append("- : not measured (typed sessions have no speech timings; no scorecard yet)")
    if not all(r.finished for r in rows):
        out.append("* unfinished")
    return "\n".join(out)


def html(rows: list[ProgressRow]) -> str:
    """A progress page: ratings per area and speech figures over sessions, plus the table."""
    from voice_interviewer.session.html_report import page

    labels = [(float(i), f"#{i + 1}") for i in range(len(rows))]
    # Areas often share a rating; a small offset per area keeps every line visible.
    rating_series = [
        (
            a.replace("_", " "),
            [
                (float(i), LEVELS.index(r.ratings[a]) + 1 + (k - 1.5) * 0.04)
                for i, r in enumerate(rows)
                if a in r.ratings
            ],
        )
        for k, a in enumerate(RUBRIC_AREAS)
    ]
    if any(pts for _, pts in rating_series):
        ratings_plot = svg_plots.lines(
            "plot-ratings",
            "Rating per rubric area",
            [s for s in rating_series if s[1]],
            x_label="session",
            y_max=3.0,
            x_ticks=labels,
            y_ticks=[(0.0, ""), (1.0, "Novice"), (2.0, "Interm."), (3.0, "Expert")],
        )
    else:
        ratings_plot = svg_plots.empty(
            "plot-ratings", "Rating per rubric area", "No scorecards yet."
        )
    speech = [
        (
            "words / min",
            [
                (float(i), r.words_per_minute)
                for i, r in enumerate(rows)
                if r.words_per_minute is not None
            ],
        ),
        (
            "fillers / min x10",
            [
                (float(i), r.fillers_per_minute * 10)
                for i, r in enumerate(rows)
                if r.fillers_per_minute is not None
            ],
        ),
    ]
    if any(pts for _, pts in speech):
        speech_plot = svg_plots.lines(
            "plot-speech",
            "Speaking rate and fillers",
            [(n, [(x, y) for x, y in pts if y is not None]) for n, pts in speech],
            x_label="session",
            x_ticks=labels,
        )
    else:
        speech_plot = svg_plots.empty(
            "plot-speech",
            "Speaking rate and fillers",
            "Needs spoken sessions: typed ones are not timed.",
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "#",
            "Date",
            "Session",
            "Problem",
            *[AREA_SHORT[a] for a in RUBRIC_AREAS],
            "Hints",
            "Words/min",
            "Fillers/min",
            "Talk share",
        )
    )
    body = []
    for i, r in enumerate(rows):
        cells = [
            str(i + 1),
            r.date[:10],
            r.session_id,
            r.problem or "-",
            *[r.ratings.get(a, "-") for a in RUBRIC_AREAS],
            str(r.hints),
            _v(r.words_per_minute),
            _v(r.fillers_per_minute, "{:.1f}"),
            _v(None if r.candidate_share is None else r.candidate_share * 100, "{:.0f}%"),
        ]
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    content = (
        "<header><h1>Your progress</h1><div>" + f"{len(rows)} session(s)" + "</div></header><main>"
        '<section id="progress-plots"><h2>Over time</h2><div class="plots">'
        + ratings_plot
        + speech_plot
        + "</div></section>"
        '<section id="progress-table"><h2>Sessions</h2><table><tr>'
        + head
        + "</tr>"
        + "".join(body)
        + "</table></section></main>"
    )
    return page("Interview progress", content)
