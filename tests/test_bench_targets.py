"""The latency benchmark's targets: met or missed, and the stage that holds a missed one."""

from __future__ import annotations

from voice_interviewer.bench import format_report, targets


def report(wait: float, response: float, v2v: tuple[float, float], ratio: float) -> dict:
    def s(p50: float) -> dict:
        return {"n": 5, "p50": p50, "p95": p50}

    return {
        "stages": {
            "endpoint_wait_s": s(wait),
            "stt_last_segment_s": s(0.2),
            "first_clause_s": s(0.05),
            "tts_first_chunk_s": s(0.08),
        },
        "response_latency_s": s(response),
        "voice_to_voice_s": {"n": 5, "p50": v2v[0], "p95": v2v[1]},
        "first_audio_ratio_naive_over_ours": ratio,
    }


def test_missed_targets_name_the_end_of_turn_wait_when_it_is_the_larger_part() -> None:
    rows = targets(report(wait=0.9, response=0.1, v2v=(1.0, 3.0), ratio=1.5))
    assert [r["met"] for r in rows] == [False, False, False]
    assert all(r["held_by"].startswith("the end-of-turn wait (p50 900 ms") for r in rows)


def test_missed_targets_name_the_slowest_response_stage_otherwise() -> None:
    rows = targets(report(wait=0.2, response=0.4, v2v=(0.6, 0.7), ratio=3.5))
    assert [r["met"] for r in rows] == [False, True, True]
    assert rows[0]["held_by"] == "the response (p50 400 ms; slowest: stt_last_segment_s 200 ms)"
    assert rows[1]["held_by"] is None


def test_the_report_prints_each_target_with_its_verdict() -> None:
    r = report(wait=0.2, response=0.1, v2v=(0.4, 0.7), ratio=3.2)
    r["targets"] = targets(r)
    lines = [line for line in _lines(r) if "target" in line]
    assert lines == [
        "  target voice-to-voice p50 <= 450 ms: 400 ms -> met",
        "  target voice-to-voice p95 <= 800 ms: 700 ms -> met",
        "  target first audio vs naive >= 3.0x: 3.2x -> met",
    ]


def _lines(r: dict) -> list[str]:
    full = {
        "model": "m",
        "turns_measured": 5,
        "inputs": {"seconds_min": 1, "seconds_max": 2},
        "machine": {"cpu": "x", "cores": 2, "load_average": (0.1, 0, 0)},
        "naive": {"voice_to_voice_s": {"n": 0}},
        "response_ratio_naive_over_ours": 1,
        "speculative_turns": 0,
        "startup_to_greeting_s": 1.0,
        "model_load_s": {},
        "peak_rss_mb": 1.0,
        **r,
    }
    return format_report(full).splitlines()
