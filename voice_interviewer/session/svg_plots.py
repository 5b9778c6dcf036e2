"""Small inline-SVG charts for the HTML reports: bars (grouped or stacked) and lines.

Generated here rather than with a plotting library so the report stays one offline file with
no JavaScript chart code and no extra dependency. Every chart carries a <title> and an
aria-label, so it reads out in a screen reader and is findable in tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

WIDTH, HEIGHT = 510, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 44, 46  # the title and legend rows sit above TOP
COLORS = ("#2f6fde", "#e0822c", "#2aa876", "#b04fc4", "#c9404a", "#6b7280")


def _nice_max(value: float) -> float:
    """A round axis top at or above ``value`` whose fifths are round too."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):  # each splits evenly into 5 ticks
        if step * power >= value:
            return step * power
    return 10 * power


def _frame(
    chart_id: str,
    title: str,
    y_max: float,
    y_label: str,
    body: list[str],
    legend: Sequence[str],
    y_ticks: Sequence[tuple[float, str]] = (),
) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    out = [
        f'<svg id="{escape(chart_id)}" class="plot" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" class="plot-title">{escape(title)}</text>',
    ]
    ticks = y_ticks or [
        (y_max * i / 5, f"{y_max * i / 5:.0f}" if y_max >= 5 else f"{y_max * i / 5:.2g}")
        for i in range(6)
    ]
    for value, label in ticks:
        y = TOP + plot_h - plot_h * value / y_max
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{escape(label)}</text>"
        )
    out.append(
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" class="axis" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    out += body
    x = LEFT  # the legend gets its own row under the title, so neither can hide the other
    for i, name in enumerate(legend):
        out.append(
            f'<rect x="{x}" y="22" width="10" height="10" fill="{COLORS[i % len(COLORS)]}"/>'
        )
        out.append(f'<text x="{x + 14}" y="31" class="tick">{escape(name)}</text>')
        x += 24 + 6 * len(name)
    out.append("</svg>")
    return "\n".join(out)


def bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_label: str = "",
    stacked: bool = False,
    y_max: float | None = None,
) -> str:
    """A bar chart: one group per label, one bar (or stack segment) per series. ``None``
    values are left out (not drawn as zero)."""
    totals = [
        sum(v or 0.0 for _, vs in series for v in [vs[i]])
        if stacked
        else max((v or 0.0 for _, vs in series for v in [vs[i]]), default=0.0)
        for i in range(len(labels))
    ]
    y_max = y_max or _nice_max(max(totals, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(labels), 1)
    n = 1 if stacked else max(len(series), 1)
    bar_w = min(40.0, group * 0.7 / n)
    body = []
    for i, label in enumerate(labels):
        x0 = LEFT + group * i + (group - bar_w * n) / 2
        base = 0.0
        for j, (name, values) in enumerate(series):
            v = values[i]
            if v is None:
                continue
            h = plot_h * v / y_max
            x = x0 if stacked else x0 + j * bar_w
            y = TOP + plot_h - h - (plot_h * base / y_max if stacked else 0)
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLORS[j % len(COLORS)]}"><title>{escape(name)} {escape(label)}: '
                f"{v:.3g}</title></rect>"
            )
            if stacked:
                base += v
        short = label if len(label) <= 16 else label[:15] + "\u2026"
        body.append(
            f'<text x="{LEFT + group * (i + 0.5):.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle" class="tick">{escape(short)}</text>'
        )
    return _frame(chart_id, title, y_max, y_label, body, [name for name, _ in series])


def lines(
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[float, float]]]],
    *,
    x_label: str = "",
    y_label: str = "",
    x_ticks: Sequence[tuple[float, str]] = (),
    x_format: Callable[[float], str] = lambda x: f"{x:.3g}",
    y_max: float | None = None,
    y_ticks: Sequence[tuple[float, str]] = (),
) -> str:
    """A line chart with dots, one line per series of (x, y) points; five x ticks labelled by
    ``x_format`` unless ``x_ticks`` are given."""
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts]
    top = y_max if y_max is not None else _nice_max(max(ys, default=0.0))
    domain = xs + [x for x, _ in x_ticks]  # given ticks widen the axis (sessions with no point)
    lo, hi = (min(domain), max(domain)) if domain else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 10, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + 5 + plot_w * (x - lo) / (hi - lo)

    def py(y: float) -> float:
        return TOP + plot_h - plot_h * min(y, top) / top

    body = []
    for j, (name, pts) in enumerate(series):
        color = COLORS[j % len(COLORS)]
        if len(pts) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            body.append(
                f'<polyline class="line" points="{path}" fill="none" stroke="{color}" '
                'stroke-width="2"/>'
            )
        for x, y in pts:
            body.append(
                f'<circle class="dot" cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(name)}: {y:.3g}</title></circle>"
            )
    ticks = x_ticks or [
        (lo + (hi - lo) * i / 4, x_format(lo + (hi - lo) * i / 4)) for i in range(5)
    ]
    for x, label in ticks:
        body.append(
            f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" class="tick">'
            f"{escape(label)}</text>"
        )
    body.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 30}" text-anchor="middle" '
        f'class="axis">{escape(x_label)}</text>'
    )
    return _frame(chart_id, title, top, y_label, body, [name for name, _ in series], y_ticks)


def empty(chart_id: str, title: str, reason: str) -> str:
    """A placeholder that says why a chart has nothing to show."""
    return (
        f'<figure id="{escape(chart_id)}" class="plot plot-empty"><figcaption>{escape(title)}'
        f"</figcaption><p>{escape(reason)}</p></figure>"
    )
