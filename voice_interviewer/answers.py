"""Interview answers synthesized with the bundled Piper voice: the candidate side of replay
demos, end-to-end tests and the latency benchmark. "[pause 1.5]" inside an answer inserts a
thinking pause of that many seconds."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

DEMO = [
    "You start by collecting data and checking its quality and labels. Then feature engineering "
    "with a feature store, training, offline evaluation, deployment with real time serving, and "
    "monitoring for data drift. Things go wrong with training serving skew.",
    "What scale are we designing for?",
    "The business objective is revenue per session, measured by conversion rate. [pause 1.2] "
    "The data sources are clickstream logs and purchase history.",
    "Give me a hint.",
    "End the interview.",
]

BENCH = [
    "Okay.",
    "What is the latency budget?",
    "I would start with the business objective, which is revenue per session.",
    "We have two years of clickstream and purchase logs, so, [pause 0.9] labels come from clicks and purchases.",
    "Um, let me think. [pause 1.5] I would check data quality first: missing values, duplicates and bot traffic.",
    "The features would live in a feature store with an online store in Redis and an offline store in Hive.",
    "For training data I would use point in time joins so no example sees future feature values.",
    "To avoid training serving skew, the same feature code runs in the batch and streaming pipelines, "
    "and we log the features at serving time.",
    "I would start with gradient boosted trees as a baseline before any deep model.",
    "The training pipeline runs daily in Airflow, and every model goes into a model registry with a version.",
    "We would serve it in real time behind a gRPC endpoint, with autoscaling on Kubernetes. "
    "[pause 1.0] Cold start is handled by warming up the model before it takes traffic.",
    "For rollout we use a canary at one percent of traffic, then ramp up.",
    "The A B test would use revenue per session as the primary metric, with click through rate as a guardrail.",
    "For sample size we would run a power analysis and run it for two weeks to get past novelty effects.",
    "For monitoring I would track data drift with population stability index and alert when it crosses a threshold.",
    "Retraining would be triggered automatically when drift is detected or weekly, whichever comes first.",
    "The data flywheel: clicks and purchases feed back into the training set every day. [pause 2.0] "
    "And, um, [pause 1.2] we would also use human review for the hard cases, because implicit feedback "
    "is noisy, and we want the labels for rare categories to be right before we retrain, which matters "
    "a lot when the catalogue changes quickly during holiday seasons and new products arrive every day.",
    "Yes.",
    "Could you repeat the question?",
    "Let's move on.",
    "I think that covers it, that's my answer.",
    "Shadow scoring would let us compare the new model with the old one on live traffic before switching.",
]

PAUSE = re.compile(r"\[pause (\d+(?:\.\d+)?)\]")


def synthesize_answers(texts: list[str], out_dir: Path, lead_s: float = 0.3) -> list[Path]:
    import soundfile

    from voice_interviewer.audio.resample import resample
    from voice_interviewer.tts.synthesizer import Synthesizer, SynthesizerConfig

    # No generator noise: the same text gives the same audio on every run, so a test or a
    # benchmark that replays these answers hears exactly the same candidate each time.
    voice = Synthesizer(SynthesizerConfig(noise_scale=0.0, noise_w_scale=0.0))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts, 1):
        pieces = [np.zeros(int(lead_s * 16000), dtype=np.int16)]
        parts = PAUSE.split(text)
        for j, part in enumerate(parts):
            if j % 2 == 1:
                pieces.append(np.zeros(int(float(part) * 16000), dtype=np.int16))
            elif part.strip():
                for chunk in voice.synthesize(part.strip()):
                    pieces.append(resample(chunk.pcm, chunk.sample_rate, 16000))
        pieces.append(np.zeros(int(lead_s * 16000), dtype=np.int16))
        path = out_dir / f"{i:02d}.wav"
        soundfile.write(str(path), np.concatenate(pieces), 16000, subtype="PCM_16")
        paths.append(path)
    return paths
