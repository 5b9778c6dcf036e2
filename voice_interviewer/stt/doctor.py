"""``doctor`` for speech recognition: which device and compute type the STT will use, and why.

The checks are cheap (no model is loaded): what CTranslate2 sees, whether an NVIDIA driver is
there, and whether the cuBLAS 12 libraries CTranslate2 4.x opens at its first matrix product
can be loaded. The environment sits behind ``CudaEnvironment`` so that every branch is tested
with a fake.
"""

from __future__ import annotations

import ctypes
import glob
import os
import subprocess
from dataclasses import dataclass
from typing import Protocol

from voice_interviewer.stt.transcriber import TranscriberConfig

CUBLAS_12 = ("libcublas.so.12", "libcublasLt.so.12")
CUBLAS_13 = ("libcublas.so.13", "libcublasLt.so.13")
SHIM_DOC = "docs/gpu.md"


class CudaEnvironment(Protocol):
    """What the STT device choice depends on."""

    def cuda_device_count(self) -> int:
        """CUDA devices CTranslate2 sees (0 for a build without CUDA or without a driver)."""
        ...

    def has_nvidia_driver(self) -> bool:
        """Whether an NVIDIA kernel driver is loaded."""
        ...

    def can_load(self, library: str) -> bool:
        """Whether the dynamic loader finds ``library`` (as CTranslate2 will look for it)."""
        ...

    def find(self, library: str) -> str | None:
        """A path of ``library`` on this machine, wherever it is, or None."""
        ...


@dataclass(frozen=True)
class SttDeviceReport:
    """Where the STT runs and why; ``advice`` says how to get it onto the GPU when it could."""

    device: str
    compute_type: str
    reason: str
    advice: tuple[str, ...] = ()
    ok: bool = True
    """False when the configuration cannot work (device=cuda without a usable CUDA)."""


class SystemCuda:
    """The real environment."""

    def cuda_device_count(self) -> int:
        try:
            import ctranslate2
        except ImportError:
            return 0
        return int(ctranslate2.get_cuda_device_count())

    def has_nvidia_driver(self) -> bool:
        return os.path.exists("/proc/driver/nvidia/version")

    def can_load(self, library: str) -> bool:
        try:
            ctypes.CDLL(library)
        except OSError:
            return False
        return True

    def find(self, library: str) -> str | None:
        try:
            listing = subprocess.run(
                ["ldconfig", "-p"], capture_output=True, text=True, check=False, timeout=5
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            listing = ""
        for line in listing.splitlines():
            if line.strip().startswith(library + " "):
                return line.rsplit("=>", 1)[-1].strip()
        patterns = [
            f"/usr/local/cuda*/lib64/{library}",
            f"/usr/local/cuda*/targets/*/lib/{library}",
            f"/usr/lib/*/{library}",
            # pip's nvidia-cublas wheels (CUDA 13 puts them under nvidia/cu13/lib).
            f"/usr/lib/python3*/*-packages/nvidia/*/lib/{library}",
            f"/usr/local/lib/python3*/*-packages/nvidia/*/lib/{library}",
            f"/opt/*/.venv/lib/python3*/site-packages/nvidia/*/lib/{library}",
        ]
        for pattern in patterns:
            hits = sorted(glob.glob(pattern))
            if hits:
                return hits[0]
        return None


def stt_device_report(
    config: TranscriberConfig | None = None, env: CudaEnvironment | None = None
) -> SttDeviceReport:
    """The device and compute type ``Transcriber(config)`` will choose, and the reason."""
    cfg = config or TranscriberConfig()
    env = env or SystemCuda()
    cpu = cfg.cpu_compute_type
    if cfg.device == "cpu":
        return SttDeviceReport("cpu", cpu, "device = cpu is configured")
    count = env.cuda_device_count()
    if count == 0:
        if env.has_nvidia_driver():
            reason = (
                "an NVIDIA driver is loaded but CTranslate2 sees no CUDA device (a CTranslate2 "
                "build without CUDA, or CUDA_VISIBLE_DEVICES hides the GPU)"
            )
        else:
            reason = "no NVIDIA GPU or driver on this machine"
        return _cpu_or_fail(cfg, reason, ())
    missing = [lib for lib in CUBLAS_12 if not env.can_load(lib)]
    if not missing:
        return SttDeviceReport(
            "cuda",
            cfg.cuda_compute_type,
            f"CUDA device {cfg.device_index} of {count}; cuBLAS 12 loads",
        )
    newer = {lib: env.find(lib) for lib in CUBLAS_13}
    advice: tuple[str, ...] = ()
    if all(newer.values()):
        folder = os.path.dirname(newer["libcublas.so.13"] or "")
        reason = (
            f"CUDA present but {missing[0]} missing (CUDA 13's cuBLAS is in {folder}): "
            f"add the shim, see {SHIM_DOC}"
        )
        advice = (
            "mkdir -p ~/.local/lib/cublas12",
            f"ln -sf {newer['libcublas.so.13']} ~/.local/lib/cublas12/libcublas.so.12",
            f"ln -sf {newer['libcublasLt.so.13']} ~/.local/lib/cublas12/libcublasLt.so.12",
            "export LD_LIBRARY_PATH=~/.local/lib/cublas12:$LD_LIBRARY_PATH  (before starting)",
        )
    else:
        reason = (
            f"CUDA present but {missing[0]} missing and no CUDA 13 cuBLAS to stand in for it: "
            f"install CUDA 12's cuBLAS (pip install nvidia-cublas-cu12), see {SHIM_DOC}"
        )
    return _cpu_or_fail(cfg, reason, advice)


def _cpu_or_fail(cfg: TranscriberConfig, reason: str, advice: tuple[str, ...]) -> SttDeviceReport:
    if cfg.device == "cuda":
        return SttDeviceReport("none", cfg.cuda_compute_type, reason, advice, ok=False)
    return SttDeviceReport("cpu", cfg.cpu_compute_type, reason, advice)


def format_stt_report(report: SttDeviceReport) -> str:
    """The report as doctor prints it."""
    if report.ok:
        head = (
            f"Speech recognition device: {report.device} ({report.compute_type}): {report.reason}"
        )
    else:
        head = f"Speech recognition device: device = cuda cannot work: {report.reason}"
    return "\n".join([head, *(f"  {line}" for line in report.advice)])
