"""Helpers for the export tests: strict SRT/WebVTT readers, the recording's channel levels, and
headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class ParsedCue:
    start: float
    end: float
    speaker: str
    text: str


def _seconds(stamp: str, sep: str) -> float:
    h, m, rest = stamp.split(":")
    s, ms = rest.split(sep)
    assert len(ms) == 3 and len(s) == 2 and len(m) == 2, stamp
    assert int(m) < 60 and int(s) < 60, stamp
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[ParsedCue]:
    """SubRip, strictly: numbered from 1, a ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` line, text lines,
    a blank line between cues; start before end; starts in order."""
    assert not text.startswith("\ufeff")
    blocks = text.strip("\n").split("\n\n")
    cues = []
    for number, block in enumerate(blocks, 1):
        lines = block.split("\n")
        assert lines[0] == str(number), (number, block)
        m = re.fullmatch(r"(\d{2}:\d{2}:\d{2},\d{3}) --> (\d{2}:\d{2}:\d{2},\d{3})", lines[1])
        assert m, lines[1]
        start, end = _seconds(m.group(1), ","), _seconds(m.group(2), ",")
        assert start < end, block
        assert len(lines) >= 3 and all(line.strip() for line in lines[2:]), block
        speaker, _, words = " ".join(lines[2:]).partition(": ")
        assert speaker in ("Candidate", "Interviewer"), block
        cues.append(ParsedCue(start, end, speaker, words))
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    return cues


def parse_vtt(text: str) -> list[ParsedCue]:
    """WebVTT, strictly: the WEBVTT header, optional cue ids, ``HH:MM:SS.mmm --> HH:MM:SS.mmm``,
    no "-->" in ids or text, and only &amp; &lt; &gt; escapes and <v> spans in the text."""
    assert text.startswith("WEBVTT\n")
    blocks = [b for b in text.split("\n\n")[1:] if b.strip()]
    cues = []
    for block in blocks:
        lines = block.strip("\n").split("\n")
        if "-->" not in lines[0]:  # a cue id
            lines = lines[1:]
        m = re.fullmatch(r"(\d{2}:\d{2}:\d{2}\.\d{3}) --> (\d{2}:\d{2}:\d{2}\.\d{3})", lines[0])
        assert m, lines[0]
        start, end = _seconds(m.group(1), "."), _seconds(m.group(2), ".")
        assert start < end, block
        body = "\n".join(lines[1:])
        assert body.strip() and "-->" not in body, block
        m = re.fullmatch(r"<v (Candidate|Interviewer)>([^<>]*)", body, flags=re.S)
        assert m, body
        assert not re.search(r"&(?!amp;|lt;|gt;)", body), body
        text = (
            m.group(2)
            .replace("\n", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
        )
        cues.append(ParsedCue(start, end, m.group(1), text))
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    return cues


def level_db(audio: np.ndarray, rate: int, start: float, end: float, channel: int) -> float:
    """RMS level (dBFS) of one channel between two times (seconds into the file)."""
    a, b = int(start * rate), max(int(end * rate), int(start * rate) + 1)
    x = audio[a:b, channel].astype(np.float64)
    return float(20 * np.log10(max(np.sqrt(np.mean(x * x)) if len(x) else 0.0, 1e-9)))


def chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        pytest.skip("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
    return path


def run_chromium(
    args: list[str], profile: Path, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def dump_dom(url: str, profile: Path) -> str:
    """The DOM after the page's script ran (virtual time lets the audio and captions load)."""
    result = run_chromium(["--virtual-time-budget=5000", "--dump-dom", url], profile)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, png: Path, profile: Path) -> None:
    result = run_chromium([f"--screenshot={png}", "--window-size=1280,2000", url], profile)
    assert result.returncode == 0 and png.is_file(), result.stderr[-2000:]
