"""The live terminal (voice_interviewer/ui/): rendered with rich's recording console, and the
plain lines a pipe gets."""

from __future__ import annotations

import io
import os
import re

import numpy as np
import pytest
from rich.console import Console

from voice_interviewer.clock import VirtualClock
from voice_interviewer.messages import AudioFrame, Move, MoveKind
from voice_interviewer.runtime.display import MeteredSource, TerminalDisplay
from voice_interviewer.session.live import InterviewSession, SessionOptions
from voice_interviewer.textmode import TextInterview, parse_script
from voice_interviewer.ui import make_screen
from voice_interviewer.ui.plain import PlainScreen
from voice_interviewer.ui.rich_screen import RichScreen
from voice_interviewer.ui.screen import clock_text, meter, rms_level

WARMUP = (
    "You collect data and clean it, build features, train a model, evaluate it offline, "
    "then deploy it and monitor it."
)
SCRIPT = f"""[+60s] {WARMUP}

[+2m] The business objective is revenue per session,
and the data sources are clickstream logs and purchase history.

give me a hint

[+11m] We keep the user and item features in a feature store
with point in time joins for training.

[+30s] end the interview
"""
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|38;|9[0-7])")


def recording_console(width: int = 110) -> Console:
    return Console(record=True, width=width, force_terminal=True, color_system="truecolor")


def session(content, clock) -> InterviewSession:
    options = SessionOptions(mode="text", problem_id="recommendation")
    return InterviewSession.start(content, clock, options)


def scripted_text_interview(content, screen_for, sessions=None) -> str:
    clock = VirtualClock()
    s = session(content, clock)
    screen, read_back = screen_for(clock)
    TextInterview(s, screen=screen).run_script(parse_script(SCRIPT), s.open())
    if sessions is not None:
        sessions.append(s)
    return read_back() if read_back else ""


def test_text_interview_on_a_terminal_shows_clocks_hints_and_the_scorecard_table(content):
    console = recording_console()

    def rich(clock):
        return RichScreen(clock.now, console=console), console.export_text

    finished: list[InterviewSession] = []
    shown = scripted_text_interview(content, rich, finished)
    # The header: phase, its clock against its budget, the whole interview's clock.
    assert "Warm-up" in shown or "Requirements" in shown
    assert re.search(r"─ Requirements & Scope 00:00 / 10:00 · total 00:00 ─", shown), shown
    assert "Requirements & Scope 03:00 / 10:00 · total 03:00" in shown  # before each reply
    assert "Interviewer: Hi, thanks for joining." in shown
    assert "You: You collect data and clean it" in shown
    assert "hint level 1 of 4" in shown
    assert content.problem("recommendation").hints[0].text[:40] in shown
    # The scorecard is a table: four areas, a rating each, the candidate's own words.
    assert "Scorecard" in shown and "In your words" in shown
    table = shown[shown.index("Scorecard") :]
    card = finished[0].scorecard
    assert card is not None and len(card.areas) == 4
    for area in card.areas:
        assert area.title.split()[0] in table
    assert len(re.findall(r"\b(Novice|Intermediate|Expert)\b", table)) >= 4
    assert "“" in table  # a quote from the candidate
    assert "Strengths" in table and "Resources" in table


def test_no_colour_when_no_color_is_set(content, monkeypatch):
    """What reaches the terminal (not rich's export, which always renders colour)."""

    def written(**console_options) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=110, force_terminal=True, **console_options)
        scripted_text_interview(
            content, lambda clock: (RichScreen(clock.now, console=console), None)
        )
        return buffer.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    plain = written()
    assert "Scorecard" in plain and "\x1b[1m" in plain  # still bold: that is not colour
    assert not COLOUR.search(plain)
    monkeypatch.delenv("NO_COLOR")
    assert COLOUR.search(written(color_system="standard"))


def test_a_pipe_gets_plain_lines(content):
    out = io.StringIO()

    def plain(clock):
        return make_screen(clock.now, out=out), out.getvalue

    shown = scripted_text_interview(content, plain)
    assert "== Requirements & Scope (10 min) == 00:00" in shown
    assert f"Candidate: {WARMUP}" in shown
    assert "[hint level 1]" in shown
    assert "\x1b[" not in shown
    assert "Scorecard\n=========" in shown


def test_make_screen_draws_only_on_a_terminal():
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w") as tty:
            assert isinstance(make_screen(lambda: 0.0, out=tty), RichScreen)
    finally:
        os.close(master)
    assert isinstance(make_screen(lambda: 0.0, out=io.StringIO()), PlainScreen)


def live_display(content, show_latency=True):
    clock = VirtualClock()
    s = session(content, clock)
    console = recording_console()
    screen = RichScreen(clock.now, console=console, show_latency=show_latency)
    # Drawn by hand below rather than by rich's refresh thread, so the test is deterministic.
    screen._live = object()  # type: ignore[assignment]  # "live": clauses wait in the live area
    return s, clock, console, screen, TerminalDisplay(s, screen=screen)


def live_area(screen) -> str:
    console = Console(record=True, width=110, force_terminal=True)
    console.print(screen)
    return console.export_text()


