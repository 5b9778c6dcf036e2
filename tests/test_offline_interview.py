"""An offline interview opens no network connection: the whole text interview on the bundled
local LLM, and a spoken interview (replay) on the bundled models, under a socket audit hook.

Each runs in a subprocess, because an audit hook cannot be removed once added. Unix sockets
(PulseAudio) are allowed; any IPv4/IPv6 connect or DNS lookup is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

AUDIT = textwrap.dedent(
    """
    import json, socket, sys
    events = []
    def audit(event, args):
        if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
            events.append([event, repr(args[1])])
        elif event == "socket.getaddrinfo":
            events.append([event, repr(args[:2])])
    sys.addaudithook(audit)
    if sys.argv[1:] == ["control"]:
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=0.2).close()
        except OSError:
            pass
        argv = None
    else:
        argv = json.loads(sys.argv[1])
    code = 0
    if argv is not None:
        from voice_interviewer.cli import main
        code = main(argv)
    print("AUDIT " + json.dumps({"events": events, "code": code}))
    """
)

SCRIPT = """\
You collect data and check its quality, build features in a feature store, train a model,
evaluate it offline, deploy it and monitor it for drift.

[+30s] What scale are we designing for?

[+30s] end the interview
"""


def _run(argv: list[str] | str, home: Path, timeout: float) -> dict:
    env = {**os.environ, "VOICE_INTERVIEWER_HOME": str(home)}
    env.pop("LITELLM_LOCAL_MODEL_COST_MAP", None)  # the app must set it itself
    arg = argv if isinstance(argv, str) else json.dumps(argv)
    result = subprocess.run(
        [sys.executable, "-c", AUDIT, arg], capture_output=True, text=True, env=env, timeout=timeout
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("AUDIT ")), None)
    assert line is not None, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(line[len("AUDIT ") :])


def test_the_audit_sees_a_connection(tmp_path: Path) -> None:
    # The negative control: without it, an audit that never fires would pass every test.
    assert _run("control", tmp_path, 60)["events"]


def test_a_text_interview_on_the_bundled_llm_is_offline(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    script = tmp_path / "answers.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    out = _run(
        [
            "interview",
            "--text",
            "--script",
            str(script),
            "--model",
            "local/smollm2",
            "--problem",
            "recommendation",
        ],
        tmp_path / "home",
        600,
    )
    assert out["code"] == 0
    assert out["events"] == []


@pytest.mark.slow
def test_a_spoken_interview_on_the_bundled_models_is_offline(tmp_path: Path) -> None:
    from voice_interviewer.answers import synthesize_answers

    answers = synthesize_answers(
        ["You collect data, build features, train, deploy and monitor.", "End the interview."],
        tmp_path / "answers",
    )
    out = _run(
        ["replay", str(answers[0].parent), "--problem", "recommendation"], tmp_path / "home", 600
    )
    assert out["code"] == 0
    assert out["events"] == []
