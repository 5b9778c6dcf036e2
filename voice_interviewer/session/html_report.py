"""The HTML report: one offline page with the recording, the scorecard whose evidence quotes
play the recording from where they were said, speech analytics with plots, and the transcript.

Everything is inline (CSS, script, SVG plots, and the audio as base64 when it is under
``INLINE_AUDIO_MAX`` bytes; a longer recording is referenced beside the page). The captions
are the exported WebVTT, parsed by the browser itself. ``report.html#t=75`` opens at 1:15.
"""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path
from typing import Any

from voice_interviewer.interview.content import Content
from voice_interviewer.session import subtitles, svg_plots
from voice_interviewer.session.analytics import Analytics, analyse
from voice_interviewer.session.export import Timeline, timeline, to_json
from voice_interviewer.session.record import SessionRecord
from voice_interviewer.session.report_assets import SCRIPT, STYLE

INLINE_AUDIO_MAX = 20 * 1024 * 1024
_MIME = {".flac": "audio/flac", ".wav": "audio/wav"}


def page(title: str, body: str, script: str = "") -> str:
    """A complete, self-contained HTML page with the report style."""
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body></html>\n"
    )


def _clock(seconds: float) -> str:
    m, s = divmod(int(max(seconds, 0)), 60)
    return f"{m}:{s:02d}"


def _audio(audio: Path | None, record: SessionRecord, vtt: str) -> str:
    out = ['<section id="recording"><h2>Recording</h2>']
    if audio is None:
        reason = (
            "This interview was typed, so there is no recording."
            if not record.spoken
            else "The recording is not available (it is missing from the session folder)."
        )
        out.append(f'<p class="note">{reason}</p></section>')
        return "\n".join(out)
    size = audio.stat().st_size
    if size <= INLINE_AUDIO_MAX:
        data = base64.b64encode(audio.read_bytes()).decode("ascii")
        src = f"data:{_MIME.get(audio.suffix, 'audio/wav')};base64,{data}"
        where = "embedded in this page"
    else:
        src = escape(audio.name)
        where = f"in {escape(audio.name)}, kept beside this page"
    out.append(f'<audio id="player" controls preload="auto" src="{src}"></audio>')
    out.append('<p id="now"><span id="position">0:00</span><span id="caption"></span></p>')
    out.append(
        f'<p class="note">Stereo: you on the left, the interviewer on the right; {where}. '
        "Click a time or a quote to play from there.</p>"
    )
    out.append(f'<script type="text/vtt" id="vtt">\n{vtt}</script></section>')
    return "\n".join(out)


def _evidence(ev: dict[str, Any]) -> str:
    quote = escape(f'"{ev["quote"]}"')
    if ev.get("media_t") is not None:
        t = ev["media_t"]
        return (
            f'<li><button class="seek evidence" data-t="{t:.3f}" data-turn="{ev["turn"]}" '
            f'title="Play from {_clock(t)}">&#9654; {_clock(t)} turn {ev["turn"]}: '
            f"{quote}</button></li>"
        )
    return f'<li><a class="evidence" href="#turn-{ev["turn"]}">turn {ev["turn"]}</a>: {quote}</li>'


def _scorecard(data: dict[str, Any]) -> str:
    card = data["scorecard"]
    out = ['<section id="scorecard"><h2>Scorecard</h2>']
    if card is None:
        out.append('<p class="note">The interview did not reach the scorecard.</p></section>')
        return "\n".join(out)
    out.append("<table><tr><th>Area</th><th>Rating</th><th>Why</th><th>Evidence</th></tr>")
    for a in card["areas"]:
        evidence = "".join(_evidence(ev) for ev in a["evidence"]) or "<li>none quoted</li>"
        out.append(
            f'<tr class="area" data-area="{escape(a["area"])}"><td>{escape(a["title"])}</td>'
            f'<td><span class="rating rating-{escape(a["rating"])}">'
            f"{escape(a['rating'])}</span></td>"
            f"<td>{escape(a['justification'])}</td>"
            f"<td><ul class='evidence-list'>{evidence}</ul></td></tr>"
        )
    out.append("</table>")
    for key, title in (
        ("strengths", "Strengths"),
        ("improvements", "Improvements"),
        ("resources", "Resources"),
    ):
        out.append(
            f"<h3>{title}</h3><ul>" + "".join(f"<li>{escape(s)}</li>" for s in card[key]) + "</ul>"
        )
    if card.get("hint_rule"):
        out.append(f'<p class="note">{escape(card["hint_rule"])}</p>')
    out.append("</section>")
    return "\n".join(out)