def test_spoken_interview_live_area_follows_the_loop_events(content):
    s, clock, console, screen, display = live_display(content)
    display.on_event("move", {"move": s.open()})
    display.on_event("speaking", {"text": "Hi, thanks for joining."})
    area = live_area(screen)
    assert "speaking" in area and "Interviewer: Hi, thanks for joining." in area
    assert "Interviewer:" not in console.export_text(clear=False)  # still being spoken

    clock.advance(75)
    display.on_event("timing", {"voice_to_voice": 0.84, "response_latency": 0.31})
    display.on_event("listening", {})
    scrolled = console.export_text(clear=False)
    assert "Interviewer: Hi, thanks for joining." in scrolled
    assert "reply began 840 ms after you stopped (310 ms after the endpoint)" in scrolled
    screen.level(rms_level(np.full(320, 8000, dtype=np.int16)))
    display.on_event("candidate_partial", {"text": "You collect data"})
    area = live_area(screen)
    assert "listening" in area and "mic ▮▮▮▮▮▮▮▮" in area
    assert "You: You collect data" in area
    assert re.search(
        r"Requirements & Scope 01:15 / 10:00 · total 01:15 · last reply 840 ms", area
    ), area

    display.on_event("candidate_turn", {"text": "You collect data and clean it."})
    area = live_area(screen)
    assert "thinking" in area and "You collect data" not in area
    assert "You: You collect data and clean it." in console.export_text(clear=False)


def test_latency_is_shown_only_when_asked_for(content):
    s, clock, console, screen, display = live_display(content, show_latency=False)
    display.on_event("move", {"move": s.open()})
    display.on_event("timing", {"voice_to_voice": 0.84, "response_latency": 0.31})
    display.on_event("listening", {})
    assert "reply began" not in console.export_text()


def test_hint_level_and_errors_are_shown(content):
    s, clock, console, screen, display = live_display(content)
    display.on_event("move", {"move": s.open()})
    display.on_event("move", {"move": Move(kind=MoveKind.HINT, text="Think about the users.")})
    display.on_event("error", {"message": "the speech model failed"})
    shown = console.export_text()
    assert "hint level" in shown and "! the speech model failed" in shown


def test_metered_source_reports_each_frame_level():
    levels: list[float] = []

    class Source:
        sample_rate = 16000
        ended = False

        def __init__(self):
            self.frames = [np.zeros(320, np.int16), np.full(320, 32000, np.int16)]

        def read(self, timeout=None):
            return AudioFrame(self.frames.pop(0), 16000, 0.0) if self.frames else None

    class Screen:
        def level(self, rms):
            levels.append(rms)

    metered = MeteredSource(Source(), Screen())  # type: ignore[arg-type]
    assert metered.sample_rate == 16000 and metered.ended is False
    assert metered.read() is not None and metered.read() is not None and metered.read() is None
    assert levels[0] == 0.0 and levels[1] == pytest.approx(1.0, abs=0.01)


def test_clock_and_meter_text():
    assert clock_text(0) == "00:00" and clock_text(75.9) == "01:15"
    assert clock_text(3725) == "1:02:05" and clock_text(-3) == "00:00"
    assert meter(0.3) == "▮▮▮▯▯▯▯▯▯▯" and meter(2.0) == "▮" * 10


def test_live_redraws_and_events_from_other_threads_do_not_deadlock(monkeypatch):
    """rich redraws from its own thread under its lock while the loop's threads print under
    the screen's: the live area must not wait for the screen's lock."""
    import threading

    from voice_interviewer.ui import rich_screen

    monkeypatch.setattr(rich_screen, "REFRESH_PER_SECOND", 200)
    console = Console(file=io.StringIO(), width=100, force_terminal=True)
    screen = RichScreen(lambda: 1.0, console=console, live=True)
    stop = threading.Event()

    def talk(n: int) -> None:
        while not stop.is_set():
            screen.state("speaking")
            screen.interviewer(f"clause {n}", final=False)
            screen.level(0.5)
            screen.state("listening")
            screen.candidate(f"words {n}", final=False)
            screen.candidate(f"turn {n}", final=True)

    threads = [threading.Thread(target=talk, args=(n,), daemon=True) for n in range(3)]
    for t in threads:
        t.start()
    stop.wait(1.0)
    stop.set()
    for t in threads:
        t.join(timeout=5)
    assert not any(t.is_alive() for t in threads), "deadlocked"
    screen.close()
    assert "You: turn 0" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue())


def test_a_replay_lists_no_keys_in_the_live_area():
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w") as tty:
            with_keys = make_screen(lambda: 0.0, out=tty, keys=True)
            replay = make_screen(lambda: 0.0, out=tty, keys=False)
            assert "space: end my turn" in live_area(with_keys)
            assert "space: end my turn" not in live_area(replay)
    finally:
        os.close(master)


def test_unheard_speech_and_a_yield_are_shown_but_a_backchannel_is_not(content):
    s, clock, console, screen, display = live_display(content)
    display.on_event("move", {"move": s.open()})
    display.on_event("yield", {"t": 1.0})
    display.on_event("unheard", {"reason": "backchannel", "why": "a backchannel", "text": "Mm."})
    display.on_event(
        "unheard",
        {"reason": "after_end", "why": "said after the interview had ended", "text": "Bye."},
    )
    shown = console.export_text(clear=False)
    assert "stops at the end of the sentence" in shown
    assert 'not taken as an answer "Bye.": said after the interview had ended' in shown
    assert "Mm." not in shown
