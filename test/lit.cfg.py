# lit configuration of kiln's regression suite.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtext", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")
# Model fixtures and their generator live beside the tests; they are inputs.
config.excludes = ["fixtures", "Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["kiln", "kiln-opt", "kiln-tf-checkpoint-dump"], [config.kiln_tools_dir])

include_dir = os.path.join(config.kiln_src_root, "runtime", "include")
config.substitutions.append(("%kiln_rt", config.kiln_runtime_lib))
config.substitutions.append(
    ("%cc", f"{config.c_compiler} {config.c_sanitize_flags} -I{include_dir} -Wall -Werror"))
config.substitutions.append(
    ("%harness", os.path.join(config.kiln_src_root, "test", "e2e", "harness.c")))
# Runs a program with kiln-cusim as its CUDA driver (models compiled with
# --cuda-simulate execute on the host CPU).
config.substitutions.append(
    ("%cusim_dir", config.kiln_cusim_dir))
config.substitutions.append(
    ("%cusim", f"env LD_LIBRARY_PATH={config.kiln_cusim_dir}"))
config.substitutions.append(("%kiln_src_root", config.kiln_src_root))
config.substitutions.append(("%kiln_obj_root", config.kiln_obj_root))
config.substitutions.append(("%host_cc", config.c_compiler))

# Sanitized builds (scripts/sanitize.sh) use several times the memory.
if config.c_sanitize_flags.strip():
    config.available_features.add("sanitized")

# Vector extensions of the machine running the tests: code compiled for
# --target=x86-64-v3 / -v4 only runs where the CPU has them.
try:
    with open("/proc/cpuinfo") as fh:
        cpu_flags = next((l.split(":", 1)[1].split() for l in fh
                          if l.startswith("flags")), [])
except OSError:
    cpu_flags = []
if {"avx2", "fma"} <= set(cpu_flags):
    config.available_features.add("cpu-avx2")
if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= set(cpu_flags):
    config.available_features.add("cpu-avx512")
# Two or more CPUs this process may run on (tests of where pool threads run).
if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2:
    config.available_features.add("multi-cpu")

# A working CUDA driver with at least one GPU: the tests that run
# --target=cuda:* models need it (REQUIRES: cuda-gpu); the ones that check
# the behaviour without it say UNSUPPORTED: cuda-gpu.
def _cuda_gpus():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        if cuda.cuInit(0) != 0 or cuda.cuDeviceGetCount(ctypes.byref(count)):
            return 0
        return count.value
    except (OSError, AttributeError):
        return 0
if _cuda_gpus() > 0:
    config.available_features.add("cuda-gpu")

# ptxas from the CUDA toolkit assembles the PTX kiln emits (a validity check
# that needs no GPU).
_ptxas = os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin",
                      "ptxas")
if os.access(_ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))
