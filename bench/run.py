"""kiln's CPU benchmark: one command that builds the bench set, compiles it with
kiln, times kiln, onnxruntime and TensorFlow on the same inputs and writes
bench/results/cpu.md. See bench/README.md.

    python3 bench/run.py [--quick] [--threads 2] [--kiln-build build]

Starts with the standard library only: creates .venv-bench
(scripts/bench-venv.sh) when missing and re-executes itself in it.
"""
import argparse
import datetime
import fcntl
import hashlib
import json
import math
import os
import pathlib
import select
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
VENV = REPO / ".venv-bench"
BUILD = HERE / "build"

# >>> KILN THREADS <<<
# kiln runs its parallel kernels on libkiln_rt's pool: it is timed at every
# thread count the peers are (its harness calls kiln_set_num_threads(T)) and
# compared with them thread count for thread count. False times kiln on one
# thread only (as before it had threads).
KILN_THREADING = True

MODELS = ("mlp", "cnn", "mobilenet", "resnet50", "bert")
MICRO = ("gemm", "conv")
QUICK_MODELS = ("mlp", "cnn", "mobilenet")
SLOW_S = 2.0  # a first run this long counts as a sample; no more warm-up
ROUND_S = 0.02  # tiny models run several calls per round, up to this long
# The micro kernels (GEMM, one convolution) measure a kernel's steady-state
# efficiency, as bench/peak.c measures the peak: each round runs them back
# to back for this long, so their best call is a warm one (one call after a
# 100 ms pause runs up to 10% slower on this host, for kiln and ORT alike).
MICRO_ROUND_S = 0.25
RTOL = 1e-3  # kiln vs onnxruntime: |d| <= RTOL*|ref| + ATOL_REL*max|ref|
ATOL_REL = 1e-4
TARGETS = {"b1": 0.8, "b8": 0.9, "slowest": 1.2, "gemm": 0.85, "compile_s": 10.0, "rss_x": 3.0}


def ensure_venv():
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    subprocess.run([str(REPO / "scripts" / "bench-venv.sh")], check=True, stdout=subprocess.DEVNULL)
    py = VENV / "bin" / "python"
    os.execv(str(py), [str(py), str(pathlib.Path(__file__).resolve())] + sys.argv[1:])


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


# ---------------------------------------------------------------- machine ---

def cpu_busy_s():
    """CPU-seconds all processes on the machine have used since boot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def own_cpu_s():
    self_, kids = os.times(), None
    kids = self_.children_user + self_.children_system
    return self_.user + self_.system + kids


def machine_info():
    lscpu = sh(["lscpu"])
    field = lambda k: next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines()  # noqa: E731
                            if ln.startswith(k + ":")), "?")
    flags = field("Flags").split()
    mem_kb = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal")))
    return {"model": field("Model name"), "cpus": os.cpu_count(),
            "threads_per_core": field("Thread(s) per core"), "hypervisor": field("Hypervisor vendor"),
            "avx2": "avx2" in flags, "fma": "fma" in flags, "avx512f": "avx512f" in flags,
            "l2": field("L2 cache"), "l3": field("L3 cache"), "mem_gib": round(mem_kb / 2**20, 1),
            "kernel": os.uname().release}


# ------------------------------------------------------------------- kiln ---

def snapshot_kiln(build):
    """Copies kiln, libkiln_rt.a and the runtime headers out of `build`, so the
    whole run uses one kiln even if that build is rebuilt meanwhile."""
    build = pathlib.Path(build).resolve()
    kiln = build / "bin" / "kiln"
    rt = next(iter(sorted(build.glob("**/libkiln_rt.a"))), None)
    if not kiln.exists() or rt is None:
        sys.exit(f"bench: no kiln build in {build} (bin/kiln, libkiln_rt.a): build kiln "
                 "first (scripts/build.sh) or pass --kiln-build")
    src = REPO
    cache = build / "CMakeCache.txt"
    if cache.exists():
        for ln in cache.read_text().splitlines():
            if ln.startswith("CMAKE_HOME_DIRECTORY:"):
                src = pathlib.Path(ln.split("=", 1)[1])
    snap = BUILD / "kiln"
    if snap.exists():
        shutil.rmtree(snap)
    (snap / "bin").mkdir(parents=True)
    shutil.copy2(kiln, snap / "bin" / "kiln")
    shutil.copy2(rt, snap / "libkiln_rt.a")
    shutil.copytree(src / "runtime" / "include", snap / "include")
    digest = hashlib.sha256((snap / "bin" / "kiln").read_bytes()).hexdigest()[:16]
    rt_digest = hashlib.sha256((snap / "libkiln_rt.a").read_bytes()).hexdigest()[:16]
    try:
        rev = sh(["git", "-C", str(src), "describe", "--always", "--dirty"]).strip()
        subject = sh(["git", "-C", str(src), "log", "-1", "--format=%s"]).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        rev, subject = "?", ""
    version = sh([str(snap / "bin" / "kiln"), "--version"]).strip()
    built = datetime.datetime.fromtimestamp(kiln.stat().st_mtime, datetime.timezone.utc)
    return {"kiln": str(snap / "bin" / "kiln"), "rt": str(snap / "libkiln_rt.a"),
            "include": str(snap / "include"), "sha": digest, "rt_sha": rt_digest, "version": version,
            "source": str(src), "rev": rev, "subject": subject if len(subject) <= 90 else subject[:89] + "…",
            "built": built.strftime("%Y-%m-%d %H:%M UTC"), "build": str(build)}


def error_summary(text, rc):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    pick = next((ln for ln in lines if "error" in ln.lower()), lines[0] if lines else "")
    if rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = str(-rc)
        pick = f"killed by {sig}" + (f": {pick}" if pick else "")
    elif rc == 124:
        pick = "compile timed out" + (f": {pick}" if pick else "")
    return pick[:300]


class PrivateMemorySampler:
    """Samples the peak private (anonymous: heap, stacks) resident memory of
    a running process every 2 ms from /proc/PID/status (RssAnon). GNU time's
    maximum RSS also counts the pages of the shared libraries the process
    maps (libLLVM and libMLIR: clean, shared file pages, the same whatever
    kiln compiles); this is the memory the compile itself takes.
    `pid` may be GNU time's: then its child is sampled."""

    def __init__(self, pid, wrapped):
        self.pid, self.wrapped, self.peak = pid, wrapped, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _target(self):
        if not self.wrapped:
            return self.pid
        try:
            kids = pathlib.Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            return None
        return int(kids[0]) if kids else None

    def _run(self):
        target = None
        while not self.done.is_set():
            target = target or self._target()
            if target:
                try:
                    for line in pathlib.Path(f"/proc/{target}/status").read_text().splitlines():
                        if line.startswith("RssAnon:"):
                            self.peak = max(self.peak, int(line.split()[1]) * 1024)
                except OSError:
                    pass
            time.sleep(0.002)

    def stop(self):
        self.done.set()
        self.thread.join()
        return self.peak


