"""Progress bars (ui/progress.py): drawn on a terminal after a second of work, never on a pipe."""

from __future__ import annotations

import io
import time

from voice_interviewer.ui.progress import progress


class Terminal(io.StringIO):
    """Captures what a terminal would receive."""

    def isatty(self) -> bool:
        return True


def test_long_work_on_a_terminal_draws_a_bar_that_counts():
    term = Terminal()
    with progress("Exporting 2026-session", 3, out=term, delay_s=0.05) as bar:
        time.sleep(0.2)
        bar.advance()
        bar.advance()
        time.sleep(0.3)
    drawn = term.getvalue()
    assert "Exporting 2026-session" in drawn and "2/3" in drawn


def test_quick_work_draws_nothing():
    term = Terminal()
    with progress("Loading", 3, out=term, delay_s=1.0) as bar:
        bar.advance(3)
    assert term.getvalue() == ""


def test_a_pipe_gets_no_bar_and_the_work_still_runs():
    pipe = io.StringIO()
    with progress("Benchmark", 2, out=pipe, delay_s=0.0) as bar:
        seen = list(bar.track(["a", "b"]))
        time.sleep(0.1)
    assert seen == ["a", "b"] and pipe.getvalue() == ""


def test_work_inside_work_shares_one_display():
    """rich allows one live display at a time: the models loaded by the benchmark become a
    second bar of the benchmark's display, not a second display (which would raise)."""
    term = Terminal()
    with progress("Benchmark", 4, out=term, delay_s=0.0) as outer:
        time.sleep(0.15)
        with progress("Loading the models", 3, out=term, delay_s=0.0) as inner:
            inner.advance(3)
            time.sleep(0.3)
        outer.advance()
        time.sleep(0.15)
    drawn = term.getvalue()
    assert "Benchmark" in drawn and "Loading the models" in drawn and "3/3" in drawn
    # The display is gone with the last bar: a new one starts cleanly.
    with progress("Again", 1, out=Terminal(), delay_s=0.0):
        time.sleep(0.05)


def test_export_reports_each_format_done(tmp_path, content):
    from voice_interviewer.clock import VirtualClock
    from voice_interviewer.session.export import export_session
    from voice_interviewer.session.live import InterviewSession, SessionOptions
    from voice_interviewer.session.record import load_record

    session = InterviewSession.start(
        content, VirtualClock(), SessionOptions(mode="text", problem_id="recommendation")
    )
    session.open()
    session.respond("end the interview")
    session.close()
    steps: list[int] = []
    result = export_session(
        load_record(session.directory),
        content,
        {"md", "json", "html"},
        tmp_path / "out",
        step=lambda: steps.append(1),
    )
    assert len(result.written) == 3 and len(steps) == 3
