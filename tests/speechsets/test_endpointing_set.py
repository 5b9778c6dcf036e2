"""The endpointing set: enough labelled pauses of every kind, deterministic, and audio whose
pauses are where the labels say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voice_interviewer.speechsets.endpointing import (
    END_SILENCE_S,
    MARKER,
    PAUSE_RANGES,
    VOICES,
    EndpointingSet,
    pause_length,
    real_items,
    scripts,
    synthesize_item,
)

REAL = Path(__file__).resolve().parents[1] / "data" / "real-speech"
SR = 16_000


def test_the_set_has_at_least_200_true_ends_and_200_mid_turn_pauses() -> None:
    found = scripts()
    markers = sum(len(MARKER.findall(s)) for _, _, s in found)
    real = real_items(REAL)
    ends = len(found) * len(VOICES) + len(real)
    mids = markers * len(VOICES) + sum(len(i.mids) for i in real)
    assert ends >= 200 and mids >= 200
    kinds = {k for _, _, s in found for k in MARKER.findall(s)}
    assert kinds == set(PAUSE_RANGES)
    assert {c for _, c, _ in found} == {"long", "short"}
    assert len(VOICES) >= 3 and all(v.startswith("flite-") for v in VOICES)


def test_pause_lengths_are_seeded_and_in_range() -> None:
    for kind, (low, high, _) in PAUSE_RANGES.items():
        values = [pause_length(f"item{i}", 0, kind) for i in range(200)]
        assert min(values) >= low - 0.005 and max(values) <= high + 0.005
        assert max(values) - min(values) > (high - low) / 2  # spread over the range
        assert values == [pause_length(f"item{i}", 0, kind) for i in range(200)]
    thinking = [pause_length(f"x{i}", 0, "think") for i in range(400)]
    assert sum(t > 2.5 for t in thinking) > 40  # long thinking pauses are well represented


@pytest.mark.parametrize("voice_name", ["flite-slt", "flite-kal16"])
def test_a_synthesized_item_has_silence_exactly_where_its_pauses_are(voice_name: str) -> None:
    script = "We need three things: latency, |list| freshness, |list| and cost. |sentence| So |filler| that's it."
    item = synthesize_item("t", "long", script, voice_name)
    assert [p.kind for p in item.pauses] == ["list", "list", "sentence", "filler", "end"]
    assert item.text == "We need three things: latency, freshness, and cost. So that's it."
    for pause in item.mids:
        inside = item.audio[int(pause.start * SR) + 1 : int(pause.end * SR) - 1]
        assert not inside.any(), pause
        before = item.audio[int(pause.start * SR) - 800 : int(pause.start * SR)]
        assert np.abs(before.astype(np.int32)).max() > 300, "speech right before the pause"
        after = item.audio[int(pause.end * SR) : int(pause.end * SR) + 3200]
        assert np.abs(after.astype(np.int32)).max() > 300, "speech right after the pause"
    end = item.end
    assert end.end == pytest.approx(len(item.audio) / SR, abs=0.01)
    assert end.seconds >= END_SILENCE_S
    assert np.abs(item.audio[int((end.start - 0.1) * SR) : int(end.start * SR)]).max() > 300
    again = synthesize_item("t", "long", script, voice_name)
    assert np.array_equal(item.audio, again.audio)  # the same candidate on every run


def test_real_items_come_from_the_recordings() -> None:
    items = real_items(REAL)
    assert len(items) == 15
    assert all(i.voice == "real" and i.audio.dtype == np.int16 for i in items)
    jfk = [i for i in items if i.id.startswith("real/jfk")]
    assert [len(i.mids) for i in jfk] == [3, 3, 3, 3]
    natural = jfk[0]
    assert [round(p.seconds, 2) for p in natural.mids] == [1.0, 1.0, 0.54]
    assert [round(p.seconds, 2) for p in jfk[-1].mids] == [4.0, 4.0, 3.54]
    for item in items:
        for pause in item.mids:
            # The recordings' own pauses hold room tone, the inserted ones are silence.
            gap = item.audio[int(pause.start * SR) : int(pause.end * SR)].astype(np.int32)
            assert np.sqrt(np.mean(gap**2)) < 300, (item.id, pause)


def test_the_set_caches_items_on_disk(tmp_path: Path) -> None:
    dataset = EndpointingSet(REAL, tmp_path, voices=("flite-slt",), quick=True)
    first = list(dataset.items())
    assert len(list(tmp_path.glob("*.npz"))) == len(scripts()[::8])
    second = list(dataset.items())
    assert [i.id for i in first] == [i.id for i in second]
    assert all(np.array_equal(a.audio, b.audio) for a, b in zip(first, second, strict=True))
    assert all(a.pauses == b.pauses for a, b in zip(first, second, strict=True))