def timed_run(cmd, log_path, timeout):
    """Runs cmd; returns (rc, wall_s, max_rss_bytes, private_peak_bytes) of
    that child alone.

    The peak RSS comes from GNU time (/usr/bin/time, a small process) where
    there is one: Linux starts a forked child's ru_maxrss at its parent's RSS,
    so rusage taken here would report this (large) Python process instead.
    The private peak is sampled (PrivateMemorySampler)."""
    gnu_time = pathlib.Path("/usr/bin/time")
    rss_file = pathlib.Path(str(log_path) + ".rss")
    wrapped = gnu_time.exists()
    if wrapped:
        cmd = [str(gnu_time), "-o", str(rss_file), "-f", "%M"] + cmd
    start = time.perf_counter()
    with open(log_path, "w") as out:
        # Own process group: a timeout kills kiln too, not only GNU time.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        sampler = PrivateMemorySampler(proc.pid, wrapped)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = 124
        private = sampler.stop()
    wall = time.perf_counter() - start
    rss = 0
    if rss_file.exists():
        lines = rss_file.read_text().split()
        rss = int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else 0
    else:
        import resource
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if rc > 128 and rss_file.exists() and "signal" in rss_file.read_text(errors="replace"):
        rc = -(rc - 128)  # GNU time exits 128+N when the child died of signal N
    return rc, wall, rss, private


def compile_model(kiln, model, batch, target, timeout):
    """Compiles one model with kiln and links it into bench/harness.c. Reuses
    a successful compile of an earlier run with the same kiln, runtime
    library, model file and flags."""
    tag = f"{model}_b{batch}" if batch else model
    out = BUILD / "compiled" / tag
    onnx = BUILD / "models" / model / "model.onnx"
    name = f"bench_{tag}"
    st = onnx.stat()
    key = {"kiln": kiln["sha"], "model": [st.st_size, st.st_mtime_ns], "batch": batch,
           "target": target, "harness": hashlib.sha256((HERE / "harness.c").read_bytes()).hexdigest(),
           # The harness links libkiln_rt statically: a changed runtime relinks.
           "rt": kiln["rt_sha"]}
    rec_path = out / "compile.json"
    if rec_path.exists():
        rec = json.loads(rec_path.read_text())
        if rec.get("key") == key and rec["rc"] == 0:  # failures are retried
            rec["cached"] = True
            return rec
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = [kiln["kiln"], "compile", str(onnx), f"--target={target}", f"--name={name}", "-o", str(out / f"{name}.o")]
    if batch:
        cmd.append(f"--batch={batch}")
    log(f"kiln compile {tag} ...")
    rc, wall, rss, private = timed_run(cmd, out / "compile.log", timeout)
    rec = {"key": key, "tag": tag, "cmd": " ".join(shlex.quote(c) for c in cmd), "rc": rc,
           "wall_s": wall, "rss_bytes": rss, "private_bytes": private, "cached": False}
    if rc != 0:
        rec["error"] = error_summary((out / "compile.log").read_text(errors="replace"), rc)
        log(f"  FAILED in {wall:.1f} s: {rec['error']}")
    else:
        log(f"  ok in {wall:.1f} s, peak RSS {rss / 2**20:.0f} MiB, private {private / 2**20:.0f} MiB")
        cc = os.environ.get("CC", "cc")
        link = [cc, "-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-I", kiln["include"], "-include", str(out / f"{name}.h"),
                f"-DKILN_MODEL={name}", str(HERE / "harness.c"), str(out / f"{name}.o"), kiln["rt"],
                "-lm", "-o", str(out / "harness")]
        r = subprocess.run(link, capture_output=True, text=True)
        if r.returncode != 0:
            rec["rc"] = 1
            rec["error"] = "linking the harness failed: " + error_summary(r.stderr, r.returncode)
            log("  " + rec["error"])
        else:
            rec["harness"] = str(out / "harness")
    rec_path.write_text(json.dumps(rec, indent=1) + "\n")
    return rec


# ----------------------------------------------------------------- inputs ---

