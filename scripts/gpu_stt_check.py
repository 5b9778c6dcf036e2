"""The STT on an NVIDIA GPU: CUDA float16 through CTranslate2 with the cuBLAS-12 shim.

The GPU machine can download nothing, and one call carries at most 64 MiB with the repo, so
the kit (wheels, model, test audio) is made here and sent in parts:

    # here, once (needs the network for two wheels and flite for the test audio):
    python scripts/gpu_stt_check.py prepare            # writes .gpu-kit/part1..partN
    # there, one call per part while the machine stays warm (30 s), the last one measures:
    python3 scripts/gpu_stt_check.py stage .gpu-kit/part1          (carry .gpu-kit/part1)
    python3 scripts/gpu_stt_check.py stage .gpu-kit/part2          (carry .gpu-kit/part2)
    python3 scripts/gpu_stt_check.py stage .gpu-kit/part3 && python3 scripts/gpu_stt_check.py run
                                                                   (carry .gpu-kit/part3)
    # the CPU path, here:
    python scripts/gpu_stt_check.py stage .gpu-kit/part1 ... && \\
        python scripts/gpu_stt_check.py run --device cpu --no-install

``run`` joins and checks the kit (SHA-256), installs the wheels into the kit with pip
(no index), makes the shim (a folder with libcublas.so.12 -> libcublas.so.13 and
libcublasLt.so.12 -> libcublasLt.so.13, from wherever CUDA 13's cuBLAS is), and runs
``measure`` again under LD_LIBRARY_PATH. ``measure`` prints and writes ($OUT or --out) JSON:

1. per-segment latency: one session, each test segment alone (median, p95);
2. the final pass per turn: the jargon turns, batched beam search with the problem's terms
   (seconds per turn, WER, concept recall);
3. concurrent streams: ``TranscriberService`` with N simulated sessions, N doubling until the
   segment p95 passes 100 ms; the answer is the largest N that held.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KIT = REPO / ".gpu-kit"
STAGE = Path(os.environ.get("VI_GPU_STAGE", "/tmp/vi-gpu-kit"))
PART_BYTES = 52 * 1024 * 1024  # the repo (~5 MiB) travels with each part: under 64 MiB
CUBLAS = ("libcublas.so", "libcublasLt.so")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- prepare (here) ---------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO))
    import ctranslate2
    import faster_whisper

    from voice_interviewer.stt.models import bundled_whisper_path

    work = KIT / "files"
    shutil.rmtree(KIT, ignore_errors=True)
    (work / "wheels").mkdir(parents=True)
    pins = [
        f"ctranslate2=={ctranslate2.__version__}",
        f"faster-whisper=={faster_whisper.__version__}",
    ]
    platforms = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
                 "manylinux2014_x86_64"]  # fmt: skip
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "--python-version", args.python, "--implementation", "cp", "-d",
               str(work / "wheels"), *pins]  # fmt: skip
    for platform in platforms:
        command[4:4] = ["--platform", platform]
    subprocess.run(command, check=True)
    shutil.copytree(bundled_whisper_path(), work / "model")
    _test_audio(work / "audio.npz", args.turns)
    parts = split_into_parts(work, KIT, PART_BYTES)
    shutil.rmtree(work)
    sizes = {n: sum(f.stat().st_size for f in (KIT / n).rglob("*")) >> 20 for n in parts}
    print(f"kit in {KIT}: " + ", ".join(f"{n} {s} MiB" for n, s in sizes.items()))
    print("add '/.gpu-kit/' to .git/info/exclude; carry one part per call (see --help)")


def split_into_parts(work: Path, kit: Path, part_bytes: int) -> list[str]:
    """Cut every file under ``work`` into pieces filling ``kit/part1``, ``part2``, ... of at
    most ``part_bytes`` each; every part holds the manifest (digests, pieces in order)."""
    files = sorted(p for p in work.rglob("*") if p.is_file())
    manifest: dict = {"files": {}, "parts": []}
    part, used, index = kit, part_bytes, 0
    for path in files:
        rel = str(path.relative_to(work))
        pieces: list[str] = []
        manifest["files"][rel] = {"sha256": sha256(path), "pieces": pieces}
        data = path.read_bytes()
        offset = 0
        while offset < len(data) or not pieces:
            if used >= part_bytes:
                index += 1
                part = kit / f"part{index}"
                part.mkdir(parents=True)
                used = 0
            take = min(len(data) - offset, part_bytes - used)
            piece = part / rel.replace("/", "__") / f"{len(pieces):02d}-{path.name}"
            piece.parent.mkdir(parents=True, exist_ok=True)
            piece.write_bytes(data[offset : offset + take])
            pieces.append(str(piece.relative_to(kit)))
            offset += take
            used += max(take, 1)
    manifest["parts"] = [f"part{i}" for i in range(1, index + 1)]
    for name in manifest["parts"]:
        (kit / name / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest["parts"]


def _test_audio(path: Path, turns: int) -> None:
    """Test segments (real speech) and jargon turns (flite) as int16 arrays, with references."""
    import numpy as np
    import soundfile as sf
    import soxr

    from voice_interviewer.interview.content import load_content
    from voice_interviewer.speechsets.jargon import load_jargon_set, speak_turn
    from voice_interviewer.speechsets.voices import SpeechCache, voice
    from voice_interviewer.stt.context import decoder_terms

    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"clips": [], "turns": []}
    folder = REPO / "tests" / "data" / "real-speech"
    for i, entry in enumerate(json.loads((folder / "manifest.json").read_text())["clips"]):
        audio, rate = sf.read(folder / entry["file"], dtype="float32", always_2d=True)
        mono = soxr.resample(audio.mean(axis=1), rate, 16_000)[: 16_000 * 8]
        arrays[f"clip{i}"] = (np.clip(mono, -1, 1) * 32767).astype(np.int16)
        meta["clips"].append(entry["text"])
    content, jargon = load_content(), load_jargon_set()
    cache = SpeechCache(Path(os.environ.get("VOICE_INTERVIEWER_SPEECH_CACHE", "/tmp/vi-speech")))
    step = max(1, len(jargon.answers) // turns)
    for i, answer in enumerate(jargon.answers[::step][:turns]):
        turn = speak_turn(answer, voice("flite-slt"), cache, jargon=jargon)
        arrays[f"turn{i}"] = turn.pcm
        arrays[f"spans{i}"] = np.array(turn.segments, dtype=np.int64)
        terms = decoder_terms(content, content.problem(answer.problem))
        meta["turns"].append({"id": answer.id, "problem": answer.problem, "text": answer.text,
                              "concepts": list(answer.concepts), "terms": list(terms)})  # fmt: skip
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(path, **arrays)


# -- stage and run (there) --------------------------------------------------------------------


def stage(args: argparse.Namespace) -> None:
    part = Path(args.part).resolve()
    STAGE.mkdir(parents=True, exist_ok=True)
    shutil.copy(part / "manifest.json", STAGE / "manifest.json")
    kit_root = part.parent
    for piece in part.rglob("*"):
        if piece.is_file() and piece.name != "manifest.json":
            target = STAGE / "pieces" / piece.relative_to(kit_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(piece, target)
    print(f"staged {part.name} in {STAGE}")


def _assemble() -> Path:
    manifest = json.loads((STAGE / "manifest.json").read_text())
    out = STAGE / "files"
    for rel, info in manifest["files"].items():
        target = out / rel
        if target.is_file() and sha256(target) == info["sha256"]:
            continue
        missing = [p for p in info["pieces"] if not (STAGE / "pieces" / p).is_file()]
        if missing:
            raise SystemExit(
                f"kit incomplete: stage {sorted({m.split('/')[0] for m in missing})} first"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as f:
            for piece in info["pieces"]:
                f.write((STAGE / "pieces" / piece).read_bytes())
        if sha256(target) != info["sha256"]:
            raise SystemExit(f"{rel}: SHA-256 mismatch after joining; prepare the kit again")
    return out


def _find_cublas13() -> Path | None:
    """The folder of CUDA 13's libcublas.so.13 (pip's nvidia-cublas, a CUDA install, ldconfig)."""
    import glob

    patterns = ["/usr/local/cuda*/lib64", "/usr/local/cuda*/targets/x86_64-linux/lib",
                "/usr/lib/x86_64-linux-gnu"]  # fmt: skip
    patterns += [str(Path(p) / "nvidia" / "*" / "lib") for p in sys.path if "-packages" in p]
    patterns += ["/opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib"]
    for pattern in patterns:
        for folder in sorted(glob.glob(pattern)):
            if (Path(folder) / "libcublas.so.13").exists():
                return Path(folder)
    return None


def run(args: argparse.Namespace) -> None:
    files = _assemble()
    env = dict(os.environ)
    if not args.no_install:
        site = STAGE / "site"
        if not site.is_dir():
            wheels = sorted(str(w) for w in (files / "wheels").glob("*.whl"))
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                            "--no-compile", "--target", str(site), *wheels], check=True)  # fmt: skip
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(REPO), env.get("PYTHONPATH", "")])
    else:
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    notes = []
    if args.device != "cpu":
        cu13 = _find_cublas13()
        if cu13 is None:
            notes.append("no libcublas.so.13 found: no shim made")
        else:
            shim = STAGE / "cublas12"
            shim.mkdir(exist_ok=True)
            for lib in CUBLAS:
                link = shim / f"{lib}.12"
                if link.is_symlink() or link.exists():
                    link.unlink()
                link.symlink_to(cu13 / f"{lib}.13")
            env["LD_LIBRARY_PATH"] = os.pathsep.join(
                [str(shim), str(cu13), env.get("LD_LIBRARY_PATH", "")]
            )
            notes.append(f"cuBLAS-12 shim {shim} -> {cu13}")
    command = [sys.executable, str(Path(__file__).resolve()), "measure", "--files", str(files),
               "--device", args.device, "--seconds", str(args.seconds), "--notes", "; ".join(notes)]  # fmt: skip
    if args.out:
        command += ["--out", args.out]
    command += args.extra.split()
    raise SystemExit(subprocess.run(command, env=env).returncode)


# -- measure (there, under the shim) ------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:
    import numpy as np

    try:
        import av  # noqa: F401  (faster-whisper imports it to decode files; we pass arrays)
    except ImportError:
        sys.modules["av"] = types.ModuleType("av")
    from voice_interviewer.interview.content import load_content
    from voice_interviewer.messages import SpeechSegment, TurnAudio
    from voice_interviewer.speechsets.scoring import ConceptScorer, Tally
    from voice_interviewer.stt import Transcriber, TranscriberConfig
    from voice_interviewer.stt.final_pass import FinalPass, FinalPassConfig
    from voice_interviewer.stt.service import ServiceConfig, TranscriberService
    from voice_interviewer.stt.streams import run_streams

    files = Path(args.files)
    data = np.load(files / "audio.npz")
    meta = json.loads(bytes(data["meta"]).decode())
    clips = [data[f"clip{i}"].astype(np.float32) / 32768 for i in range(len(meta["clips"]))]
    model = str(files / "model")
    report: dict = {"notes": args.notes, "device_asked": args.device}
    t0 = time.perf_counter()
    stt = Transcriber(TranscriberConfig(model=model, device=args.device))
    report.update(device=stt.device, compute_type=stt.compute_type, reason=stt.device_reason,
                  load_s=time.perf_counter() - t0, warm_up_s=stt.warm_up())  # fmt: skip
    print(f"STT on {stt.device} ({stt.compute_type}): {stt.device_reason}", flush=True)

    times = []
    for _ in range(3):
        for clip in clips:
            times.append(stt.transcribe(clip).stt_seconds)
    times.sort()
    report["segment_latency"] = {"median_s": times[len(times) // 2],
                                 "p95_s": times[int(0.95 * (len(times) - 1))], "n": len(times)}  # fmt: skip
    print(f"segment latency: {report['segment_latency']}", flush=True)

    final = FinalPass(FinalPassConfig(model=model, device=args.device, cpu_threads=0))
    final.warm_up()
    content, tally = load_content(), Tally()
    scorer = ConceptScorer(content)
    for i, turn_meta in enumerate(meta["turns"][: args.turns]):
        pcm, spans = data[f"turn{i}"], data[f"spans{i}"]
        segments = tuple(
            SpeechSegment(
                pcm[max(0, a - 4800) : b + 3200],
                16_000,
                a / 16_000,
                b / 16_000,
                pcm_start=max(0, a - 4800) / 16_000,
            )  # fmt: skip
            for a, b in spans
        )
        result = final.transcribe(TurnAudio(i, segments, tuple(turn_meta["terms"])))
        found = scorer.found(turn_meta["problem"], result.text)
        tally.add(turn_meta["text"], result.text, result.seconds, turn_meta["concepts"], found)
    report["final_pass"] = {"turns": tally.turns, "seconds_per_turn": tally.mean_seconds,
                            "wer": tally.wer, "concept_recall": tally.recall}  # fmt: skip
    print(f"final pass: {report['final_pass']}", flush=True)

    service = TranscriberService(stt, ServiceConfig(max_batch=args.max_batch, max_wait_ms=5))
    streams, n = [], 1
    while n <= args.max_streams:
        load = run_streams(service, clips, n, args.seconds, prompt=stt.initial_prompt())
        streams.append({"streams": n, "p50_ms": load.p50 * 1000, "p95_ms": load.p95 * 1000,
                        "mean_batch": load.mean_batch, "segments": len(load.latencies)})  # fmt: skip
        print(f"streams {streams[-1]}", flush=True)
        if load.p95 * 1000 > args.target_ms:
            break
        n *= 2
    service.close()
    held = [s["streams"] for s in streams if s["p95_ms"] <= args.target_ms]
    report["streams"] = streams
    report["max_streams_p95_under_target"] = max(held) if held else 0
    report["target_ms"] = args.target_ms
    text = json.dumps(report, indent=2)
    print(text)
    out = args.out or os.environ.get("OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "gpu_stt.json").write_text(text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="make the kit here")
    p.add_argument("--python", default="3.12", help="the GPU machine's Python version")
    p.add_argument("--turns", type=int, default=24)
    s = sub.add_parser("stage", help="copy one carried part of the kit into the stage")
    s.add_argument("part")
    for name in ("run", "measure"):
        r = sub.add_parser(name)
        r.add_argument("--device", default="cuda")
        r.add_argument("--seconds", type=float, default=20.0)
        r.add_argument("--out", default=None)
        if name == "run":
            r.add_argument("--extra", default="", help="more options for measure")
            r.add_argument("--no-install", action="store_true", help="use the installed packages")
        else:
            r.add_argument("--files", required=True)
            r.add_argument("--notes", default="")
            r.add_argument("--max-batch", type=int, default=16)
            r.add_argument("--turns", type=int, default=None, help="final pass on N turns")
            r.add_argument("--max-streams", type=int, default=256)
            r.add_argument("--target-ms", type=float, default=100.0)
    args = parser.parse_args()
    {"prepare": prepare, "stage": stage, "run": run, "measure": measure}[args.command](args)


if __name__ == "__main__":
    main()
