"""Speculative turns in the running loop: the reply is made at the short pause and spoken at
the endpoint; when the candidate goes on talking, the speculative reply is never spoken."""

from __future__ import annotations

from voice_interviewer.messages import MoveKind

from .fakes import ScriptedRenderer
from .rig import Rig

# Strong: every stage, where it goes wrong, and why (a bare list of stages is only solid).
STRONG = (
    "First collect data and check data quality and labels, then feature engineering with a "
    "feature store, train and evaluate offline, deploy with real time serving, monitor for "
    "data drift and retrain. Things usually go wrong with training serving skew, because the "
    "online features are computed by different code than the batch ones."
)


def test_a_stale_speculative_reply_is_never_spoken(content) -> None:  # type: ignore[no-untyped-def]
    # The candidate says "Hmm, okay", pauses long enough for a segment to end (and a
    # speculative answer to a poor warm-up to be made), then gives a strong answer.
    rig = Rig(content, mode="speakers", renderer=ScriptedRenderer(lines={}))
    # The greeting (fake TTS, 0.1 s a word, ending with the warm-up question) is over a second
    # before the candidate starts; 0.45 s of silence ends the first segment (0.25 s) but not
    # the turn (0.7 s).
    greeting = content.lines["greeting"].format(question=content.warmup.question)
    start = 0.1 * len(greeting.split()) + 1.0
    first = rig.say("Hmm, okay.", 0.5, at=start)
    rig.say(STRONG, 1.2, at=start + 0.95)
    rig.say("end the interview", 0.5, after=rig.awaiting, delay=0.5)
    rig.run(timeout=40)

    assert first.ended is not None
    # "Let's work through a concrete problem together.": only said after a poor warm-up.
    poor = content.lines["present_problem_poor"].split(". ")[1]
    spoken = [s for s in rig.written_sentences() if s]
    assert spoken, "nothing was played"
    assert not any(poor in s for s in spoken), spoken
    assert rig.loop.speculator.dropped >= 1
    # ... and its LLM call was stopped at once, not left to compete with the STT.
    assert rig.renderer.interrupted
    presented = [e for e in rig.journal() if e["type"] == "event" and e["kind"] == "warmup"]
    assert presented and "strong" in presented[0]["detail"]
    # Only the final answer became a turn, and it holds both parts of what was said.
    assert (
        rig.turns("candidate")[0].startswith("Hmm, okay.") and "skew" in rig.turns("candidate")[0]
    )


def test_an_unchanged_turn_speaks_the_speculative_reply_at_the_endpoint(content) -> None:  # type: ignore[no-untyped-def]
    rig = Rig(content, mode="speakers")
    rig.say(STRONG, 1.2, after=rig.awaiting, delay=0.3)
    rig.say("end the interview", 0.5, after=rig.awaiting, delay=0.5)
    rig.run(timeout=40)

    assert [m.kind for m in rig.renderer.moves] == [
        MoveKind.GREETING,
        MoveKind.PRESENT_PROBLEM,
        MoveKind.WRAP_UP,
    ]
    assert rig.loop.speculator.committed == 2
    timings = [e for e in rig.journal() if e["type"] == "timing" and e.get("t_endpoint")]
    assert len(timings) == 2 and all(t["speculative"] for t in timings)
    # The reply was ready before the endpoint: only the hand-over to the player remains.
    assert all(t["response_latency"] < 0.1 for t in timings), timings
