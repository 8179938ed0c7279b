#!/usr/bin/env python3
"""ONNX conformance runner: compiles each ONNX backend test case of
libonnx-testdata with kiln, runs it through a generic C harness and compares
the outputs with the reference outputs. Python standard library only.

  run.py                 run every case, write onnx-status.md, and fail if a
                         case of expected-pass.txt no longer passes
  run.py --update        ... and add the newly passing cases to the list
  run.py --check         run only the cases of expected-pass.txt (fast; CI)
  run.py node/test_abs 'node/test_reduce_.*'
                         run the cases matching these regexes; print results
  run.py --dynamic-batch re-run the statically passing node cases compiled
                         with --dynamic-batch (the leading dimension given at
                         run time) and write dynamic-batch-status.md; cases
                         whose ops combine samples are excluded as not
                         batch-separable
  run.py --check --target=cuda:sm_90 [PATTERNS] --prepare-only DIR
                         compile and link the (matching) expected-pass cases
                         into DIR with their test data ...
  run.py --run-prepared DIR
                         ... and run and check them on another machine (a
                         GPU without kiln: scripts/gpu-check.sh)

Each case folder holds model.onnx and test_data_set_N/{input,output}_K.pb
(TensorProto). A case is classified as pass, wrong result, compile error,
unsupported op (kiln names the ops), run error (the harness failed or timed
out) or excluded (outside what an inference compiler takes: training ops,
random generators, strings, sequences and optionals).

Test models often feed operands that real models keep as initializers
(Reshape's shape, Slice's starts, Clip's bounds...) as graph inputs. kiln
needs those to be constants, so the runner appends the test's value of such
an input to the model as an initializer (see CONSTANT_OPERANDS); the status
file says which passing cases relied on it.
"""
import argparse
import concurrent.futures
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxpb  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = "/usr/share/libonnx-testdata/data"
FOLDERS = ["node", "simple", "pytorch-converted", "pytorch-operator"]
RTOL, ATOL = 1e-3, 1e-7

PASS, WRONG, COMPILE, UNSUPPORTED, RUN, EXCLUDED = (
    "pass", "wrong result", "compile error", "unsupported op", "run error",
    "excluded")
STATUSES = [PASS, WRONG, COMPILE, UNSUPPORTED, RUN, EXCLUDED]
# kiln's refusal of string models on --target=cuda:* (excluded there).
GPU_REFUSED = "string models run on the CPU only"

# Node inputs (op type -> input indices) that real models hold as constants:
# shapes, axes, bounds, pads, counts. A graph input read only at such
# positions becomes an initializer holding the test's value.
_REDUCE_OPS = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
               "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
               "ReduceLogSumExp", "ReduceSumSquare"]
CONSTANT_OPERANDS = {
    "Reshape": {1}, "Expand": {1}, "Tile": {1, 2}, "Slice": {1, 2, 3, 4},
    "Pad": {1, 2, 3}, "Squeeze": {1}, "Unsqueeze": {1}, "Split": {1},
    "ConstantOfShape": {0}, "Clip": {1, 2}, "TopK": {1}, "Resize": {1, 2, 3},
    "Upsample": {1}, "OneHot": {1}, "Range": {0, 1, 2}, "Dropout": {1, 2},
    "CumSum": {1}, "Trilu": {1}, "CenterCropPad": {1}, "Col2Im": {1, 2},
    "MaxUnpool": {2}, "NonMaxSuppression": {2, 3, 4},
    "SequenceInsert": {2}, "SequenceErase": {1}, "SequenceAt": {1},
    "SplitToSequence": {1},
    "HannWindow": {0}, "HammingWindow": {0}, "BlackmanWindow": {0},
    **{op: {1} for op in _REDUCE_OPS},
}

# Ops whose results are random or that exist only for training.
RANDOM_OPS = {"RandomNormal", "RandomUniform", "RandomNormalLike",
              "RandomUniformLike", "Bernoulli", "Multinomial"}
# Sequence ops whose sequences the importer evaluates (graph inputs and
# outputs stay tensors; sequence-typed ones are excluded above) are in scope;
# these are not.
SEQUENCE_OPS = {"SequenceMap", "Optional", "OptionalHasElement",
                "OptionalGetElement"}
STRING_OPS = {"RegexFullMatch", "StringConcat", "StringSplit"}
TRAINING_DOMAINS = {"ai.onnx.preview.training"}
# kiln's errors for a model that cannot run sample by sample under
# --dynamic-batch (passes/verify/VerifyBatchSeparable.cpp).
NOT_SEPARABLE = ("treat batch samples independently",
                 "has no leading batch dimension",
                 "does not depend on the batch",
                 "does not keep the batch as its leading dimension",
                 "needs a graph that does not depend on it",
                 "so its graph depends on the batch size",
                 # StringNormalizer compacts across its whole input.
                 "string models need a static batch")

