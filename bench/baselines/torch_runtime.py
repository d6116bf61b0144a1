"""What the PyTorch peers report about the process they ran in (shared by the baseline scripts)."""
import os


def runtime_config():
    """The BLAS and malloc actually loaded (from /proc/self/maps), not the ones asked for."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[5] for line in maps if len(line.split()) >= 6}
    blas = sorted(p for p in libs if os.path.basename(p).startswith(("libblas.so", "libopenblas")))
    name = "openblas" if any("openblas" in p for p in blas) else "reference" if blas else "none"
    malloc = "tcmalloc" if any("tcmalloc" in p for p in libs) else "glibc"
    return {"blas": name, "blas_libs": blas, "malloc": malloc}