def make_inputs(meta, batch):
    import numpy as np

    tag = f"{meta['name']}_b{batch}" if batch else meta["name"]
    out = BUILD / "inputs" / tag
    out.mkdir(parents=True, exist_ok=True)
    seed = int(hashlib.sha256(tag.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    specs = []
    for i, inp in enumerate(meta["inputs"]):
        shape = ([batch] if batch else []) + inp["shape"]
        path = out / f"input_{i}.bin"
        if meta["name"] == "bert":
            a = rng.normal(0, 1, shape)
        else:
            a = rng.uniform(0, 1, shape)
        a.astype("<f4").tofile(path)
        specs.append({"file": str(path), "shape": shape})
    return str(out), specs


# ---------------------------------------------------------------- runners ---

class CallTimeout(RuntimeError):
    pass


class Proc:
    """A child speaking the line protocol of bench/worker.py and harness.c."""

    def __init__(self, cmd, label):
        self.label = label
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        ready = self.p.stdout.readline()
        if not ready.startswith("ready"):
            raise RuntimeError(f"{label}: did not start (exit {self.p.wait()})")

    def ask(self, line, timeout=None):
        """Sends one command and returns the fields of its "ok" reply. With a
        timeout, a child that has not answered in time is killed."""
        try:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError(f"{self.label}: process exited ({self.p.wait()})") from None
        if timeout is not None and not select.select([self.p.stdout], [], [], timeout)[0]:
            self.p.kill()
            self.p.wait()
            raise CallTimeout(f"{self.label}: no answer to '{line[:40]}' in {timeout:g} s; stopped")
        reply = self.p.stdout.readline().strip()
        if not reply:
            raise RuntimeError(f"{self.label}: process exited ({self.p.wait()}) on '{line[:60]}'")
        if not reply.startswith("ok"):
            raise RuntimeError(f"{self.label}: {reply}")
        return reply[2:].split()

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.write("quit\n")
                self.p.stdin.flush()
                self.p.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.p.kill()
                self.p.wait()


class KilnRunner:
    def __init__(self, harness, input_dir, threads):
        cmd = [harness, "--serve", input_dir]
        if KILN_THREADING:
            cmd[1:1] = ["--threads", str(threads)]
        self.proc = Proc(cmd, "kiln")

    def run(self, n, timeout=None):
        return [int(t) for t in self.proc.ask(f"run {n}", timeout and timeout * n)]

    def dump(self, d):
        d.mkdir(parents=True, exist_ok=True)
        self.proc.ask(f"dump {d}")

    def close(self):
        self.proc.close()


class PeerRunner:
    def __init__(self, worker, key, path, inputs):
        self.worker, self.key = worker, key
        worker.ask(f"load {key} " + json.dumps({"path": path, "inputs": inputs}))

    def run(self, n, timeout=None):  # peers are never slow enough to stop
        return [int(t) for t in self.worker.ask(f"run {self.key} {n}")]

    def dump(self, d):
        self.worker.ask(f"dump {self.key} {d}")

    def close(self):
        try:
            self.worker.ask(f"unload {self.key}")
        except RuntimeError:
            pass


def median(xs):
    s = sorted(xs)
    n = len(s)
    return (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2) / 1e6


def time_group(runners, args, round_s=ROUND_S):
    """Warms every runner up, then runs them round by round, the order
    rotating each round, until each has its samples; returns per runner
    {"median_ms", "samples", ...} or {"error"}; a kiln call stopped after
    --max-call seconds gives {"error", "over_ms"}, a lower bound."""
    res, probe, live = {}, {}, {}
    # Probes and warm-ups get the rounds' settle too: right after another
    # runtime's call its spinning workers take cores, and the warm-up's
    # fastest call sizes a runtime's rounds (unsettled, kiln's MobileNetV2 at
    # batch 1 had no warm-up call under 6.7 ms, against 1.9 ms settled, so
    # it ran 2 calls per round against ORT's 9, and its median was half
    # first calls after the pause).
    for name, r in runners.items():
        time.sleep(args.settle_ms / 1e3)
        try:
            probe[name] = r.run(1, args.max_call)[0] / 1e9
            live[name] = r
        except CallTimeout as e:
            res[name] = {"error": str(e), "over_ms": args.max_call * 1e3}
        except RuntimeError as e:
            res[name] = {"error": str(e)}
    plan = {}
    for name, r in live.items():
        p = probe[name]
        samples = []
        if p >= SLOW_S:  # no more warm-up: the first call is a sample
            samples.append(int(p * 1e9))
        else:
            time.sleep(args.settle_ms / 1e3)
            try:  # the rest of the warm-up; its fastest call sizes the rounds
                warm = r.run(max(1, args.warmup - 1), args.max_call)
            except RuntimeError as e:
                res[name] = {"error": str(e)}
                continue
            p = min([p] + [t / 1e9 for t in warm])
        inner = max(1, min(100, int(round_s / max(p, 1e-9))))
        rounds = args.iters if p * inner * args.iters <= args.budget else max(1, int(args.budget / (p * inner)))
        plan[name] = {"inner": inner, "rounds": rounds - len(samples), "samples": samples}
    names = list(plan)
    for k in range(max([p["rounds"] for p in plan.values()] + [0])):
        order = names[k % len(names):] + names[:k % len(names)]
        for name in order:
            p = plan[name]
            if name in res or k >= p["rounds"]:
                continue
            # The previous runtime's workers may still be spinning (ORT's
            # keep 1-2 CPUs busy for ~40 ms after a call): wait until they
            # sleep, or they take this runtime's cores.
            time.sleep(args.settle_ms / 1e3)
            try:
                p["samples"] += runners[name].run(p["inner"], args.max_call)
            except RuntimeError as e:
                res[name] = {"error": str(e)}
    for name, p in plan.items():
        if name not in res:
            s = p["samples"]
            res[name] = {"median_ms": median(s), "min_ms": min(s) / 1e6, "max_ms": max(s) / 1e6,
                         "samples": len(s), "probe_s": probe[name]}
    return res


def compare(got_dir, ref_dir, n_outputs):
    import numpy as np

    worst = {"max_abs": 0.0, "max_rel": 0.0, "ok": True}
    for i in range(n_outputs):
        g = np.fromfile(pathlib.Path(got_dir) / f"output_{i}.bin", dtype="<f4")
        w = np.fromfile(pathlib.Path(ref_dir) / f"output_{i}.bin", dtype="<f4")
        if g.shape != w.shape:
            return {"max_abs": math.inf, "max_rel": math.inf, "ok": False,
                    "note": f"output {i}: {g.size} vs {w.size} elements"}
        d = np.abs(g.astype(np.float64) - w)
        scale = float(np.max(np.abs(w))) if w.size else 0.0
        bad = ~(d <= RTOL * np.abs(w) + ATOL_REL * scale) | np.isnan(g)
        worst["max_abs"] = max(worst["max_abs"], float(np.nanmax(d)) if d.size else 0.0)
        if np.isnan(g).any():
            worst["max_abs"] = math.inf
        worst["max_rel"] = max(worst["max_rel"], worst["max_abs"] / scale if scale else 0.0)
        worst["ok"] = worst["ok"] and not bad.any()
    return worst


# ----------------------------------------------------------------- report ---

def geomean(xs):
    xs = [x for x in xs if x and x > 0 and math.isfinite(x)]
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def fmt_ms(x):
    if x is None:
        return "—"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}" if x < 1000 else f"{x:,.0f}"


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}" if x < 100 else f"{x:,.0f}"


