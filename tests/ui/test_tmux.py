"""The live terminal as a person sees it: the real command in a tmux pane, read back with
capture-pane (tmux comes from scripts/setup.sh's `all` profile)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux: scripts/setup.sh all")

# COLUMNS: pytest's own may be inherited by the tmux server; the pane is 110 wide.
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "110", "LINES": "40"}
SCRIPT = """[+60s] You collect data and clean it, build features, train a model, evaluate it
offline, then deploy it and monitor it.

give me a hint

[+30s] end the interview
"""


class Pane:
    """One detached tmux server and window, 110 x 40, private to the test."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = str(tmp_path / "tmux.sock")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        self.tmux(
            "new-session", "-d", "-x", "110", "-y", "40", f"env {exports} {command}; sleep 60"
        )
        self.tmux("set-option", "-g", "history-limit", "5000")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-S", "-5000")

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def pane(tmp_path):
    p = Pane(tmp_path)
    yield p
    p.close()


def test_text_interview_in_a_terminal(pane, tmp_path):
    (tmp_path / "answers.txt").write_text(SCRIPT, encoding="utf-8")
    exe = Path(sys.executable).with_name("voice-interviewer")
    pane.start(
        f"{exe} interview --text --script {tmp_path / 'answers.txt'} --problem recommendation; "
        "echo EXITED=$?",
        {"VOICE_INTERVIEWER_HOME": str(tmp_path / "home"), **TERMINAL},
    )
    shown = pane.wait_for("EXITED=")
    assert "EXITED=0" in shown
    assert "── Requirements & Scope 00:00 / 10:00 · total 00:00 ──" in shown
    assert "Interviewer: Hi, thanks for joining." in shown
    assert "hint level 1 of 4" in shown
    # The scorecard's table, drawn in box characters, with its header row.
    assert "┃ Area" in shown and "┃ Rating" in shown and "In your words" in shown
    assert "│ Feature       │" in shown and "│ Experiment    │" in shown


LIVE_DRIVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from voice_interviewer.messages import InterviewSnapshot
    from voice_interviewer.ui import make_screen

    flag = Path(sys.argv[1])
    start = time.monotonic()
    screen = make_screen(lambda: 245.0 + time.monotonic() - start, live=True, show_latency=True)
    screen.phase(InterviewSnapshot("data", "Data & Features", 12.0, None, None, (), 2, None,
                                   phase_minutes=15.0))
    screen.state("speaking")
    for clause in ("What features would you build,", "and where would they live?"):
        screen.interviewer(clause, final=False)
    time.sleep(0.8)
    flag.write_text("speaking")
    while flag.read_text() != "go":
        time.sleep(0.1)
    screen.state("listening")
    screen.latency(0.84, 0.31)
    screen.candidate("user embeddings in a feature store", final=False)
    for _ in range(40):  # 20 ms frames, as a microphone delivers them
        screen.level(0.7)
        time.sleep(0.02)
    flag.write_text("listening")
    while flag.read_text() != "end":
        time.sleep(0.1)
    screen.candidate("user embeddings in a feature store with point in time joins", final=True)
    screen.close()
    print("DRIVER-DONE")
    """
)


def test_spoken_interview_live_area_in_a_terminal(pane, tmp_path):
    (tmp_path / "driver.py").write_text(LIVE_DRIVER, encoding="utf-8")
    flag = tmp_path / "flag"
    flag.write_text("")
    pane.start(f"{sys.executable} {tmp_path / 'driver.py'} {flag}", TERMINAL)

    def until(state: str) -> None:
        deadline = time.monotonic() + 60
        while flag.read_text() != state:
            assert time.monotonic() < deadline, pane.screen()
            time.sleep(0.1)

    until("speaking")
    shown = pane.screen()
    # The phase's line, whole (a full-width rule lost its second half under the live area).
    assert re.search(r"── Data & Features 03:00 / 15:00 · total 04:0\d · hint level 2 ──", shown)
    assert "Data & Features 03:00 / 15:00 · total 04:0" in shown  # 3 of 15 min gone
    assert "hint level 2" in shown
    assert "speaking" in shown and "mic ▯▯▯▯▯▯▯▯▯▯" in shown
    assert "Interviewer: What features would you build, and where would they live?" in shown

    flag.write_text("go")
    until("listening")
    shown = pane.screen()
    assert "listening" in shown and "mic ▮▮▮▮▮▮▮" in shown
    assert "last reply 840 ms" in shown
    assert "You: user embeddings in a feature store" in shown

    flag.write_text("end")
    shown = pane.wait_for("DRIVER-DONE")
    # The live area is gone; what was said stays in the scrollback, once each.
    assert shown.count("Interviewer: What features would you build") == 1
    assert "You: user embeddings in a feature store with point in time joins" in shown
    assert "mic ▮" not in shown