# ONNX TensorProto data type -> kiln_dtype_t (runtime/include/kiln/abi.h).
ONNX_TO_KILN = {1: 1, 2: 9, 3: 5, 4: 10, 5: 6, 6: 7, 7: 8, 8: 14, 9: 13,
                10: 3, 11: 2, 12: 11, 13: 12, 16: 4}
KILN_TO_ONNX = {v: k for k, v in ONNX_TO_KILN.items()}
# ONNX 1.12's test data stores BFLOAT16 tensors as UINT16 bit patterns.
UINT16, BFLOAT16 = 4, 16


class Result:
    def __init__(self, case, status, detail="", ops=(), unsupported=(),
                 frozen=(), seconds=0.0):
        self.case, self.status, self.detail = case, status, detail
        self.ops = sorted(set(ops))
        self.unsupported = sorted(set(unsupported))
        self.frozen = list(frozen)
        self.seconds = seconds


def exclusion(model):
    """Why the case is outside what kiln aims to compile, or None."""
    for v in model.graph.inputs + model.graph.outputs:
        if v.kind in ("sequence", "map", "optional", "sparse_tensor"):
            return "%s-typed graph input or output" % v.kind
    runtime = {i.name for i in model.runtime_inputs()}
    for n in model.graph.all_nodes():
        # Gradient is computed at import; optimizers and training-mode ops
        # are out of scope.
        if n.domain in TRAINING_DOMAINS and n.op_type != "Gradient":
            return "training op (%s)" % n.qualified_op
        if n.op_type in RANDOM_OPS:
            return "random generator (%s)" % n.op_type
        if n.op_type in SEQUENCE_OPS:
            return "sequence/optional op (%s)" % n.op_type
        if n.op_type in STRING_OPS:
            return "string op (%s)" % n.op_type
        mode = n.attrs.get("training_mode")
        if n.op_type == "BatchNormalization" and mode and 3 in mode \
                and mode[3][-1][1]:
            return "training-mode BatchNormalization"
        # A training_mode the test feeds switches on random dropout.
        if n.op_type == "Dropout" and len(n.inputs) > 2 \
                and n.inputs[2] in runtime:
            return "training-mode Dropout (random mask)"
    return None


def constant_inputs(model):
    """Names of runtime graph inputs read only at CONSTANT_OPERANDS
    positions of top-level nodes (never by a subgraph or as an output)."""
    uses = defaultdict(list)
    for n in model.graph.nodes:
        for k, name in enumerate(n.inputs):
            uses[name].append(n.op_type in CONSTANT_OPERANDS
                              and k in CONSTANT_OPERANDS[n.op_type])
    for n in model.graph.nodes:
        for g in n.subgraphs:
            for sub in g.all_nodes():
                for name in sub.inputs:
                    uses[name].append(False)
    outputs = {o.name for o in model.graph.outputs}
    return {i.name for i in model.runtime_inputs()
            if uses[i.name] and all(uses[i.name]) and i.name not in outputs}


def data_sets(case_dir):
    sets = sorted(d for d in os.listdir(case_dir)
                  if d.startswith("test_data_set_"))
    return [os.path.join(case_dir, d) for d in sets]


def first_error(stderr, model_path):
    """The first diagnostic line of kiln's stderr, without the file name."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    line = next((l for l in lines if "error:" in l), lines[0] if lines else "")
    line = line.replace(model_path + ": ", "").replace(model_path, "model.onnx")
    return re.sub(r"^.*?error: ", "", line).strip()


def unsupported_ops(message):
    m = re.match(r"unsupported ONNX ops \(\d+\): (.*)", message)
    if not m:
        return None
    return sorted(set(re.findall(r"\(([\w.]+)\)(?:,|$)", m.group(1))))


def close(got, want, is_float):
    if not is_float:
        return got == want
    if got == want:
        return True
    if math.isnan(got) or math.isnan(want):
        return math.isnan(got) and math.isnan(want)
    if math.isinf(got) or math.isinf(want):
        return False
    return abs(got - want) <= ATOL + RTOL * abs(want)


def compare(index, got, want, dtype):
    """None when the output matches, else a description of the first
    mismatch."""
    is_float = dtype in onnxpb.FLOAT_TYPES
    bad, first = 0, None
    for k, (g, w) in enumerate(zip(got, want)):
        if not close(g, w, is_float):
            bad += 1
            if first is None:
                first = k
    if not bad:
        return None
    fmt = "%.9g" if is_float else "%r" if dtype == 8 else "%d"
    return ("output %d: %d of %d elements differ; first at %d: got %s, "
            "want %s" % (index, bad, len(want), first, fmt % got[first],
                         fmt % want[first]))


class Prepared:
    """A case that kiln compiled: what running it needs."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def result(self, status, detail=""):
        return Result(self.case, status, detail, self.ops, (), self.frozen,
                      self.seconds)


