"""The final pass under load: does it slow the live path, and does it finish in time?

    python scripts/bench_final_pass.py [--turns 10] [--voice flite-rms] [--modes off,on,naive]

A spoken interview is played in real time: each jargon answer's segments reach the live STT
when the candidate pauses after them (as the endpointer sends them), the reply is synthesized
by Piper at the endpoint and "played" for its length, then the next answer starts. Modes:

- ``off``: the live path alone (the reference);
- ``on``: the final pass as designed: ``FinalPassWorker`` at nice 10, one CPU thread, waiting
  between batches while the live path works (``LiveActivity``), expired when the next reply
  is due;
- ``naive``: the same pass at normal priority, two threads, never waiting.

Printed per mode: live segment STT latency (median, p95, max), Piper reply synthesis time,
and for the final pass: seconds from a turn's endpoint to its final text, and how many final
texts would have come after the next reply was due (dropped). The load average is printed
too: other work on the machine inflates every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from voice_interviewer.interview.content import load_content  # noqa: E402
from voice_interviewer.messages import TurnAudio  # noqa: E402
from voice_interviewer.speechsets.jargon import load_jargon_set, speak_turn, turn_segments  # noqa: E402
from voice_interviewer.speechsets.voices import SpeechCache, voice  # noqa: E402
from voice_interviewer.stt.context import decoder_terms  # noqa: E402

SEGMENT_PAUSE_S = 0.25  # the endpointer sends a segment after this much silence
TURN_END_S = 0.7  # and ends the turn after this much
REPLY = (
    "That makes sense. How would you keep the online and offline features consistent, and "
    "what would you monitor once the model is live?"
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def run(mode: str, turns, content, stt, tts) -> dict:
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig
    from voice_interviewer.stt.final_worker import FinalPassWorker, LiveActivity

    activity = LiveActivity()
    worker = None
    delivered_at: dict[int, float] = {}
    finals: dict[int, float] = {}

    def on_result(final) -> None:
        delivered_at[final.turn_index] = time.perf_counter()
        finals[final.turn_index] = final.seconds

    if mode != "off":
        naive = mode == "naive"
        cfg = FinalPassConfig(cpu_threads=2 if naive else 1)
        worker = FinalPassWorker(
            lambda: FinalPass(cfg),
            activity=LiveActivity() if naive else activity,  # naive: nobody marks live work
            nice=0 if naive else 10,
            on_result=on_result,
        )
        worker.wait_ready(600)
    seg_latency: list[float] = []
    reply_s: list[float] = []
    endpoints: dict[int, float] = {}
    futures = {}
    clock0 = time.perf_counter()
    at = 0.0  # session clock: seconds since clock0
    for k, (answer, segments) in enumerate(turns):
        turn_start = at
        for seg in segments:
            arrival = turn_start + (seg.t_end - segments[0].pcm_start) + SEGMENT_PAUSE_S
            time.sleep(max(0.0, arrival - (time.perf_counter() - clock0)))
            arrived = time.perf_counter()
            with activity.busy():
                stt.transcribe(seg.pcm, seg.pcm_start, sample_rate=seg.sample_rate)
            seg_latency.append(time.perf_counter() - arrived)
        endpoint = turn_start + (segments[-1].t_end - segments[0].pcm_start) + TURN_END_S
        time.sleep(max(0.0, endpoint - (time.perf_counter() - clock0)))
        endpoints[k] = time.perf_counter()
        if worker is not None:
            worker.expire(before_turn=k)  # the reply to turn k is due now
            problem = content.problem(answer.problem)
            futures[k] = worker.submit(TurnAudio(k, segments, decoder_terms(content, problem)))
        t0 = time.perf_counter()
        with activity.busy():
            audio = [c.pcm for c in tts.synthesize(REPLY)]
        reply_s.append(time.perf_counter() - t0)
        playback = sum(len(a) for a in audio) / tts.sample_rate
        at = (time.perf_counter() - clock0) + playback
        time.sleep(playback)
    result = {
        "mode": mode,
        "segments": len(seg_latency),
        "segment_median_s": statistics.median(seg_latency),
        "segment_p95_s": pct(seg_latency, 0.95),
        "segment_max_s": max(seg_latency),
        "reply_synthesis_median_s": statistics.median(reply_s),
        "load_average": os.getloadavg()[0],
    }
    if worker is not None:
        # The last turn has no next reply to beat: wait for it.
        futures[len(turns) - 1].result(timeout=600)
        lags = [delivered_at[k] - endpoints[k] for k in delivered_at] or [float("nan")]
        result.update(
            {
                "final_delivered": worker.stats.delivered,
                "final_dropped_late": worker.stats.expired,
                "final_compute_median_s": statistics.median(finals.values() or [float("nan")]),
                "final_after_endpoint_median_s": statistics.median(lags),
                "final_after_endpoint_max_s": max(lags),
            }
        )
        worker.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--voice", default="flite-rms")
    parser.add_argument("--modes", default="off,on,naive")
    parser.add_argument(
        "--cache", default=os.environ.get("VOICE_INTERVIEWER_SPEECH_CACHE", "/tmp/vi-speech")
    )
    args = parser.parse_args()

    from voice_interviewer.stt import Transcriber, TranscriberConfig
    from voice_interviewer.tts import Synthesizer

    content = load_content()
    jargon = load_jargon_set()
    cache = SpeechCache(Path(args.cache))
    picks = jargon.answers[:: max(1, len(jargon.answers) // args.turns)][: args.turns]
    turns = [
        (a, turn_segments(speak_turn(a, voice(args.voice), cache, jargon=jargon))) for a in picks
    ]
    stt = Transcriber(TranscriberConfig())
    stt.warm_up()
    tts = Synthesizer()
    tts.warm_up()
    seconds = sum(s[-1].t_end for _, s in turns)
    print(
        f"{len(turns)} turns, {seconds:.0f} s of candidate speech, voice {args.voice}", flush=True
    )
    for mode in args.modes.split(","):
        r = run(mode, turns, content, stt, tts)
        line = (
            f"{mode:6s} live segment STT median {r['segment_median_s']:.2f} s, p95 "
            f"{r['segment_p95_s']:.2f} s, max {r['segment_max_s']:.2f} s; reply synthesis "
            f"{r['reply_synthesis_median_s']:.2f} s"
        )
        if "final_delivered" in r:
            line += (
                f"; final pass: {r['final_delivered']} delivered, {r['final_dropped_late']} late, "
                f"compute {r['final_compute_median_s']:.2f} s, endpoint->final median "
                f"{r['final_after_endpoint_median_s']:.2f} s max {r['final_after_endpoint_max_s']:.2f} s"
            )
        print(line + f"; load {r['load_average']:.1f}", flush=True)


if __name__ == "__main__":
    main()