def ratio(a, b):
    return a / b if a and b else None


def kiln_key(T):
    """The runner whose times kiln's ratios use: T threads, or 1 where the
    harness has no threading."""
    return f"kiln@{T}" if KILN_THREADING else "kiln@1"


def slowest_target(rows, T):
    """The target row "no model slower than 1.2x ORT" over the rows of every
    batch: the largest kiln/ORT ratio on T threads; a row without a ratio
    (kiln failed, mismatched or stopped) fails it."""
    kz = kiln_key(T)
    worst, missing = None, []
    for r in rows:
        k, bound = timing(r["times"], kz)
        q = ratio(k, timing(r["times"], f"ort@{T}")[0])
        if not q or bound or not r.get("check", {}).get("ok"):
            missing.append(f"{r['model']} b{r['batch']}")
        elif worst is None or q > worst[0]:
            worst = (q, r["model"], r["batch"])
    measured = f"slowest: {worst[1]} batch {worst[2]}, {fmt_ratio(worst[0])}" if worst else "—"
    if missing:
        measured += f" (no ratio for {', '.join(missing)})"
    return {"what": f"no model slower than {TARGETS['slowest']}× ORT (batches 1 and 8, {T} threads)",
            "measured": measured,
            "met": "yes" if worst and worst[0] <= TARGETS["slowest"] and not missing else "**no**"}


def timing(t, key):
    """(ms, is_lower_bound) of one runtime in a row's times, or (None, False)."""
    v = t.get(key, {})
    if "median_ms" in v:
        return v["median_ms"], False
    if "over_ms" in v:
        return v["over_ms"], True
    return None, False


def bound_ratio(kv, peer_ms):
    """kiln/peer from timing()'s (ms, lower bound) of kiln: (ratio, bound)."""
    return ratio(kv[0], peer_ms), kv[1]


def fmt_bound(x, bound, fmt):
    return ("> " if bound and x is not None else "") + fmt(x)


