"""A real package: the wheel, installed (not editable) in a fresh venv, runs an interview and
an export from a directory far from the source tree.

Offline by construction: the wheel is built with this venv's setuptools
(--no-build-isolation), installed --no-deps, and the fresh venv sees this venv's installed
dependencies through a .pth line placed after its own site-packages (so the wheel's
voice_interviewer, not the source tree's, is the one imported).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """[+60s] You collect data and clean it, build features, train a model, evaluate it
offline, then deploy it and monitor it.

[+2m] The business objective is revenue per session, and the data sources are clickstream
logs and purchase history.

[+30s] end the interview
"""


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel; returns its bin folder."""
    # Asked of the metadata: importing setuptools here would fight distutils imported earlier.
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        major = 0
    if major < 68:
        pytest.skip("the offline build needs setuptools>=68 in this venv (the dev extra)")
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools writes build/ and *.egg-info next to the sources.
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "voice_interviewer",
        source / "voice_interviewer",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(source),
        ],
        cwd=work,
    )
    wheels = list((work / "dist").glob("voice_interviewer-*.whl"))
    assert len(wheels) == 1, wheels
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work)
    py = venv / "bin" / "python"
    site = Path(
        run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=work
        ).strip()
    )
    # This venv's dependencies, after the fresh venv's own site-packages on sys.path. Paths
    # in a .pth are not scanned for .pth files, so the source tree's editable hook stays out.
    (site / "zz_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            str(wheels[0]),
        ],
        cwd=work,
    )
    return venv / "bin"


def test_wheel_holds_the_interview_content(installed):
    where = run(
        [
            str(installed / "python"),
            "-c",
            "import voice_interviewer.interview.content as c, voice_interviewer as v; "
            "print(v.__file__); print(len(c.load_content().problems))",
        ],
        cwd=installed,
    )
    module, problems = where.split()
    assert str(installed.parent) in module and str(ROOT) not in module
    assert int(problems) >= 13


def test_installed_command_runs_an_interview_and_an_export_elsewhere(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "answers.txt").write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "VOICE_INTERVIEWER_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    exe = str(installed / "voice-interviewer")

    assert run([exe, "--version"], cwd=elsewhere, env=env).strip() == "voice-interviewer 0.1.0"
    said = run(
        [
            exe,
            "interview",
            "--text",
            "--script",
            "answers.txt",
            "--clock",
            "virtual",
            "--problem",
            "recommendation",
        ],
        cwd=elsewhere,
        env=env,
    )
    assert "Interviewer: Hi, thanks for joining." in said and "Scorecard" in said
    run([exe, "export", "latest", "--format", "md,json", "--out", "out"], cwd=elsewhere, env=env)
    exported = list((elsewhere / "out").iterdir())
    assert {p.suffix for p in exported} >= {".md", ".json"}, exported
    record = json.loads(next(p for p in exported if p.suffix == ".json").read_text())
    assert record["problem"]["id"] == "recommendation" and record["finished"] is True
    assert any("clickstream" in t["text"] for t in record["turns"])
