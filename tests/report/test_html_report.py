"""The HTML report, rendered by headless Chromium: a real page (not blank), its sections and
plots, the captions parsed by the browser, and evidence links that seek the recording."""

from __future__ import annotations

import json
import re
from html import unescape

import numpy as np
import pytest
from png import read_png
from report_support import dump_dom, screenshot

from voice_interviewer.session import html_report
from voice_interviewer.session.export import FORMATS, export_session
from voice_interviewer.session.record import load_record

PLOTS = ("plot-talk", "plot-wpm", "plot-latency", "plot-coverage")
PLOT_BLUE = np.array([0x2F, 0x6F, 0xDE])  # svg_plots.COLORS[0]


@pytest.fixture(scope="module")
def voice_report(voice_session_dir, content, tmp_path_factory):
    out = tmp_path_factory.mktemp("voice-report")
    record = load_record(voice_session_dir)
    export_session(record, content, {"html", "json", "vtt"}, out)
    data = json.loads((out / f"{record.session_id}.json").read_text(encoding="utf-8"))
    return out / f"{record.session_id}.html", data, out


def _attr(dom: str, element_id: str, name: str) -> str | None:
    m = re.search(rf'<[^>]*\bid="{element_id}"[^>]*>', dom)
    if m is None:
        return None
    a = re.search(rf'\b{name}="([^"]*)"', m.group(0))
    return a.group(1) if a else None


def _not_blank(png) -> np.ndarray:
    image = read_png(png)[..., :3].astype(int)
    assert image.shape[:2] == (2000, 1280)
    background = np.array([0xF6, 0xF7, 0xFB])
    ink = np.any(np.abs(image - background) > 24, axis=2) & np.any(image < 235, axis=2)
    assert ink.mean() > 0.03, f"only {ink.mean():.1%} of the page has anything on it"
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # text, colours, not one flat fill
    return image


def test_report_is_one_offline_file(voice_report):
    page, _, _ = voice_report
    html = page.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)  # nothing loaded from a network
    assert "url(http" not in html and "@import" not in html
    assert re.search(r'<audio id="player"[^>]*src="data:audio/flac;base64,', html)


def test_screenshot_shows_the_report(voice_report, tmp_path):
    page, _, _ = voice_report
    png = tmp_path / "report.png"
    screenshot(page.as_uri(), png, tmp_path / "profile")
    image = _not_blank(png)
    header = image[:60, :, :]
    assert np.all(np.abs(header[30, 600] - [0x1F, 0x3B, 0x73]) < 6)  # the header band drew
    blue = np.all(np.abs(image - PLOT_BLUE) < 10, axis=2).sum()
    assert blue > 200, "no plot bars or lines in the first 2000 px"


def test_dom_has_the_sections_plots_and_captions(voice_report, tmp_path):
    page, data, out = voice_report
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    assert _attr(dom, "player", "src").startswith("data:audio/flac")
    for section in ("recording", "scorecard", "analytics", "transcript"):
        assert f'id="{section}"' in dom, section
    for plot in PLOTS:
        m = re.search(rf'<svg id="{plot}"[^>]*>(.*?)</svg>', dom, flags=re.S)
        assert m, plot
        assert re.search(r"<(rect|circle) class=\"(bar|dot)\"", m.group(1)), f"{plot} has no data"
    assert re.search(r'<body[^>]*data-ready="1"', dom)
    # the browser's own WebVTT parser read every cue of the exported .vtt
    cues = (out / page.name.replace(".html", ".vtt")).read_text(encoding="utf-8").count("-->")
    assert re.search(rf'<body[^>]*data-vtt-cues="{cues}"', dom), re.search(
        r"<body[^>]*>", dom
    ).group(0)
    turns = re.findall(r'<div class="turn (candidate|interviewer)[^"]*" id="turn-(\d+)"', dom)
    assert [int(i) for _, i in turns] == [t["index"] for t in data["turns"]]


def test_evidence_buttons_seek_to_the_quote(voice_report, tmp_path):
    page, data, _ = voice_report
    evidence = [ev for a in data["scorecard"]["areas"] for ev in a["evidence"]]
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    buttons = re.findall(r'<button class="seek evidence" data-t="([0-9.]+)" data-turn="(\d+)"', dom)
    assert sorted((round(float(t), 3), int(k)) for t, k in buttons) == sorted(
        (round(ev["media_t"], 3), ev["turn"]) for ev in evidence
    )
    # Opening the report at a quote's moment (the same seek a click does) plays from there:
    # the position, the caption and the highlighted turn all show that quote.
    ev = evidence[0]
    at = dump_dom(f"{page.as_uri()}#t={ev['media_t'] + 0.05:.3f}", tmp_path / "profile2")
    m, s = divmod(int(ev["media_t"] + 0.05), 60)
    assert re.search(rf'id="position">{m}:{s:02d}<', at)
    caption = unescape(re.search(r'id="caption">([^<]*)<', at).group(1)).lower()
    first = ev["quote"].removeprefix("... ").split()[0].lower().strip(".,")
    assert first in caption, (first, caption)
    assert re.search(rf'class="turn candidate playing" id="turn-{ev["turn"]}"', at)


def test_typed_session_report(text_session, content, tmp_path):
    record = load_record(text_session)
    export_session(record, content, set(FORMATS), tmp_path)
    page = tmp_path / f"{record.session_id}.html"
    html = page.read_text(encoding="utf-8")
    assert "<audio" not in html and "there is no recording" in html
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    for plot in ("plot-talk", "plot-wpm", "plot-latency"):
        assert re.search(rf'<figure id="{plot}" class="plot plot-empty">', dom), plot
    assert re.search(r'<svg id="plot-coverage"', dom)
    assert 'href="#turn-' in dom  # evidence links to the transcript instead of the recording
    png = tmp_path / "typed.png"
    screenshot(page.as_uri(), png, tmp_path / "profile")
    _not_blank(png)


def test_long_recording_is_kept_beside_the_page(voice_session_dir, content, tmp_path, monkeypatch):
    monkeypatch.setattr(html_report, "INLINE_AUDIO_MAX", 1000)
    record = load_record(voice_session_dir)
    export_session(record, content, {"html"}, tmp_path)
    html = (tmp_path / f"{record.session_id}.html").read_text(encoding="utf-8")
    assert f'<audio id="player" controls preload="auto" src="{record.session_id}.flac">' in html
    assert (tmp_path / f"{record.session_id}.flac").is_file()
