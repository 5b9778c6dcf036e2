"""Hardware facts the STT stage needs: physical CPU cores and whether CUDA is usable."""

from __future__ import annotations

import os


def physical_cores() -> int:
    """Physical cores available to this process (hyper-threads counted once).

    CTranslate2 runs slower with one thread per hyper-thread than with one per core, because
    the two threads of a core fight over the same vector units.
    """
    try:
        allowed = os.sched_getaffinity(0)
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, (os.cpu_count() or 2) // 2)
    cores: set[tuple[str, str]] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            blocks = f.read().split("\n\n")
    except OSError:
        return max(1, len(allowed))
    for block in blocks:
        fields = dict(
            (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in block.splitlines())
        )
        if "processor" not in fields or int(fields["processor"]) not in allowed:
            continue
        # Without topology fields (some VMs), every logical CPU is its own core.
        cores.add((fields.get("physical id", "0"), fields.get("core id", fields["processor"])))
    return max(1, len(cores) or len(allowed))


def cuda_device_count() -> int:
    """CUDA devices CTranslate2 can see (0 when it was built without CUDA or has no driver)."""
    import ctranslate2

    return int(ctranslate2.get_cuda_device_count())