class Named:
    """A graph input as a prepared manifest records it: its name."""

    def __init__(self, name):
        self.name = name


class Runner:
    """Runs cases in three stages, each over a thread pool: compile every
    case with kiln (a model named m<N>), link the compiled cases into
    harness executables in batches (one C compile and link per batch, not
    per case), then run and compare every case."""

    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.include = os.path.join(REPO, "runtime", "include")
        self.harness = os.path.join(HERE, "harness.c")
        # lld links faster than ld.bfd.
        self.link_flags = (["-fuse-ld=lld"]
                           if "clang" in os.path.basename(args.cc)
                           and shutil.which("ld.lld") else [])
        self.link_flags += args.cflags.split()
        # GPU models: the harness copies buffers to and from the device.
        self.cuda_flags = (["-DKILN_CUDA"] if args.target
                           and args.target.startswith("cuda:") else [])
        # --cuda-simulate: the harnesses run on kiln-cusim's libcuda.so.1.
        self.env = None
        if args.cuda_simulate:
            self.env = dict(os.environ)
            self.env["LD_LIBRARY_PATH"] = ":".join(
                p for p in (args.cusim_dir,
                            os.environ.get("LD_LIBRARY_PATH")) if p)

    def run(self, cmd, timeout):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", timeout=timeout,
                               env=self.env)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return None, "", "timed out after %d s" % timeout

    # --- Stage 1: kiln compile ---------------------------------------------

    def prepare(self, numbered):
        """A Result when the case ends here, else a Prepared."""
        index, case = numbered
        start = time.monotonic()
        out = self._prepare(index, case)
        out.seconds = time.monotonic() - start
        return out

    def _prepare(self, index, case):
        case_dir = os.path.join(self.args.data, case)
        model_path = os.path.join(case_dir, "model.onnx")
        try:
            with open(model_path, "rb") as fh:
                model_bytes = fh.read()
            model = onnxpb.Model(model_bytes)
        except (OSError, onnxpb.DecodeError) as e:
            return Result(case, RUN, "cannot read model.onnx: %s" % e)
        ops = [n.qualified_op for n in model.graph.all_nodes()]
        reason = exclusion(model)
        if reason:
            return Result(case, EXCLUDED, reason, ops)
        sets = data_sets(case_dir)
        if not sets:
            return Result(case, RUN, "no test_data_set folder", ops)
        runtime_inputs = model.runtime_inputs()
        work = os.path.join(self.tmp, "case%d" % index)
        os.mkdir(work)

        # Constant operands fed as graph inputs become initializers.
        frozen = [] if self.args.no_freeze else sorted(constant_inputs(model))
        compiled_path = model_path
        if frozen:
            protos = []
            for k, info in enumerate(runtime_inputs):
                if info.name in frozen:
                    path = os.path.join(sets[0], "input_%d.pb" % k)
                    with open(path, "rb") as fh:
                        protos.append(onnxpb.rename_tensor(fh.read(),
                                                           info.name))
            compiled_path = os.path.join(work, "model.onnx")
            with open(compiled_path, "wb") as fh:
                fh.write(onnxpb.add_initializers(model_bytes, protos))

        name = "m%d" % index
        obj = os.path.join(work, "case.o")
        flags = ["--dynamic-batch"] if self.args.dynamic_batch else []
        if self.args.target:
            flags.append("--target=" + self.args.target)
        if self.args.cuda_simulate:
            flags.append("--cuda-simulate")
        if self.args.precision != "fp32":
            flags.append("--precision=" + self.args.precision)
        # Static mode: symbolic dimensions get the test's sizes.
        if not self.args.dynamic_batch:
            for k, info in enumerate(runtime_inputs):
                if info.name not in frozen and info.dims and \
                        None in info.dims:
                    t = onnxpb.read_tensor(os.path.join(sets[0],
                                                        "input_%d.pb" % k))
                    flags.append("--input-shape=%s=%s" % (
                        info.name, ",".join(str(d) for d in t.dims)))
        rc, _, err = self.run([self.args.kiln, "compile", compiled_path,
                               "--name=" + name, "-o", obj, *flags],
                              self.args.compile_timeout)
        if rc != 0 and self.args.dynamic_batch and any(
                m in err for m in NOT_SEPARABLE):
            return Result(case, EXCLUDED, "not batch-separable: " +
                          (first_error(err, compiled_path) or ""), ops, (),
                          frozen)
        # The GPU path refuses string models by design (their ops run on
        # the host).
        if rc != 0 and self.cuda_flags and GPU_REFUSED in err:
            return Result(case, EXCLUDED, "GPU target: " + GPU_REFUSED, ops,
                          (), frozen)
        if rc != 0:
            if rc is None:
                return Result(case, COMPILE, "kiln compile " + err, ops, (),
                              frozen)
            message = first_error(err, compiled_path) or "exit status %d" % rc
            names = unsupported_ops(message)
            if names:
                return Result(case, UNSUPPORTED, ", ".join(names), ops, names,
                              frozen)
            return Result(case, COMPILE, message, ops, (), frozen)
        return Prepared(case=case, work=work, name=name, obj=obj,
                        header=os.path.join(work, "case.h"), ops=ops,
                        frozen=frozen, sets=sets,
                        runtime_inputs=runtime_inputs)

    # --- Stage 2: link -----------------------------------------------------

    def link(self, batch):
        """[(Prepared, executable, model index) or Result] for a batch. A
        batch whose link fails is linked again case by case, so the failure
        lands on the case that causes it."""
        start = time.monotonic()
        exe, error = self._link(batch)
        if exe:
            out = [(p, exe, i) for i, p in enumerate(batch)]
        elif len(batch) == 1:
            out = [batch[0].result(RUN, "harness build failed: " + error)]
        else:
            return [x for p in batch for x in self.link([p])]
        share = (time.monotonic() - start) / len(batch)
        for p in batch:
            p.seconds += share
        return out

    def _link(self, batch):
        stem = os.path.join(batch[0].work, "batch%d" % len(batch))
        with open(stem + ".c", "w") as fh:
            fh.write("/* Generated by run.py: the models of one harness. */\n")
            fh.write("".join('#include "%s"\n' % p.header for p in batch))
            fh.write("const kiln_model_desc_t *(*const kiln_models[])(void) = "
                     "{%s};\n" % ", ".join(p.name + "_describe"
                                           for p in batch))
            fh.write("const int kiln_num_models = %d;\n" % len(batch))
        rc, _, err = self.run(
            [self.args.cc, "-std=c11", "-O0", "-w", *self.link_flags,
             "-I" + self.include, "-DKILN_BATCH", *self.cuda_flags,
             self.harness, stem + ".c",
             *[p.obj for p in batch], self.args.rt, "-lm", "-o", stem],
            60 + 2 * len(batch))
        if rc == 0:
            return stem, None
        lines = err.strip().splitlines() or [""]
        line = next((l for l in lines if "undefined" in l), lines[0])
        return None, re.sub(r"^.*?: ", "", line.replace(self.tmp, ""))

    # --- Stage 3: run and compare ------------------------------------------

    def execute(self, linked):
        if isinstance(linked, Result):
            return linked
        p, exe, index = linked
        start = time.monotonic()
        result = self._execute(p, exe, index)
        result.seconds = p.seconds + time.monotonic() - start
        return result

    def _execute(self, p, exe, index):
        result = p.result
        harness = [exe, "-m", str(index)]
        rc, out, err = self.run(harness + ["describe"], 10)
        if rc != 0:
            return result(RUN, "describe failed: %s" % err.strip())
        desc = {"input": [], "output": []}
        for line in out.splitlines():
            parts = line.split()
            if parts[0] in desc:
                rank = int(parts[4])
                desc[parts[0]].append({
                    "dtype": int(parts[2]), "numel": int(parts[3]),
                    "dims": [int(d) for d in parts[5:5 + rank]],
                    "name": " ".join(parts[5 + rank:])})

        fed = [(k, i) for k, i in enumerate(p.runtime_inputs)
               if i.name not in p.frozen]
        if len(fed) != len(desc["input"]):
            return result(WRONG, "the model takes %d inputs, expected %d"
                          % (len(desc["input"]), len(fed)))
        dynamic = any(d["numel"] < 0 for d in desc["input"])
        for data_dir in p.sets:
            io = os.path.join(p.work, "io")
            shutil.rmtree(io, ignore_errors=True)
            os.mkdir(io)
            tensors = [onnxpb.read_tensor(os.path.join(data_dir,
                                                       "input_%d.pb" % k))
                       for k, _ in fed]
            # A dynamic-batch model gets the test's leading dimension.
            batch = tensors[0].dims[0] if dynamic and tensors[0].dims else 0
            for slot, (k, info) in enumerate(fed):
                t = tensors[slot]
                d = dict(desc["input"][slot])
                if dynamic:
                    d["numel"] = batch * math.prod(d["dims"][1:])
                dtype = t.dtype
                if dtype == UINT16 and d["dtype"] == ONNX_TO_KILN[BFLOAT16]:
                    dtype = BFLOAT16
                if (ONNX_TO_KILN.get(dtype) != d["dtype"]
                        or t.num_elements != d["numel"]):
                    # kiln compiles for the declared input type.
                    return result(RUN, "input %d '%s' is declared as %d %s "
                                  "elements, the test feeds %s%s" % (
                                      slot, d["name"], d["numel"],
                                      onnxpb.dtype_name(
                                          KILN_TO_ONNX.get(d["dtype"], 0)),
                                      onnxpb.dtype_name(t.dtype),
                                      t.dims))
                with open(os.path.join(io, "input_%d.bin" % slot), "wb") as fh:
                    fh.write(t.raw)
            rc, out, err = self.run(
                harness + ["run", io, io] + ([str(batch)] if dynamic else []),
                self.args.run_timeout)
            if rc is None:
                return result(RUN, "the model " + err)
            if rc != 0:
                text = (out + err).strip() or "exit status %d" % rc
                if rc < 0:
                    text = "crashed with signal %d" % -rc
                return result(RUN, text.splitlines()[0])
            wants = sorted(f for f in os.listdir(data_dir)
                           if f.startswith("output_"))
            if len(wants) != len(desc["output"]):
                return result(WRONG, "the model has %d outputs, the test "
                              "expects %d" % (len(desc["output"]), len(wants)))
            for j, d in enumerate(desc["output"]):
                want = onnxpb.read_tensor(os.path.join(data_dir,
                                                       "output_%d.pb" % j))
                if dynamic:
                    d = dict(d, dims=[batch] + d["dims"][1:])
                got_type = KILN_TO_ONNX.get(d["dtype"], 0)
                if got_type == BFLOAT16 and want.dtype == UINT16:
                    want.dtype = BFLOAT16
                    want.values = [onnxpb.bf16_to_float(v)
                                   for v in want.values]
                def mismatch(dims):
                    return result(
                        WRONG, "output %d is %s%s, the test expects %s%s"
                        % (j, onnxpb.dtype_name(got_type), dims,
                           onnxpb.dtype_name(want.dtype), want.dims))
                if got_type != want.dtype:
                    return mismatch(d["dims"])
                with open(os.path.join(io, "output_%d.bin" % j), "rb") as fh:
                    got = onnxpb.decode_values(want.dtype, fh.read())
                if got_type == 8:
                    # A string output's shape is a bound; the harness writes
                    # the strings before the first NULL (kiln/abi.h), which
                    # give the last dimension.
                    rows = math.prod(d["dims"][:-1])
                    d = dict(d, dims=d["dims"][:-1] + [len(got) // rows])
                if d["dims"] != want.dims:
                    return mismatch(d["dims"])
                problem = compare(j, got, want.values, want.dtype)
                if problem:
                    return result(WRONG, problem)
        return result(PASS)

    def prepare_to(self, cases, pool, batch_size, out):
        """Compiles and links `cases` into `out` for run_prepared on another
        machine (the lent GPU, which has no kiln): the harness executables,
        each case's test data and a manifest. Returns the cases' stage-1
        results (those that ended before running)."""
        prepared = list(pool.map(self.prepare, enumerate(cases)))
        ready = [p for p in prepared if isinstance(p, Prepared)]
        batches = [ready[i:i + batch_size]
                   for i in range(0, len(ready), batch_size)]
        linked = [x for group in pool.map(self.link, batches) for x in group]
        os.makedirs(os.path.join(out, "bin"), exist_ok=True)
        entries, exes = [], {}
        for x in linked:
            if isinstance(x, Result):
                entries.append({"case": x.case, "status": x.status,
                                "detail": x.detail})
                continue
            p, exe, index = x
            if exe not in exes:
                exes[exe] = "bin/harness%d" % len(exes)
                shutil.copy2(exe, os.path.join(out, exes[exe]))
            sets = []
            for data_dir in p.sets:
                rel = os.path.join("data", p.case, os.path.basename(data_dir))
                shutil.copytree(data_dir, os.path.join(out, rel),
                                dirs_exist_ok=True)
                sets.append(rel)
            entries.append({"case": p.case, "exe": exes[exe], "index": index,
                            "frozen": list(p.frozen), "sets": sets,
                            "inputs": [i.name for i in p.runtime_inputs]})
        entries += [{"case": r.case, "status": r.status, "detail": r.detail}
                    for r in prepared if isinstance(r, Result)]
        with open(os.path.join(out, "manifest.json"), "w") as fh:
            json.dump({"target": self.args.target,
                       "simulate": self.args.cuda_simulate,
                       "cases": entries}, fh, indent=1)
        return [r for r in prepared if isinstance(r, Result)]

    def run_prepared(self, out, pool):
        """Results of the cases prepare_to left in `out`, run here."""
        with open(os.path.join(out, "manifest.json")) as fh:
            manifest = json.load(fh)
        work = []
        results = []
        for k, e in enumerate(manifest["cases"]):
            if "exe" not in e:
                results.append(Result(e["case"], e["status"], e["detail"]))
                continue
            case_work = os.path.join(self.tmp, "case%d" % k)
            os.mkdir(case_work)
            p = Prepared(case=e["case"], work=case_work, ops=(),
                         frozen=e["frozen"], seconds=0.0,
                         sets=[os.path.join(out, d) for d in e["sets"]],
                         runtime_inputs=[Named(n) for n in e["inputs"]])
            work.append((p, os.path.join(out, e["exe"]), e["index"]))
        return results + list(pool.map(self.execute, work))

    def run_all(self, cases, pool, batch_size):
        """Results in the order of `cases`."""
        prepared = list(pool.map(self.prepare, enumerate(cases)))
        ready = [p for p in prepared if isinstance(p, Prepared)]
        batches = [ready[i:i + batch_size]
                   for i in range(0, len(ready), batch_size)]
        linked = [x for group in pool.map(self.link, batches) for x in group]
        done = {r.case: r for r in pool.map(self.execute, linked)}
        return [done[p.case] if isinstance(p, Prepared) else p
                for p in prepared]


# --- Reports ----------------------------------------------------------------

def reason_class(result):
    """A failure message with names and numbers blanked, to group like
    failures."""
    if result.status == UNSUPPORTED:
        return None
    text = result.detail
    if result.status == COMPILE:
        text = re.sub(r"node '[^']*' \(([\w.]+)\): ", r"\1: ", text)
    elif result.status == WRONG:
        m = re.match(r"(output \d+ is|input \d+ '[^']*' is|the model)", text)
        text = ("shape or dtype differs" if m else "values differ")
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"tensor<[^>]*>", "tensor<…>", text)
    text = re.sub(r"-?\b\d+(\.\d+)?(e-?\d+)?\b(?!-D)", "N", text)
    return "%s: %s" % (result.status, text)


def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def write_status(path, results, data_dir, dynamic=False):
    by_folder = defaultdict(Counter)
    for r in results:
        by_folder[r.case.split("/")[0]][r.status] += 1
    title = "# ONNX conformance status" + (", dynamic batch" if dynamic
                                           else "")
    intro = [
        "The statically passing `node/` cases (expected-pass.txt) compiled "
        "with",
        "`--dynamic-batch`: one sample is compiled and the entry point takes "
        "the",
        "leading dimension at run time (the test's). Cases whose ops combine "
        "samples",
        "are excluded as not batch-separable; kiln refuses them at compile "
        "time.",
        ""] if dynamic else []
    lines = [
        title,
        "",
        *intro,
        "Generated by `test/conformance/run.py` (do not edit) from the ONNX "
        "backend test",
        "cases in `%s`. Tolerances: rtol %g, atol %g." % (data_dir, RTOL, ATOL),
        "Graph inputs that real models hold as initializers (shapes, axes, "
        "bounds; see",
        "`CONSTANT_OPERANDS` in run.py) are made initializers holding the "
        "test's value;",
        "the passing cases that relied on it are listed under \"Passing with "
        "constant operands\".",
        "",
        "## Totals",
        "",
        "| folder | cases | " + " | ".join(STATUSES) + " |",
        "|---|---:|" + "---:|" * len(STATUSES),
    ]
    total = Counter()
    for folder in FOLDERS:
        if folder not in by_folder:
            continue
        c = by_folder[folder]
        total.update(c)
        lines.append("| %s | %d | %s |" % (folder, sum(c.values()), " | ".join(
            str(c[s]) for s in STATUSES)))
    lines.append("| **all** | %d | %s |" % (sum(total.values()), " | ".join(
        str(total[s]) for s in STATUSES)))

    unsupported = Counter()
    classes = Counter()
    for r in results:
        for op in r.unsupported:
            unsupported[op] += 1
        key = reason_class(r)
        if key and r.status != PASS:
            classes[key] += 1
    lines += ["", "## Failure reasons", "",
              "Unsupported ops, by the number of cases that use them:", ""]
    lines += ["- %s (%d)" % (op, n) for op, n in
              sorted(unsupported.items(), key=lambda x: (-x[1], x[0]))]
    alone = Counter(r.unsupported[0] for r in results
                    if r.status == UNSUPPORTED and len(r.unsupported) == 1)
    lines += ["", "Unsupported ops that are the only thing a case lacks "
              "(cases they would unblock):", ""]
    lines += ["- %s (%d)" % (op, n) for op, n in
              sorted(alone.items(), key=lambda x: (-x[1], x[0]))]
    lines += ["", "Other reasons, grouped (names and numbers blanked):", ""]
    lines += ["- %s (%d)" % (md_escape(k), n) for k, n in
              sorted(classes.items(), key=lambda x: (-x[1], x[0]))]

    per_op = defaultdict(Counter)
    for r in results:
        for op in r.ops:
            per_op[op]["cases"] += 1
            per_op[op][r.status] += 1
    lines += ["", "## Passing cases per op type", "",
              "| op | cases | pass |", "|---|---:|---:|"]
    for op in sorted(per_op):
        lines.append("| %s | %d | %d |" % (op, per_op[op]["cases"],
                                           per_op[op][PASS]))

    frozen = [r.case for r in results if r.status == PASS and r.frozen]
    lines += ["", "## Passing with constant operands (%d)" % len(frozen), ""]
    lines += ["- `%s`: %s" % (r.case, ", ".join(r.frozen)) for r in results
              if r.status == PASS and r.frozen]

    lines += ["", "## Cases that do not pass", ""]
    for r in results:
        if r.status != PASS:
            lines.append("- `%s`: %s: %s" % (r.case, r.status,
                                             md_escape(r.detail)))
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def read_list(path):
    if not os.path.exists(path):
        return []
    with open(path) as fh:
        return [l.strip() for l in fh
                if l.strip() and not l.lstrip().startswith("#")]


def write_list(path, cases):
    with open(path, "w") as fh:
        fh.write("# ONNX conformance cases that pass; test/conformance/run.py "
                 "--check\n# runs exactly these. Grown by run.py --update.\n")
        fh.write("".join(c + "\n" for c in sorted(cases)))


def all_cases(data_dir):
    cases = []
    for folder in FOLDERS:
        root = os.path.join(data_dir, folder)
        if os.path.isdir(root):
            cases += ["%s/%s" % (folder, c) for c in sorted(os.listdir(root))
                      if os.path.exists(os.path.join(root, c, "model.onnx"))]
    return cases


def run_prepared(args):
    """--run-prepared: the prepared cases' results, checked like --check
    against the expected-pass list (the GPU target's string exclusions are
    not regressions)."""
    with open(os.path.join(args.run_prepared, "manifest.json")) as fh:
        manifest = json.load(fh)
    if manifest.get("simulate"):
        args.cuda_simulate = True
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="kiln-conformance-")
    try:
        runner = Runner(args, tmp)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = runner.run_prepared(args.run_prepared, pool)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    expected = set(read_list(args.expected))
    counts = Counter(r.status for r in results)
    print("%d prepared cases (%s) in %.1f s: %s" % (
        len(results), manifest.get("target") or "host",
        time.monotonic() - start, ", ".join(
            "%d %s" % (counts[s], s) for s in STATUSES if counts[s])))
    status = 0
    for r in sorted(results, key=lambda r: r.case):
        gpu_excluded = (r.status == EXCLUDED
                        and r.detail.startswith("GPU target:"))
        if args.verbose:
            print("%-60s %s%s" % (r.case, r.status,
                                  ": " + r.detail if r.detail else ""))
        if r.case in expected and r.status != PASS and not gpu_excluded:
            print("REGRESSION %s: %s%s" % (r.case, r.status,
                                           ": " + r.detail if r.detail
                                           else ""))
            status = 1
    return status


