"""STT accuracy and speed on ML jargon: the fast pass and the final pass, hotwords off and on.

    python scripts/bench_stt.py [--voices flite-slt,flite-rms,espeak-gb-f] [--limit N]
                                [--final-model whisper-base] [--final-threads 1] [--json FILE]

The jargon speech set (voice_interviewer/speechsets/jargon.toml, 89 answers) is spoken by each
voice and cut into segments at the sentence pauses, as the endpointer cuts a turn. Four
configurations hear every turn:

- fast, hotwords off: each segment on its own, greedy, the filler prompt only (the live path
  before this work);
- fast, hotwords on: each segment with the problem's terms in the prompt and the turn's earlier
  segments as context (``TranscriberConfig.segment_context``);
- final, hotwords off / on: the whole turn in one batched beam-search call (``FinalPass``),
  without / with the problem's terms.

For each: word error rate (``text.comparable_words`` on both sides), concept recall (the share
of the reference's concept mentions the director's matcher finds in the transcript) and seconds
per turn (the fast pass also shows its last segment, the part the reply waits for). The real
speech of tests/data/real-speech (no problem, no concepts) gets WER rows. Synthesized audio is
cached on disk (``--cache``), so a rerun synthesizes nothing. Print the load average with the
figures: other work on a 2-core machine inflates the times, not the accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from voice_interviewer.interview.content import load_content  # noqa: E402
from voice_interviewer.messages import SpeechSegment, TurnAudio  # noqa: E402
from voice_interviewer.speechsets.jargon import (  # noqa: E402
    DEFAULT_VOICES,
    load_jargon_set,
    speak_turn,
    turn_segments,
)
from voice_interviewer.speechsets.scoring import ConceptScorer, Tally  # noqa: E402
from voice_interviewer.speechsets.voices import SpeechCache, voice  # noqa: E402
from voice_interviewer.stt.context import decoder_terms  # noqa: E402

CONFIGS = ("fast/off", "fast/on", "final/off", "final/on")


@dataclass
class Case:
    """One turn to hear: reference, problem, concepts, segments, and where it came from."""

    label: str
    text: str
    problem: str | None
    concepts: tuple[str, ...]
    segments: tuple[SpeechSegment, ...]


def jargon_cases(
    voices: list[str], limit: int | None, cache: SpeechCache, stride: int = 1
) -> list[Case]:
    jargon = load_jargon_set()
    answers = jargon.answers[::stride][:limit] if limit else jargon.answers[::stride]
    cases = []
    # Answer by answer, each in every voice: any prefix of the run covers all the voices.
    for answer in answers:
        for name in voices:
            turn = speak_turn(answer, voice(name), cache, jargon=jargon)
            cases.append(
                Case(
                    f"{name}/{answer.id}",
                    answer.text,
                    answer.problem,
                    answer.concepts,
                    turn_segments(turn, t0=10.0),
                )
            )
    return cases


def real_cases(folder: Path) -> list[Case]:
    import numpy as np
    import soundfile as sf
    import soxr

    cases = []
    for entry in json.loads((folder / "manifest.json").read_text())["clips"]:
        audio, rate = sf.read(folder / entry["file"], dtype="float32", always_2d=True)
        mono = soxr.resample(audio.mean(axis=1), rate, 16_000).astype(np.float32)
        pcm = (np.clip(mono, -1, 1) * 32767).astype(np.int16)
        seg = SpeechSegment(pcm, 16_000, 0.0, len(pcm) / 16_000, ends_turn=True)
        cases.append(Case(f"real/{entry['file']}", entry["text"], None, (), (seg,)))
    return cases


def run_fast(stt, case: Case, terms: tuple[str, ...]) -> tuple[str, float, float]:
    """The live path over the turn's segments: (text, seconds in all, last segment's)."""
    stt.set_vocabulary(", ".join(terms))
    texts: list[str] = []
    total = last = 0.0
    for seg in case.segments:
        start = seg.pcm_start if seg.pcm_start is not None else seg.t_start
        t = stt.transcribe(
            seg.pcm, start, sample_rate=seg.sample_rate, previous_text=" ".join(texts)
        )
        total += t.stt_seconds
        last = t.stt_seconds
        if t.text:
            texts.append(t.text)
    return " ".join(texts), total, last


def fast_latency(cases: list[Case], terms_of: dict, rounds: int) -> None:
    """The fast pass's per-segment time with and without the prompt additions, interleaved
    segment by segment (so that load drifting over the run hits all three alike)."""
    from voice_interviewer.stt import Transcriber, TranscriberConfig

    plain = Transcriber(TranscriberConfig())
    ctx = Transcriber(TranscriberConfig(segment_context=True))
    plain.warm_up()
    ctx.warm_up()
    times: dict[str, list[float]] = {
        "filler prompt only": [],
        "+ terms": [],
        "+ terms + context": [],
    }
    for _ in range(rounds):
        for case in cases:
            terms = ", ".join(terms_of[case.problem])
            before = ""
            for seg in case.segments:
                start = seg.pcm_start if seg.pcm_start is not None else seg.t_start
                for name, stt, vocab in (
                    ("filler prompt only", plain, ""),
                    ("+ terms", plain, terms),
                    ("+ terms + context", ctx, terms),
                ):
                    stt.set_vocabulary(vocab)
                    t = stt.transcribe(
                        seg.pcm, start, sample_rate=seg.sample_rate, previous_text=before
                    )
                    times[name].append(t.stt_seconds)
                before = (before + " " + t.text).strip()
    base = statistics.median(times["filler prompt only"])
    for name, values in times.items():
        med = statistics.median(values)
        print(
            f"fast pass per segment, {name:20s}: median {med * 1000:5.0f} ms "
            f"({med / base - 1:+.0%}), p95 {sorted(values)[int(0.95 * (len(values) - 1))] * 1000:5.0f} ms",
            flush=True,
        )


def summarize(logs: list[str], real_speech: Path) -> None:
    """The table from ``--log`` files of an unfinished run: each configuration scored on the
    turns that every configuration has done (the same turns for all)."""
    jargon = load_jargon_set()
    manifest = json.loads((real_speech / "manifest.json").read_text())["clips"]
    refs = {f"real/{e['file']}": (e["text"], None, ()) for e in manifest}
    records: dict[str, dict[str, dict]] = {}
    for path in logs:
        for line in Path(path).read_text().splitlines():
            r = json.loads(line)
            records.setdefault(r["config"], {})[r["case"]] = r
    common = set.intersection(*(set(v) for v in records.values()))
    print(f"{len(common)} turns done by every configuration")
    for config, done in records.items():
        synthetic, real = Tally(), Tally()
        for label in sorted(common):
            r = done[label]
            if label in refs:
                text, problem, concepts = refs[label]
            else:
                answer = jargon.answer(label.split("/", 1)[1])
                text, problem, concepts = answer.text, answer.problem, answer.concepts
            tally = real if problem is None else synthetic
            tally.add(text, r["text"], r["seconds"], concepts, set(r["found"]), label)
        print(
            f"{config:10s} WER {synthetic.wer:6.1%}  concept recall {synthetic.recall or 0:6.1%}  "
            f"{synthetic.mean_seconds:5.2f} s/turn  real speech WER {real.wer:5.1%}  "
            f"({synthetic.turns} jargon turns)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voices", default=",".join(DEFAULT_VOICES))
    parser.add_argument("--limit", type=int, default=None, help="first N answers only")
    parser.add_argument("--stride", type=int, default=1, help="every Nth answer only")
    parser.add_argument("--log", default=None, help="append each turn's result here (JSONL)")
    parser.add_argument("--summarize", nargs="+", metavar="LOG", help="score --log files")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--final-model", default=None, help="the final pass's model")
    parser.add_argument("--final-threads", type=int, default=None)
    parser.add_argument("--real-speech", default=str(REPO / "tests" / "data" / "real-speech"))
    parser.add_argument(
        "--cache", default=os.environ.get("VOICE_INTERVIEWER_SPEECH_CACHE", "/tmp/vi-speech")
    )
    parser.add_argument("--json", default=None, help="write the figures here")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--latency", type=int, default=0, metavar="ROUNDS",
        help="only time the fast pass's prompt additions, interleaved, over ROUNDS passes",
    )  # fmt: skip
    args = parser.parse_args()

    if args.summarize:
        summarize(args.summarize, Path(args.real_speech))
        return

    from voice_interviewer.stt import Transcriber, TranscriberConfig
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig

    content = load_content()
    scorer = ConceptScorer(content)
    cache = SpeechCache(Path(args.cache))
    t0 = time.perf_counter()
    cases = jargon_cases(args.voices.split(","), args.limit, cache, args.stride)
    reals = real_cases(Path(args.real_speech))
    print(f"{len(cases)} jargon turns ready in {time.perf_counter() - t0:.0f} s", flush=True)
    terms_of = {p.id: decoder_terms(content, p) for p in content.problems}
    if args.latency:
        fast_latency(cases, terms_of, args.latency)
        return

    final_cfg = FinalPassConfig(model=args.final_model)
    if args.final_threads:
        final_cfg = FinalPassConfig(model=args.final_model, cpu_threads=args.final_threads)
    stts = {
        "fast/off": Transcriber(TranscriberConfig()),
        "fast/on": Transcriber(TranscriberConfig(segment_context=True)),
    }
    final = FinalPass(final_cfg)
    for model in (*stts.values(), final):
        model.warm_up()
    print(
        f"final pass: {final.model_path} on {final.device} ({final.compute_type}), "
        f"{final_cfg.cpu_threads} thread(s), beam {final_cfg.beam_size}",
        flush=True,
    )

    results: dict[str, dict] = {}
    for config in args.configs.split(","):
        pass_, hot = config.split("/")
        synthetic, real, last_seg = Tally(), Tally(), []
        per_voice: dict[str, Tally] = {}
        loads = []
        for case in reals + cases:
            terms = terms_of[case.problem] if (hot == "on" and case.problem) else ()
            if pass_ == "fast":
                text, seconds, last = run_fast(stts[config], case, terms)
                last_seg.append(last)
            else:
                turn = TurnAudio(0, case.segments, terms)
                result = final.transcribe(turn)
                text, seconds = result.text, result.seconds
            tally = real if case.problem is None else synthetic
            found = scorer.found(case.problem, text)
            tally.add(case.text, text, seconds, case.concepts, found, case.label)
            if args.log:
                with open(args.log, "a", encoding="utf-8") as log:
                    record = {"config": config, "case": case.label, "text": text,
                              "seconds": seconds, "found": sorted(found)}  # fmt: skip
                    log.write(json.dumps(record) + "\n")
            if case.problem is not None:
                name = case.label.split("/")[0]
                per_voice.setdefault(name, Tally()).add(
                    case.text, text, seconds, case.concepts, found
                )
            loads.append(os.getloadavg()[0])
            if len(loads) % 50 == 0:
                print(f"  {config}: {len(loads)} of {len(cases) + len(reals)} turns", flush=True)
        row = {
            "wer": synthetic.wer,
            "concept_recall": synthetic.recall,
            "seconds_per_turn": synthetic.mean_seconds,
            "real_speech_wer": real.wer,
            "turns": synthetic.turns,
            "load_average": statistics.mean(loads),
            "per_voice": {
                name: {"wer": t.wer, "concept_recall": t.recall} for name, t in per_voice.items()
            },
        }
        if last_seg:
            row["last_segment_s_median"] = statistics.median(last_seg)
        results[config] = row
        recall = synthetic.recall if synthetic.recall is not None else 0.0
        print(
            f"{config:10s} WER {synthetic.wer:6.1%}  concept recall {recall:6.1%}  "
            f"{synthetic.mean_seconds:5.2f} s/turn"
            + (f" (last segment {row['last_segment_s_median']:.2f} s)" if last_seg else "")
            + f"  real speech WER {real.wer:5.1%}  load {row['load_average']:.1f}",
            flush=True,
        )
        print(
            "           "
            + "  ".join(f"{name} {t.wer:.1%}/{t.recall or 0:.1%}" for name, t in per_voice.items())
        )
        if args.show_misses:
            print("   missed:", " ".join(synthetic.missed))
    print(f"voices: {args.voices} (per voice: WER/concept recall); load {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
