"""The endpointing benchmark on a small subset, with the real signals (VAD, tiny.en, Smart
Turn): the replay scores false cut-offs and dead air where the labels say."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from voice_interviewer.audio.eot_bench import METHODS, Outcome, Replay, Signals, operating_point
from voice_interviewer.speechsets.endpointing import real_items, synthesize_item

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "real-speech"
pytestmark = pytest.mark.slow

SCRIPTS = [
    ("think", "long", "Let me think. |think| I'd say the biggest risk is training serving skew."),
    ("list", "long", "We need three things: latency, |list| freshness, |list| and cost."),
    ("ready", "short", "Yes, I'm ready."),
]


@pytest.fixture(scope="module")
def subset():  # type: ignore[no-untyped-def]
    items = [synthesize_item(i, c, s, "flite-slt") for i, c, s in SCRIPTS]
    real = {i.id: i for i in real_items(REAL)}
    items += [real["real/LJ001-0006+LJ001-0008/1.0"], real["real/LJ001-0013"]]
    return items


@pytest.fixture(scope="module")
def replay(tmp_path_factory):  # type: ignore[no-untyped-def]
    return Replay(Signals(tmp_path_factory.mktemp("signals")))


def _method(name: str):  # type: ignore[no-untyped-def]
    return next(m for m in METHODS if m.name == name)


def test_a_fixed_silence_cuts_exactly_the_pauses_longer_than_it(subset, replay) -> None:  # type: ignore[no-untyped-def]
    outcome = replay.run(_method("silence"), 600.0, subset)
    cut = {(item, round(s, 2)) for item, _, s in outcome.cut_pauses}
    for item in subset:
        for pause in item.mids:
            if pause.seconds > 0.68:
                assert (item.id, round(pause.seconds, 2)) in cut
            elif pause.seconds < 0.52:
                assert (item.id, round(pause.seconds, 2)) not in cut
    assert len(outcome.dead_air) == len(subset) and outcome.missed_ends == 0
    # Dead air as the app measures it: from the VAD's last voiced frame.
    assert outcome.dead_air == pytest.approx([0.6] * len(subset), abs=0.021)


def test_the_policy_holds_thinking_pauses_and_ends_short_answers_quickly(subset, replay) -> None:  # type: ignore[no-untyped-def]
    policy = _method("policy")
    outcome = replay.run(policy, policy.default, subset)
    assert ("think/flite-slt", "think") not in {(i, k) for i, k, _ in outcome.cut_pauses}
    # The LJ clip ends on a comma; Smart Turn hears it (p ~ 0.02): no cut in its 1 s pause.
    assert not [c for c in outcome.cut_pauses if c[0].startswith("real/LJ001-0006")]
    slow = dict(outcome.slow_ends)
    assert slow["ready/flite-slt"] < 0.7  # "Yes, I'm ready." after "Ready?"
    assert replay.signals.computed["stt"] > 0 and replay.signals.computed["smart_turn"] > 0


def test_signals_are_cached_on_disk(subset, replay, tmp_path) -> None:  # type: ignore[no-untyped-def]
    policy = _method("policy")
    replay.run(policy, policy.default, subset)
    replay.signals.save()
    fresh = Replay(Signals(replay.signals.cache))
    again = fresh.run(policy, policy.default, subset)
    assert fresh.signals.computed == {"stt": 0, "smart_turn": 0}
    assert again.dead_air == replay.run(policy, policy.default, subset).dead_air


def test_operating_point_and_table(subset, replay) -> None:  # type: ignore[no-untyped-def]
    found = operating_point(replay, _method("silence"), subset, target=0.0)
    assert found is not None
    value, outcome = found
    longest = max(p.seconds for i in subset for p in i.mids)
    assert value >= longest * 1000 - 100 and outcome.false_cutoffs() == 0.0
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts/bench_endpointing.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    row = bench._row(_method("silence"), found, replay.run(_method("silence"), 600.0, subset))
    table = bench.markdown([row])
    assert "(a) fixed VAD silence" in table and f"{value:g}" in table
    assert isinstance(outcome, Outcome)