def main():
    global RTOL, ATOL
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("cases", nargs="*",
                   help="regexes of case paths (folder/test_x) to run")
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--kiln", default=os.path.join(REPO, "build", "bin", "kiln"))
    p.add_argument("--rt", default=os.path.join(REPO, "build", "lib",
                                                "libkiln_rt.a"))
    p.add_argument("--cc", default=shutil.which("clang-22") or "cc")
    p.add_argument("--cflags", default="",
                   help="extra compiler flags for the harness (sanitizers)")
    p.add_argument("--target", default="",
                   help="kiln --target (e.g. cuda:sm_90: run on the GPU; "
                   "use with --status/--expected files of its own)")
    p.add_argument("--cuda-simulate", action="store_true",
                   help="with --target=cuda:sm_XX: compile with "
                   "--cuda-simulate and run on kiln-cusim (the GPU path on "
                   "the host CPU)")
    p.add_argument("--cusim-dir", default=os.path.join(REPO, "build", "lib",
                                                       "cusim"),
                   help="folder of kiln-cusim's libcuda.so.1")
    p.add_argument("--precision", default="fp32",
                   help="with --target=cuda:sm_XX: kiln --precision (tf32, "
                        "fp16, bf16: tensor cores, and fp16/bf16 tensors "
                        "between kernels); compared within --rtol/--atol")
    p.add_argument("--rtol", type=float, default=RTOL)
    p.add_argument("--atol", type=float, default=ATOL)
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("--compile-timeout", type=int, default=120)
    p.add_argument("--run-timeout", type=int, default=60)
    p.add_argument("--status", default=os.path.join(HERE, "onnx-status.md"))
    p.add_argument("--expected", default=os.path.join(HERE,
                                                      "expected-pass.txt"))
    p.add_argument("--check", action="store_true",
                   help="run only the expected-pass cases; fail if any fails")
    p.add_argument("--update", action="store_true",
                   help="add newly passing cases to the expected-pass list")
    p.add_argument("--allow-shrink", action="store_true",
                   help="with --update, also drop cases that no longer pass")
    p.add_argument("--no-freeze", action="store_true",
                   help="never turn constant operands into initializers")
    p.add_argument("--batch", type=int, default=32,
                   help="compiled cases linked into one harness executable")
    p.add_argument("--keep", action="store_true",
                   help="keep the work directory (objects, harnesses)")
    p.add_argument("--dynamic-batch", action="store_true",
                   help="compile with --dynamic-batch; see above")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every case's result")
    p.add_argument("--prepare-only", metavar="DIR",
                   help="compile and link the cases (patterns, or --check's "
                   "list) into DIR with their test data, to run with "
                   "--run-prepared on a machine without kiln (the GPU)")
    p.add_argument("--run-prepared", metavar="DIR",
                   help="run the cases --prepare-only left in DIR and check "
                   "them against the expected-pass list")
    args = p.parse_args()
    RTOL, ATOL = args.rtol, args.atol
    if args.run_prepared:
        return run_prepared(args)

    expected = read_list(args.expected)
    full = not args.cases and not args.check
    if args.dynamic_batch:
        if args.update or args.check:
            print("run.py: --dynamic-batch reports only (no --update, "
                  "--check)", file=sys.stderr)
            return 2
        if args.status == os.path.join(HERE, "onnx-status.md"):
            args.status = os.path.join(HERE, "dynamic-batch-status.md")
    if args.dynamic_batch and not args.cases:
        cases = [c for c in expected if c.startswith("node/")]
    elif args.check:
        cases = expected
        if args.cases:
            pats = [re.compile(c + "$") for c in args.cases]
            cases = [c for c in cases if any(p.match(c) for p in pats)]
    else:
        cases = all_cases(args.data)
        if args.cases:
            pats = [re.compile(c + "$") for c in args.cases]
            cases = [c for c in cases if any(p.match(c) for p in pats)]
    if not cases:
        print("run.py: no cases to run", file=sys.stderr)
        return 2
    if args.update and not full:
        print("run.py: --update needs a full run (no --check, no case "
              "patterns)", file=sys.stderr)
        return 2

    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="kiln-conformance-")
    if args.prepare_only:
        try:
            runner = Runner(args, tmp)
            with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
                ended = runner.prepare_to(cases, pool, args.batch,
                                          args.prepare_only)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        counts = Counter(r.status for r in ended)
        print("prepared %d of %d cases in %.1f s into %s%s" % (
            len(cases) - len(ended), len(cases), time.monotonic() - start,
            args.prepare_only, "".join(
                ", %d %s" % (counts[s], s) for s in STATUSES if counts[s])))
        return 0
    try:
        runner = Runner(args, tmp)
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            results = runner.run_all(cases, pool, args.batch)
    finally:
        if args.keep:
            print("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    wall = time.monotonic() - start
    for r in results:
        if args.verbose or (not full and not args.check):
            print("%-60s %s%s" % (r.case, r.status,
                                  ": " + r.detail if r.detail else ""))

    counts = Counter(r.status for r in results)
    print("%d cases in %.1f s: %s" % (len(results), wall, ", ".join(
        "%d %s" % (counts[s], s) for s in STATUSES if counts[s])))
    slow = sorted(results, key=lambda r: -r.seconds)[:3]
    print("slowest: " + ", ".join("%s %.1f s" % (r.case, r.seconds)
                                  for r in slow))
    if full:
        write_status(args.status, results, args.data, args.dynamic_batch)
        print("wrote " + os.path.relpath(args.status))
    if args.dynamic_batch:
        return 0

    passing = {r.case for r in results if r.status == PASS}
    ran = {r.case for r in results}
    # On a GPU target, the expected (CPU) cases the GPU path excludes by
    # design are not regressions.
    gpu_excluded = {r.case for r in results
                    if r.status == EXCLUDED and r.detail.startswith("GPU target:")}
    regressions = [c for c in expected if c in ran and c not in passing
                   and c not in gpu_excluded]
    missing = [c for c in expected if c not in ran] if (full or args.check) \
        else []
    if args.update:
        keep = set(expected) if not args.allow_shrink else set()
        new = (passing | keep) - set(expected)
        write_list(args.expected, passing | keep)
        print("expected-pass list: %d added%s" % (
            len(new), ", %d dropped" % len(set(expected) - passing - keep)
            if args.allow_shrink else ""))
    status = 0
    byname = {r.case: r for r in results}
    dropped = args.update and args.allow_shrink
    for c in regressions:
        r = byname[c]
        print("%s %s: %s%s" % ("DROPPED" if dropped else "REGRESSION", c,
                               r.status, ": " + r.detail if r.detail else ""))
        status = 0 if dropped else 1
    for c in missing:
        print("MISSING %s: listed in %s but not found" % (
            c, os.path.basename(args.expected)))
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