def plots(
    record: SessionRecord,
    analytics: Analytics,
    data: dict[str, Any],
    titles: dict[str, str],
    t0: float,
) -> list[str]:
    """The four report plots; a placeholder saying why where a session cannot have one."""
    typed = (
        "Needs a spoken session: this one was typed, so nothing was timed."
        if analytics.basis == "typed text"
        else "Nothing was timed in this session yet."
    )
    phases = [p for p in analytics.phases if p.candidate_turns or p.interviewer_talk_s]
    if analytics.available and phases:
        talk = svg_plots.bars(
            "plot-talk",
            "Talk time per phase (s)",
            [titles.get(p.phase, p.phase) for p in phases],
            [
                ("you", [p.candidate_talk_s for p in phases]),
                ("interviewer", [p.interviewer_talk_s for p in phases]),
            ],
            y_label="seconds",
        )
    else:
        talk = svg_plots.empty("plot-talk", "Talk time per phase", typed)
    points = [
        (t.start - t0, t.words_per_minute)
        for t in analytics.turns
        if t.start is not None and t.words_per_minute is not None
    ]
    wpm = (
        svg_plots.lines(
            "plot-wpm",
            "Words per minute over time",
            [("you", points)],
            x_label="time into the recording (min:s)",
            x_format=_clock,
            y_label="words / min",
        )
        if points
        else svg_plots.empty("plot-wpm", "Words per minute over time", typed)
    )
    lat = [x for x in analytics.latencies if x["voice_to_voice"] is not None]
    latency = (
        svg_plots.bars(
            "plot-latency",
            "Reply latency per turn (s)",
            [f"turn {x['turn']}" for x in lat],
            [
                ("voice to voice", [x["voice_to_voice"] for x in lat]),
                ("after endpoint", [x["response_latency"] for x in lat]),
            ],
            y_label="seconds",
        )
        if lat
        else svg_plots.empty("plot-latency", "Reply latency per turn", typed)
    )
    if data["scorecard"]:
        areas = data["scorecard"]["areas"]
        cover = [
            100.0 * len(a["covered"]) / max(len(a["covered"]) + len(a["missing"]), 1) for a in areas
        ]
        coverage = svg_plots.bars(
            "plot-coverage",
            "Coverage per rubric area (% of concepts)",
            [a["title"] for a in areas],
            [("covered", cover)],
            y_label="%",
            y_max=100.0,
        )
    else:
        coverage = svg_plots.empty(
            "plot-coverage",
            "Coverage per rubric area",
            "The interview did not reach the scorecard.",
        )
    return [talk, wpm, latency, coverage]


def _analytics(
    record: SessionRecord,
    analytics: Analytics,
    data: dict[str, Any],
    titles: dict[str, str],
    t0: float,
) -> str:
    out = [
        '<section id="analytics"><h2>Speech analytics</h2>',
        f'<p class="note">{escape(analytics.note)}</p>',
    ]
    out.append(
        "<table><tr><th>Phase</th><th>Words</th><th>Words/min</th><th>Fillers/min</th>"
        "<th>Talk: you / interviewer</th><th>Longest monologue</th><th>Pauses &gt; 3 s</th>"
        "<th>First word after a question</th><th>Hints</th></tr>"
    )

    def v(x: Any, unit: str = "") -> str:
        return "n/a" if x is None else (f"{x:.1f}{unit}" if isinstance(x, float) else f"{x}{unit}")

    for p in [*analytics.phases, analytics.overall]:
        name = "Overall" if p.phase == "overall" else titles.get(p.phase, p.phase)
        share = f" ({p.candidate_share * 100:.0f}% you)" if p.candidate_share is not None else ""
        fillers = v(p.fillers_per_minute) if analytics.available else f"{p.fillers} (count)"
        out.append(
            f'<tr class="phase-row" data-phase="{escape(p.phase)}"><td>{escape(name)}</td>'
            f"<td>{p.candidate_words}</td><td>{v(p.words_per_minute)}</td><td>{fillers}</td>"
            f"<td>{v(p.candidate_talk_s, ' s')} / {v(p.interviewer_talk_s, ' s')}{share}</td>"
            f"<td>{v(p.longest_monologue_s, ' s')}</td>"
            f"<td>{p.long_pauses if analytics.available else 'n/a'}</td>"
            f"<td>{v(p.first_word_after_s, ' s')}</td><td>{p.hints}</td></tr>"
        )
    out.append("</table>")
    if analytics.filler_counts:
        out.append(
            "<p>Fillers: "
            + ", ".join(
                f"&ldquo;{escape(k)}&rdquo; &times;{n}"
                for k, n in sorted(analytics.filler_counts.items())
            )
            + "</p>"
        )
    out.append(
        '<div class="plots">'
        + "\n".join(plots(record, analytics, data, titles, t0))
        + "</div></section>"
    )
    return "\n".join(out)


