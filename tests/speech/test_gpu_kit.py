"""The GPU check's kit: files cut into parts under the carry limit, staged and joined intact."""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gpu_stt_check.py"


@pytest.fixture
def kit_module(tmp_path, monkeypatch):
    monkeypatch.setenv("VI_GPU_STAGE", str(tmp_path / "stage"))
    spec = importlib.util.spec_from_file_location("gpu_stt_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parts_stay_under_the_limit_and_join_back(kit_module, tmp_path):
    work = tmp_path / "files"
    (work / "model").mkdir(parents=True)
    blobs = {"model/model.bin": os.urandom(2500), "audio.npz": os.urandom(900), "empty": b""}
    for rel, data in blobs.items():
        (work / rel).write_bytes(data)
    kit = tmp_path / "kit"
    parts = kit_module.split_into_parts(work, kit, part_bytes=1000)
    assert parts == ["part1", "part2", "part3", "part4"]
    for part in parts:
        pieces = [p for p in (kit / part).rglob("*") if p.is_file() and p.name != "manifest.json"]
        assert sum(p.stat().st_size for p in pieces) <= 1000
    for part in parts[:2]:
        kit_module.stage(argparse.Namespace(part=str(kit / part)))
    with pytest.raises(SystemExit, match="kit incomplete: stage"):
        kit_module._assemble()
    for part in parts[2:]:
        kit_module.stage(argparse.Namespace(part=str(kit / part)))
    out = kit_module._assemble()
    for rel, data in blobs.items():
        assert (out / rel).read_bytes() == data


def test_a_damaged_piece_is_caught(kit_module, tmp_path):
    work = tmp_path / "files"
    work.mkdir()
    (work / "model.bin").write_bytes(os.urandom(3000))
    kit = tmp_path / "kit"
    for part in kit_module.split_into_parts(work, kit, part_bytes=2000):
        kit_module.stage(argparse.Namespace(part=str(kit / part)))
    piece = next((tmp_path / "stage" / "pieces").rglob("01-model.bin"))
    piece.write_bytes(b"x" * piece.stat().st_size)
    with pytest.raises(SystemExit, match="SHA-256 mismatch"):
        kit_module._assemble()
