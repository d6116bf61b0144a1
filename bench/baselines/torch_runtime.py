"""Shared by the PyTorch baseline scripts: timing of a step, and the JSON line reporting it with the runtime it ran in."""
import json
import os
import statistics
import time

import torch


def runtime_config():
    """The BLAS and malloc actually loaded (from /proc/self/maps), not the ones asked for."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[5] for line in maps if len(line.split()) >= 6}
    blas = sorted(p for p in libs if os.path.basename(p).startswith(("libblas.so", "libopenblas")))
    name = "openblas" if any("openblas" in p for p in blas) else "reference" if blas else "none"
    malloc = "tcmalloc" if any("tcmalloc" in p for p in libs) else "glibc"
    return {"blas": name, "blas_libs": blas, "malloc": malloc}


def time_steps(step, steps, warmup=3):
    """Wall and CPU (all threads) milliseconds of each of `steps` calls of step() after `warmup` untimed ones, and
    the last call's result. On a loaded machine CPU time still measures the work of a single-threaded run."""
    for _ in range(warmup):
        step()
    times, cpu, last = [], [], None
    for _ in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        last = step()
        times.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return times, cpu, last


def report(times, cpu, **extra):
    """The JSON line the spawner (bench/torchConfigs.ts) reads: median and mean step time, the runtime really used, extras."""
    print(json.dumps({
        "ms_per_step": statistics.median(times),
        "mean_ms": statistics.fmean(times),
        "cpu_ms_per_step": statistics.median(cpu),
        "threads": torch.get_num_threads(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        **runtime_config(),
        "torch": torch.__version__,
        **extra,
    }))
