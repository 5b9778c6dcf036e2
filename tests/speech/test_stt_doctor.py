"""doctor's STT device report: every reason, with a fake environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from voice_interviewer.stt.doctor import format_stt_report, stt_device_report
from voice_interviewer.stt.transcriber import TranscriberConfig

CU13 = "/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib"


@dataclass
class FakeCuda:
    devices: int = 0
    driver: bool = False
    loadable: set[str] = field(default_factory=set)
    found: dict[str, str] = field(default_factory=dict)

    def cuda_device_count(self) -> int:
        return self.devices

    def has_nvidia_driver(self) -> bool:
        return self.driver

    def can_load(self, library: str) -> bool:
        return library in self.loadable

    def find(self, library: str) -> str | None:
        return self.found.get(library)


def test_configured_cpu():
    report = stt_device_report(TranscriberConfig(device="cpu"), FakeCuda(devices=1))
    assert (report.device, report.compute_type) == ("cpu", "int8")
    assert "configured" in report.reason


def test_no_gpu_at_all():
    report = stt_device_report(TranscriberConfig(), FakeCuda())
    assert report.device == "cpu" and report.reason == "no NVIDIA GPU or driver on this machine"
    assert report.ok


def test_driver_but_ctranslate2_without_cuda():
    report = stt_device_report(TranscriberConfig(), FakeCuda(driver=True))
    assert report.device == "cpu" and "CTranslate2 sees no CUDA device" in report.reason


def test_cuda_with_cublas_12():
    env = FakeCuda(devices=2, driver=True, loadable={"libcublas.so.12", "libcublasLt.so.12"})
    report = stt_device_report(TranscriberConfig(device_index=1), env)
    assert (report.device, report.compute_type) == ("cuda", "float16")
    assert report.reason == "CUDA device 1 of 2; cuBLAS 12 loads"


def test_cuda_13_only_asks_for_the_shim_and_says_how():
    env = FakeCuda(
        devices=1,
        driver=True,
        found={
            "libcublas.so.13": f"{CU13}/libcublas.so.13",
            "libcublasLt.so.13": f"{CU13}/libcublasLt.so.13",
        },
    )
    report = stt_device_report(TranscriberConfig(), env)
    assert report.device == "cpu" and report.ok
    assert report.reason.startswith("CUDA present but libcublas.so.12 missing")
    assert "add the shim, see docs/gpu.md" in report.reason
    text = format_stt_report(report)
    assert f"ln -sf {CU13}/libcublas.so.13 ~/.local/lib/cublas12/libcublas.so.12" in text
    assert "LD_LIBRARY_PATH" in text


def test_cuda_without_any_cublas():
    report = stt_device_report(TranscriberConfig(), FakeCuda(devices=1, driver=True))
    assert report.device == "cpu" and "nvidia-cublas-cu12" in report.reason


def test_device_cuda_that_cannot_work_is_not_ok():
    report = stt_device_report(TranscriberConfig(device="cuda"), FakeCuda())
    assert not report.ok and report.device == "none"
    assert format_stt_report(report).startswith("Speech recognition device: device = cuda cannot")


def test_doctor_prints_the_stt_device(capsys, monkeypatch):
    import argparse

    from voice_interviewer import commands

    monkeypatch.setattr(
        "voice_interviewer.stt.doctor.SystemCuda", lambda: FakeCuda(devices=1, driver=True)
    )
    commands.doctor(argparse.Namespace(config=None, model=None))
    out = capsys.readouterr().out
    assert "Speech recognition device: cpu (int8): CUDA present but libcublas.so.12" in out