def write_report(path, R):
    args, m, k = R["args"], R["machine"], R["kiln"]
    T = args["threads"]
    L = []
    w = L.append
    w("# kiln CPU benchmark\n")
    w(f"Generated by `{R['command']}` on {R['date']} ({R['total_s'] / 60:.1f} min). "
      "Regenerate with the same command; see `bench/README.md`.\n")
    w("## Machine and versions\n")
    w(f"- CPU: {m['model']}, {m['cpus']} CPUs ({m['threads_per_core']} thread(s) per core"
      f"{', ' + m['hypervisor'] + ' guest' if m['hypervisor'] != '?' else ''}), L2 {m['l2']}, L3 {m['l3']}, "
      f"{m['mem_gib']} GiB RAM, Linux {m['kernel']}")
    w(f"- ISA: AVX2 {'yes' if m['avx2'] else 'no'}, FMA {'yes' if m['fma'] else 'no'}, "
      f"AVX-512F {'yes' if m['avx512f'] else 'no'}")
    w(f"- kiln: {k['version']}, `{k['build']}/bin/kiln` built {k['built']} (sha256 {k['sha']}) from "
      f"{k['source']} at `{k['rev']}` ({k['subject']}); models compiled with `--target={args['target']}`")
    w(f"- peers: onnxruntime {R['versions']['onnxruntime']} (CPUExecutionProvider, ORT_ENABLE_ALL, "
      f"intra-op T, inter-op 1, sequential), TensorFlow {R['versions']['tensorflow']} "
      f"(SavedModel `serving_default`, intra-op T, inter-op 1); tf2onnx {R['versions']['tf2onnx']}, "
      f"onnx {R['versions']['onnx']}, numpy {R['versions']['numpy']}")
    other = R["other_cpu"]
    busy = (" **The machine was shared during this run**: expect the peers' multi-thread numbers in particular "
            "to be pessimistic." if other["share"] > 0.1 else "")
    w(f"- other load: processes outside this benchmark used {other['cpu_s']:.0f} CPU-seconds during the run, "
      f"{other['share'] * 100:.0f}% of the machine's {m['cpus']} CPUs (load average {R['loadavg'][0]} at start, "
      f"{R['loadavg'][1]} at end).{busy}{' ' + args['note'] if args['note'] else ''}\n")
    w("## Method\n")
    w(f"Each model is timed on the same seeded random input by kiln (a C harness around the compiled object, "
      f"`bench/harness.c`), onnxruntime on the ONNX file kiln compiled, and TensorFlow on the SavedModel that "
      f"ONNX file was converted from (same weights). Each runtime lives in its own warm process; after "
      f"{max(2, args['warmup'])} warm-up calls they run round by round, the order rotating each round, and the table "
      f"gives the median call. Up to {args['iters']} rounds, fewer where a runtime would need more than "
      f"{args['budget']:.0f} s (a runtime whose first call takes ≥ {SLOW_S:.0f} s gets no further warm-up and "
      f"that call counts; a kiln call still running after {args['max_call']:g} s is stopped and its time shown as a "
      f"lower bound, `>`); calls under {ROUND_S * 1e3:.0f} ms run several times per round"
      + (f", and each runtime's probe, warm-up and turn start {args['settle_ms']:g} ms after the previous one's ended, so that the "
         f"previous runtime's worker threads are asleep (onnxruntime's spin for about 40 ms after a call; one "
         f"that starts right after it gets half the cores: kiln's ResNet-50 at batch 1 ran 30 → 60 ms)"
         if args.get("settle_ms") else "")
      + ". The samples column "
      f"gives the calls behind each median (kiln / ORT / TF). "
      + (f"kiln runs on libkiln_rt's thread pool and is timed on T threads and on 1, like the peers. "
         if KILN_THREADING else
         f"kiln is timed on 1 thread only, and its ratios are against the peers at T threads and at 1 thread. ")
      + f"Ratios are kiln/peer: below 1 kiln is faster. Correctness: every kiln output element must satisfy "
      f"|kiln − ORT| ≤ {RTOL:g}·|ORT| + {ATOL_REL:g}·max|ORT| (the error column is max|kiln − ORT| / max|ORT|); "
      f"TensorFlow's outputs are checked against ORT the same way.\n")

    w("## Targets (issue 7)\n")
    w("| target | measured | met |")
    w("|---|---|---|")
    for t in R["targets"]:
        w(f"| {t['what']} | {t['measured']} | {t['met']} |")
    w("")
    for b in args["batches"]:
        rows = [r for r in R["models"] if r["batch"] == b]
        w(f"## Batch {b}: median latency (ms)\n")
        kt = T if KILN_THREADING else 1
        w(f"| model | kiln ({kt} thr) | ORT ({T} thr) | TF ({T} thr) | kiln/ORT | kiln/TF | ORT (1 thr) | TF (1 thr) | "
          f"kiln/ORT 1 thr | kiln/TF 1 thr | kiln vs ORT error | samples |")
        w("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            t = r["times"]
            g = lambda key: t.get(key, {}).get("median_ms")  # noqa: E731
            kzv = timing(t, "kiln@1" if not KILN_THREADING else f"kiln@{T}")
            k1v = timing(t, "kiln@1")
            kz, k1 = kzv[0], k1v[0]
            fr = lambda kv, peer: fmt_bound(ratio(kv[0], peer), kv[1], fmt_ratio)  # noqa: E731
            if r.get("kiln_error"):
                check = f"**kiln failed**: {r['kiln_error']}"
            elif kzv[1]:
                check = f"— (a kiln call took over {kz / 1e3:g} s and was stopped)"
            else:
                c = r.get("check")
                check = ("—" if c is None else
                         f"{c['max_rel']:.1e} {'ok' if c['ok'] else '**MISMATCH**'}")
            samples = " / ".join(str(t.get(x, {}).get("samples", "—")) for x in (f"kiln@{1 if not KILN_THREADING else T}", f"ort@{T}", f"tf@{T}"))
            w(f"| {r['model']} | {fmt_bound(kz, kzv[1], fmt_ms)} | {fmt_ms(g(f'ort@{T}'))} | {fmt_ms(g(f'tf@{T}'))} | "
              f"{fr(kzv, g(f'ort@{T}'))} | {fr(kzv, g(f'tf@{T}'))} | "
              f"{fmt_ms(g('ort@1'))} | {fmt_ms(g('tf@1'))} | {fr(k1v, g('ort@1'))} | "
              f"{fr(k1v, g('tf@1'))} | {check} | {samples} |")
        gm = R["geomean"][str(b)]
        gb = lambda k: ("≥ " if gm["bound"] and gm[k] else "") + fmt_ratio(gm[k])  # noqa: E731
        w(f"| **geomean** | | | | **{gb('ort')}** | **{gb('tf')}** | | | "
          f"**{gb('ort1')}** | **{gb('tf1')}** | {gm['n']} of {len(rows)} models checked"
          f"{', lower bounds included' if gm['bound'] else ''} | |")
        errs = [f"{r['model']}: {x} — {r['times'][x]['error']}" for r in rows for x in r["times"]
                if "error" in r["times"][x]]
        tfchk = [f"{r['model']} {r['tf_check']['max_rel']:.1e}{'' if r['tf_check']['ok'] else ' MISMATCH'}"
                 for r in rows if r.get("tf_check")]
        w("")
        if tfchk:
            w(f"TensorFlow vs ORT error (max|TF − ORT| / max|ORT|): {', '.join(tfchk)}.\n")
        for e in errs:
            w(f"- run error: {e}")
        if errs:
            w("")

    w("## Compile time and memory (kiln)\n")
    ok = [c for c in R["compiles"] if c["rc"] == 0]
    small = min(ok, key=lambda c: c["weight_bytes"]) if ok else None
    baseline = (f": {small.get('private_bytes', 0) / 2**20:.0f} MiB private, {small['rss_bytes'] / 2**20:.0f} MiB "
                f"RSS for {small['tag']}, {small['weight_bytes'] / 2**10:.0f} KiB of weights" if small else "")
    w("Wall time and peak memory of one `kiln compile` process, against the bytes of the model's weights (ONNX "
      "initializers and constants). Peak RSS is GNU time's maximum resident set: it includes the pages of the "
      "shared libraries kiln maps (libLLVM and libMLIR: most of the difference between the two columns, clean file "
      "pages shared with every other process using them, whatever the model). Private is the peak of the process's own anonymous memory (heap, "
      "stacks: RssAnon in /proc/PID/status, sampled every 2 ms), the memory the compile itself takes; the ≤ 3× "
      "target is judged on both, on the models with at least 10 MB of weights (kiln's own baseline dominates for "
      "the small ones" + baseline + ").\n")
    w("| model | batch | result | wall (s) | peak RSS (MiB) | private peak (MiB) | weights (MiB) | RSS / weights | private / weights |")
    w("|---|---|---|---|---|---|---|---|---|")
    for c in R["compiles"]:
        wb = c["weight_bytes"]
        res = "ok" if c["rc"] == 0 else f"**failed**: {c['error']}"
        if c.get("cached"):
            res += " (compiled by an earlier run with the same kiln)"
        priv = c.get("private_bytes", 0)
        w(f"| {c['model']} | {c['batch'] or '—'} | {res} | {c['wall_s']:.1f} | {c['rss_bytes'] / 2**20:.0f} | "
          f"{priv / 2**20:.0f} | {wb / 2**20:.1f} | {c['rss_bytes'] / wb:.1f}× | {priv / wb:.1f}× |")
    w("")
    w("## Micro-benchmarks (1 thread)\n")
    pk = R["peak"]
    w("FP32 peak measured by `bench/peak.c`: 12 independent FMA chains per thread, best of 5 × 0.3 s. "
      + ", ".join(f"{isa}: {v['1']:.1f} GFLOP/s on 1 thread, {v[str(T)]:.1f} on {T}"
                  if v else f"{isa}: not supported by this CPU" for isa, v in pk.items()) + ".\n")
    if R.get("micro_round_s"):
        w(f"Each round runs a kernel back to back for {R['micro_round_s'] * 1e3:.0f} ms (a steady state, as the "
          "peak is measured; the models' rounds start after a pause instead). ")
    w(f"% of peak is against the 1-thread peak of the widest ISA this CPU has ({R['peak_isa']}). The peak is a best "
      "case (best of 5), so the kernels' best call is set against it (the GEMM target uses that column); the median "
      "call's share is given too, and on a busy host is the lower one.\n")
    w("| kernel | GFLOP | kiln median (ms) | kiln best (ms) | kiln % of peak (best / median) | ORT median (ms) | "
      "ORT best (ms) | ORT % of peak (best / median) | kiln/ORT (median) | kiln vs ORT error |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for r in R["micro"]:
        t = r["times"]
        gf = r["flops"] / 1e9
        pct = lambda ms: f"{gf / (ms / 1e3) / R['peak_1'] * 100:.1f}%" if ms else "—"  # noqa: E731
        k, o = t.get("kiln@1", {}), t.get("ort@1", {})
        c = r.get("check")
        check = (f"**kiln failed**: {r['kiln_error']}" if r.get("kiln_error") else
                 "—" if c is None else f"{c['max_rel']:.1e} {'ok' if c['ok'] else '**MISMATCH**'}")
        w(f"| {r['label']} | {gf:.3f} | {fmt_ms(k.get('median_ms'))} | {fmt_ms(k.get('min_ms'))} | "
          f"{pct(k.get('min_ms'))} / {pct(k.get('median_ms'))} | {fmt_ms(o.get('median_ms'))} | "
          f"{fmt_ms(o.get('min_ms'))} | {pct(o.get('min_ms'))} / {pct(o.get('median_ms'))} | "
          f"{fmt_ratio(ratio(k.get('median_ms'), o.get('median_ms')))} | {check} |")
    w("")
    w("## Bench set\n")
    w("Generated by `bench/models.py` (seeded random weights, never committed): Keras 3 models exported as "
      "SavedModels and converted to ONNX with tf2onnx.\n")
    w("| model | input (per sample) | weights (MiB) | ONNX ops |")
    w("|---|---|---|---|")
    for mm in R["bench_set"]:
        w(f"| {mm['name']} | {', '.join('x'.join(map(str, i['shape'])) for i in mm['inputs'])} | "
          f"{mm['weight_bytes'] / 2**20:.1f} | {mm['ops']} |")
    w("")
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(path).write_text("\n".join(L) + "\n")


# ------------------------------------------------------------------- main ---

def main():
    ap = argparse.ArgumentParser(description="kiln CPU benchmark (issue 7)")
    ap.add_argument("--quick", action="store_true",
                    help=f"models {','.join(QUICK_MODELS)} + micro, 3 rounds, 2 warm-up calls, 10 s budget; "
                         "writes bench/build/cpu-quick.md")
    ap.add_argument("--threads", type=int, default=2, help="peer thread count (default 2)")
    ap.add_argument("--models", help=f"comma list from {','.join(MODELS + MICRO)}")
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--iters", type=int, help="timed rounds per model (default 10)")
    ap.add_argument("--warmup", type=int, help="warm-up calls, at least 2 (default 3)")
    ap.add_argument("--budget", type=float, help="seconds of timed calls per runtime and model (default 40)")
    ap.add_argument("--settle-ms", type=float, default=100,
                    help="pause before each runtime's turn in a round, so that the previous runtime's "
                         "spinning worker threads are asleep (default 100)")
    ap.add_argument("--max-call", type=float, default=120,
                    help="stop a kiln call after this many seconds and report the time as a lower bound (default 120)")
    ap.add_argument("--kiln-build", default=str(REPO / "build"), help="kiln build folder (default build/)")
    ap.add_argument("--target", default="native", help="kiln --target (default native)")
    ap.add_argument("--compile-timeout", type=float, default=900)
    ap.add_argument("--out", help="report path (default bench/results/cpu.md)")
    ap.add_argument("--note", default="", help="sentence added to the machine section of the report")
    ap.add_argument("--rerender", action="store_true",
                    help="only rewrite the report from the .json beside it (after a change to the report's format)")
    args = ap.parse_args()
    if args.rerender:
        out = pathlib.Path(args.out or HERE / "results" / "cpu.md")
        R = json.loads(out.with_suffix(".json").read_text())
        # A report from before the slowest-model row gets it from its rows.
        if R.get("models") and not any(t["what"].startswith("no model slower") for t in R["targets"]):
            at = sum(t["what"].startswith("geomean") for t in R["targets"])
            R["targets"].insert(at, slowest_target(R["models"], R["args"]["threads"]))
        if args.note:
            R["args"]["note"] = args.note
        write_report(out, R)
        return 0
    ensure_venv()
    # One run at a time: runs share bench/build/ (kiln snapshot, objects) and
    # would time each other.
    BUILD.mkdir(parents=True, exist_ok=True)
    lock = open(BUILD / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("bench: another bench/run.py is running on bench/build/; wait for it to finish")
    start, busy0, own0 = time.time(), cpu_busy_s(), own_cpu_s()
    load0 = os.getloadavg()[0]
    q = args.quick
    args.iters = args.iters or (3 if q else 10)
    args.warmup = max(2, args.warmup if args.warmup is not None else (2 if q else 3))
    args.budget = args.budget or (10.0 if q else 40.0)
    args.out = args.out or str(BUILD / "cpu-quick.md" if q else HERE / "results" / "cpu.md")
    wanted = args.models.split(",") if args.models else list(QUICK_MODELS if q else MODELS) + list(MICRO)
    bad = set(wanted) - set(MODELS + MICRO)
    if bad:
        ap.error(f"unknown models {sorted(bad)}")
    models = [x for x in MODELS if x in wanted]
    micro = [x for x in MICRO if x in wanted]
    batches = [int(b) for b in args.batches.split(",")]
    T = args.threads
    threads = sorted({T, 1}, reverse=True)

    import numpy as np

    kiln = snapshot_kiln(args.kiln_build)
    log(f"kiln snapshot: {kiln['version']} {kiln['rev']} sha {kiln['sha']}")
    missing = [x for x in models + micro if not (BUILD / "models" / x / "meta.json").exists()]
    if missing:
        log(f"generating bench models {missing} (bench/models.py) ...")
        subprocess.run([sys.executable, str(HERE / "models.py")] + missing, check=True)
    metas = {x: json.loads((BUILD / "models" / x / "meta.json").read_text()) for x in models + micro}
    # Op counts in a child: loading BERT's ONNX here would grow this process
    # (and so its children's ru_maxrss) by its weights.
    count_ops = ("import collections, json, sys, onnx\n"
                 "for p in sys.argv[1:]:\n"
                 "    g = onnx.load(p, load_external_data=False).graph\n"
                 "    print(json.dumps(collections.Counter(n.op_type for n in g.node).most_common()))")
    ops = sh([sys.executable, "-c", count_ops] +
             [str(BUILD / "models" / x / "model.onnx") for x in models + micro]).splitlines()
    bench_set = [dict(metas[x], ops=", ".join(f"{o} {c}" for o, c in json.loads(line)))
                 for x, line in zip(models + micro, ops)]

    # FP32 peak.
    peak_bin = BUILD / "peak"
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-std=gnu11", "-pthread", str(HERE / "peak.c"),
                    "-o", str(peak_bin)], check=True)
    peak = {"avx2": {}, "avx512": {}}
    for t in threads:
        for ln in sh([str(peak_bin), "--threads", str(t)]).splitlines():
            f = ln.split()
            if "gflops" in f:
                peak[f[1]][str(t)] = float(f[-1])
    peak = {isa: (v or None) for isa, v in peak.items()}
    peak_isa = "avx512" if peak["avx512"] else "avx2"
    peak_1 = peak[peak_isa]["1"]
    log(f"FP32 peak: {peak}")

    # Compile everything first (heavy; nothing else runs meanwhile).
    compiles = {}
    for x in models:
        for b in batches:
            compiles[(x, b)] = compile_model(kiln, x, b, args.target, args.compile_timeout)
    for x in micro:
        compiles[(x, None)] = compile_model(kiln, x, None, args.target, args.compile_timeout)

    # Peer workers: one per runtime and thread count.
    workers = {}
    for t in threads:
        for rt in ("ort", "tf"):
            workers[f"{rt}@{t}"] = Proc([sys.executable, str(HERE / "worker.py"), "--runtime", rt,
                                         "--threads", str(t)], f"{rt}@{t}")
    kiln_threads = threads if KILN_THREADING else [1]

    def group(x, b, peers, round_s=ROUND_S):
        meta = metas[x]
        tag = f"{x}_b{b}" if b else x
        in_dir, inputs = make_inputs(meta, b)
        rec = compiles[(x, b)]
        runners, row = {}, {"model": x, "batch": b, "times": {}}
        if rec["rc"] != 0:
            row["kiln_error"] = rec["error"]
        else:
            for t in kiln_threads:
                try:
                    runners[f"kiln@{t}"] = KilnRunner(rec["harness"], in_dir, t)
                except RuntimeError as e:
                    row["kiln_error"] = str(e)
        for p in peers:
            rt = p.split("@")[0]
            path = BUILD / "models" / x / ("model.onnx" if rt == "ort" else "saved_model")
            try:
                runners[p] = PeerRunner(workers[p], tag, str(path), inputs)
            except RuntimeError as e:
                row["times"][p] = {"error": str(e)}
        log(f"timing {tag}: {', '.join(runners)}")
        row["times"].update(time_group(runners, args, round_s))
        for name, v in row["times"].items():
            if "median_ms" in v:
                log(f"  {name}: {v['median_ms']:.3f} ms median of {v['samples']}")
            else:
                log(f"  {name}: ERROR {v['error']}")
        outs = BUILD / "outputs" / tag
        ref = f"ort@{T}" if f"ort@{T}" in runners else "ort@1"
        try:
            runners[ref].dump(outs / "ort")
            kn = f"kiln@{kiln_threads[0]}"
            if kn in runners and "median_ms" in row["times"].get(kn, {}):
                runners[kn].dump(outs / "kiln")
                row["check"] = compare(outs / "kiln", outs / "ort", len(meta["outputs"]))
                c = row["check"]
                log(f"  kiln vs ORT: max abs {c['max_abs']:.3g}, rel {c['max_rel']:.3g}: "
                    f"{'ok' if c['ok'] else 'MISMATCH'}")
                if not c["ok"]:
                    log(f"  !!!!!!!! {tag}: kiln's outputs DO NOT MATCH onnxruntime's !!!!!!!!")
            tfn = f"tf@{T}"
            if tfn in runners and "median_ms" in row["times"].get(tfn, {}):
                runners[tfn].dump(outs / "tf")
                row["tf_check"] = compare(outs / "tf", outs / "ort", len(meta["outputs"]))
        except RuntimeError as e:
            row["check_error"] = str(e)
            log(f"  check failed: {e}")
        for r in runners.values():
            r.close()
        return row

    rows, micro_rows = [], []
    try:
        for b in batches:
            for x in models:
                rows.append(group(x, b, [f"{rt}@{t}" for t in threads for rt in ("ort", "tf")]))
        for x in micro:
            row = group(x, None, ["ort@1"], MICRO_ROUND_S)
            row["flops"] = metas[x]["flops"]
            row["label"] = ("MatMul 1024×1024×1024" if x == "gemm" else
                            "Conv 3×3, 64→64 channels, 56×56, pad 1")
            micro_rows.append(row)
    finally:
        for p in workers.values():
            p.close()

    # Summaries and targets.
    geo = {}
    kz = kiln_key(T)
    for b in batches:
        # Models whose kiln outputs matched, plus those whose kiln call was
        # stopped (their time is a lower bound, so the geomean is one too).
        checked = [r for r in rows if r["batch"] == b and r.get("check", {}).get("ok")]
        over = [r for r in rows if r["batch"] == b and timing(r["times"], kz)[1]]
        rs = checked + over
        med = lambda r, k: timing(r["times"], k)[0]  # noqa: E731
        geo[str(b)] = {"ort": geomean([ratio(med(r, kz), med(r, f"ort@{T}")) for r in rs]),
                       "tf": geomean([ratio(med(r, kz), med(r, f"tf@{T}")) for r in rs]),
                       "ort1": geomean([ratio(med(r, "kiln@1"), med(r, "ort@1")) for r in rs]),
                       "tf1": geomean([ratio(med(r, "kiln@1"), med(r, "tf@1")) for r in rs]),
                       "n": len(checked), "bound": bool(over),
                       "over": [r["model"] for r in over]}
    targets = []
    nall = len(models)
    for b, key in ((1, "b1"), (8, "b8")):
        if b not in batches:
            continue
        g = geo[str(b)]
        miss = nall - g["n"] - len(g["over"])
        targets.append({"what": f"geomean kiln/ORT, batch {b}, {T} threads ≤ {TARGETS[key]}",
                        "measured": (("≥ " if g["bound"] else "") + f"{fmt_ratio(g['ort'])}" if g["ort"] else "—")
                        + (f" ({', '.join(g['over'])}: kiln call stopped after {args.max_call:g} s)" if g["over"] else "")
                        + (f" ({miss} of {nall} models missing: failed or mismatched)" if miss else ""),
                        "met": "yes" if g["ort"] and g["ort"] <= TARGETS[key] and not miss and not g["over"] else "**no**"})
    if rows:
        targets.append(slowest_target(rows, T))
    gm = next((r for r in micro_rows if r["model"] == "gemm"), None)
    if gm:
        kt = gm["times"].get("kiln@1", {})
        km, kb = kt.get("median_ms"), kt.get("min_ms")
        frac = (gm["flops"] / (kb / 1e3) / 1e9) / peak_1 if kb else None
        fmed = (gm["flops"] / (km / 1e3) / 1e9) / peak_1 if km else None
        targets.append({"what": f"fp32 GEMM 1024³, 1 core, ≥ {TARGETS['gemm'] * 100:.0f}% of measured peak "
                                f"({peak_1:.1f} GFLOP/s {peak_isa}, best of 5; best call)",
                        "measured": f"{frac * 100:.1f}% (median call {fmed * 100:.1f}%)" if frac and fmed else "—",
                        "met": "yes" if frac and frac >= TARGETS["gemm"] and gm.get("check", {}).get("ok") else "**no**"})
    rn = [c for (x, b), c in compiles.items() if x == "resnet50"]
    if rn:
        worst = max(rn, key=lambda c: c["wall_s"])
        okc = all(c["rc"] == 0 for c in rn)
        targets.append({"what": f"ResNet-50 compile time ≤ {TARGETS['compile_s']:.0f} s",
                        "measured": f"{worst['wall_s']:.1f} s" + ("" if okc else " (failed)"),
                        "met": "yes" if okc and worst["wall_s"] <= TARGETS["compile_s"] else "**no**"})
    big = [(c, metas[x]["weight_bytes"]) for (x, b), c in compiles.items() if metas[x]["weight_bytes"] >= 10e6]
    if big:
        worst = max(big, key=lambda cw: cw[0]["rss_bytes"] / cw[1])
        worst_p = max(big, key=lambda cw: cw[0].get("private_bytes", 0) / cw[1])
        okc = all(c["rc"] == 0 for c, _ in big)
        xw = worst[0]["rss_bytes"] / worst[1]
        xp = worst_p[0].get("private_bytes", 0) / worst_p[1]
        targets.append({"what": f"peak compile memory ≤ {TARGETS['rss_x']:.0f}× weight bytes (models ≥ 10 MB)",
                        "measured": f"private: worst {xp:.1f}× ({worst_p[0]['tag']}); RSS with the shared "
                                    f"libraries' pages: worst {xw:.1f}× ({worst[0]['tag']})"
                                    + ("" if okc else "; some compiles failed"),
                        "met": ("private: " + ("yes" if okc and 0 < xp <= TARGETS["rss_x"] else "**no**")
                                + "; RSS: " + ("yes" if okc and xw <= TARGETS["rss_x"] else "**no**"))})
    comp_rows = []
    for (x, b), c in compiles.items():
        comp_rows.append(dict(c, model=x, batch=b, weight_bytes=metas[x]["weight_bytes"]))
    total = time.time() - start
    busy = cpu_busy_s() - busy0
    own = own_cpu_s() - own0
    from importlib.metadata import version
    cmd = "python3 bench/run.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
    R = {"args": dict(vars(args), batches=batches), "machine": machine_info(), "kiln": kiln,
         "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "command": cmd, "total_s": total,
         "versions": {"onnxruntime": version("onnxruntime"), "tensorflow": version("tensorflow-cpu"),
                      "tf2onnx": version("tf2onnx"), "onnx": version("onnx"), "numpy": np.__version__},
         "other_cpu": {"cpu_s": max(0.0, busy - own), "share": max(0.0, busy - own) / (total * os.cpu_count())},
         "loadavg": [f"{load0:.2f}", f"{os.getloadavg()[0]:.2f}"],
         "models": rows, "micro": micro_rows, "micro_round_s": MICRO_ROUND_S, "compiles": comp_rows, "geomean": geo, "targets": targets,
         "peak": peak, "peak_isa": peak_isa, "peak_1": peak_1, "bench_set": bench_set}
    write_report(args.out, R)
    pathlib.Path(args.out).with_suffix(".json").write_text(json.dumps(R, indent=1, default=str) + "\n")
    log(f"wrote {args.out} ({total / 60:.1f} min)")
    print(pathlib.Path(args.out).read_text())
    mismatched = [f"{r['model']} b{r['batch']}" if r["batch"] else r["model"]
                  for r in rows + micro_rows if r.get("check") and not r["check"]["ok"]]
    if mismatched:
        log(f"FAIL: kiln's outputs differ from onnxruntime's for {', '.join(mismatched)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