def _transcript(data: dict[str, Any], titles: dict[str, str]) -> str:
    out = ['<section id="transcript"><h2>Transcript</h2>']
    events: dict[int, list[str]] = {}
    for e in data["events"]:
        events.setdefault(e["turn"], []).append(f"{e['type'].replace('_', ' ')}: {e['detail']}")
    phase = None
    for t in data["turns"]:
        if t["phase"] != phase:
            phase = t["phase"]
            out.append(f"<h3>{escape(titles.get(phase, phase))}</h3>")
        heard = t.get("heard")
        text = heard["text"] if heard else t["text"]
        attrs, stamp = "", ""
        if t.get("media_start") is not None:
            start = t["media_start"]
            attrs = f' data-start="{start:.3f}" data-end="{start + t["end"] - t["start"]:.3f}"'
            stamp = f'<button class="seek" data-t="{start:.3f}">{_clock(start)}</button> '
        tags = "".join(f'<span class="tag">{escape(x)}</span>' for x in events.get(t["index"], []))
        if heard and heard["interrupted"]:
            tags += '<span class="tag">interrupted</span>'
        who = "You" if t["speaker"] == "candidate" else "Interviewer"
        out.append(
            f'<div class="turn {t["speaker"]}" id="turn-{t["index"]}"{attrs}>{stamp}'
            f'<span class="who">{who}</span>{escape(text)}{tags}</div>'
        )
    out.append("</section>")
    return "\n".join(out)


def render(
    record: SessionRecord,
    content: Content,
    *,
    analytics: Analytics | None = None,
    line: Timeline | None = None,
    audio: Path | None = None,
) -> str:
    """The report page for one session. ``audio`` is the exported recording (or None)."""
    analytics = analytics or analyse(record)
    line = line or timeline(record, audio.name if audio else None)
    data = to_json(record, content, analytics=analytics, line=line)
    titles = {p.id: p.title for p in content.phases}
    t0 = line.t0 if line.t0 is not None else 0.0
    vtt = subtitles.to_vtt(subtitles.cues(record, analytics, t0)) if audio is not None else ""
    problem = data["problem"]["title"] if data["problem"] else "no problem chosen yet"
    meta = (
        f"{escape(record.created[:19].replace('T', ' '))} UTC &middot; "
        f"{escape(record.mode)} session "
        f"&middot; {escape(record.session_id)} &middot; "
        + ("finished" if record.ended else "unfinished")
    )
    body = "\n".join(
        [
            f"<header><h1>Interview: {escape(problem)}</h1><div>{meta}</div></header><main>",
            _audio(audio, record, vtt),
            _scorecard(data),
            _analytics(record, analytics, data, titles, t0),
            _transcript(data, titles),
            f'<script type="application/json" id="session-data">{_json_for_html(data)}</script>',
            "</main>",
        ]
    )
    return page(f"Interview {record.session_id}", body, SCRIPT)


_HTML_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _json_for_html(data: dict[str, Any]) -> str:
    """JSON that nothing in it can end or change the <script> element it sits in: no ``</``,
    no ``<!--`` (which would make a later ``</script>`` not count), and no U+2028/2029."""
    return json.dumps(data, ensure_ascii=False).translate(_HTML_UNSAFE)
