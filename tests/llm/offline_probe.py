"""Run the renderer on a model with a socket audit; print the network events as JSON.

Run as a subprocess by test_offline.py: an audit hook cannot be removed once added.
"""

from __future__ import annotations

import json
import socket
import sys

events: list[list[str]] = []


def audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            events.append([event, repr(address)])
    elif event == "socket.getaddrinfo":
        events.append([event, repr(args[:2])])


sys.addaudithook(audit)

from voice_interviewer.llm.config import LLMConfig  # noqa: E402
from voice_interviewer.llm.renderer import make_renderer  # noqa: E402
from voice_interviewer.messages import Move, MoveKind  # noqa: E402

model = sys.argv[1]
if sys.argv[2:] == ["control"]:
    # The negative control: a connection the audit must see.
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=0.2).close()
    except OSError:
        pass
if model.startswith("scripted/"):
    from voice_interviewer.llm.scripted import install_scripted

    fake = install_scripted()
    fake.enqueue("ok", "Good. What data sources do we have to work with?")
renderer = make_renderer(LLMConfig(model=model, first_token_timeout_s=30.0))
renderer.prewarm()
move = Move(
    kind=MoveKind.FOLLOW_UP,
    text="Okay. What data sources do we have to work with?",
    question="What data sources do we have to work with?",
)
replies = list(renderer.render(move, "I'd start with the click logs."))
print(
    json.dumps(
        {"events": events, "final": replies[-1].is_final, "text": "".join(r.text for r in replies)}
    )
)
