// Generates a model's C header as plain text. Output must stay byte-for-byte
// deterministic: build systems and golden tests diff it.
#include "codegen/emit/HeaderEmitter.h"

#include "runtime/include/kiln/abi.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <set>
#include <sstream>
#include <utility>

namespace kiln {

static_assert(static_cast<int>(DType::F32) == KILN_DTYPE_F32 &&
                  static_cast<int>(DType::BF16) == KILN_DTYPE_BF16 &&
                  static_cast<int>(DType::U64) == KILN_DTYPE_U64 &&
                  static_cast<int>(DType::Bool) == KILN_DTYPE_BOOL &&
                  static_cast<int>(DType::String) == KILN_DTYPE_STRING,
              "kiln::DType must match kiln_dtype_t");

namespace {

struct DTypeInfo {
  const char *cType;
  const char *name;
  const char *enumerator;
};

// Indexed by the DType value; entry 0 stands for anything out of range.
const DTypeInfo kDTypes[] = {
    {"void", "unknown", nullptr},
    {"float", "float32", "KILN_DTYPE_F32"},
    {"double", "float64", "KILN_DTYPE_F64"},
    {"uint16_t", "float16", "KILN_DTYPE_F16"},
    {"uint16_t", "bfloat16", "KILN_DTYPE_BF16"},
    {"int8_t", "int8", "KILN_DTYPE_I8"},
    {"int16_t", "int16", "KILN_DTYPE_I16"},
    {"int32_t", "int32", "KILN_DTYPE_I32"},
    {"int64_t", "int64", "KILN_DTYPE_I64"},
    {"uint8_t", "uint8", "KILN_DTYPE_U8"},
    {"uint16_t", "uint16", "KILN_DTYPE_U16"},
    {"uint32_t", "uint32", "KILN_DTYPE_U32"},
    {"uint64_t", "uint64", "KILN_DTYPE_U64"},
    {"uint8_t", "bool", "KILN_DTYPE_BOOL"},
    {"const char *", "string", "KILN_DTYPE_STRING"},
};

const DTypeInfo &info(DType dtype) {
  int index = static_cast<int>(dtype);
  if (index < 1 || index >= static_cast<int>(std::size(kDTypes)))
    index = 0;
  return kDTypes[index];
}

std::string dtypeEnumerator(DType dtype) {
  if (const char *e = info(dtype).enumerator)
    return e;
  return "((kiln_dtype_t)" + std::to_string(static_cast<int>(dtype)) + ")";
}

// Locale-independent ASCII tests: tensor names are arbitrary bytes.
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isAlnum(char c) {
  return isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z');
}

std::string toUpper(std::string s) {
  for (char &c : s)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string replaceNonAlnum(const std::string &s) {
  std::string out = s;
  for (char &c : out)
    if (!isAlnum(c))
      c = '_';
  return out;
}

bool hasAlnum(const std::string &s) {
  for (char c : s)
    if (isAlnum(c))
      return true;
  return false;
}

// Body of a C string literal. Octal escapes are always three digits so a
// following digit cannot extend them; "??" is broken up so C99 trigraphs
// cannot form.
std::string escapeC(const std::string &s) {
  std::string out;
  char prev = 0;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '?' && prev == '?') {
      out += "\\?";
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += '\\';
      out += static_cast<char>('0' + ((u >> 6) & 7));
      out += static_cast<char>('0' + ((u >> 3) & 7));
      out += static_cast<char>('0' + (u & 7));
    }
    prev = c;
  }
  return out;
}

std::string quoted(const std::string &s) { return "\"" + escapeC(s) + "\""; }

// A quoted, escaped string that is also safe inside a /* */ comment.
std::string quotedForComment(const std::string &s) {
  std::string out;
  for (char c : quoted(s)) {
    char last = out.empty() ? 0 : out.back();
    if ((c == '/' && last == '*') || (c == '*' && last == '/'))
      out += '\\';
    out += c;
  }
  return out;
}

// Dimensions as printed: negative (dynamic) dimensions are all -1.
int64_t normalizedDim(int64_t d) { return d < 0 ? -1 : d; }

int64_t numElements(const std::vector<int64_t> &shape) {
  bool dynamic = false;
  for (int64_t d : shape) {
    if (d == 0)
      return 0;
    dynamic |= d < 0;
  }
  if (dynamic)
    return -1;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (n > INT64_MAX / d)
      return -1;
    n *= d;
  }
  return n;
}

// "[2, ?, 784]" for comments.
std::string shapeForComment(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return out + "]";
}

// "{2, -1, 784}" for initializers; callers handle rank 0 (C99 has no {}).
std::string shapeInitializer(const std::vector<int64_t> &shape) {
  std::string out = "{";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out += std::to_string(normalizedDim(shape[i]));
  }
  return out + "}";
}

// An integer as a self-contained macro body.
std::string macroInt(int64_t v) {
  return v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v);
}

// Identifiers a parameter must not take: keywords of C23 and C++20, standard
// typedefs and object-like macros a caller's headers plausibly define, and
// the names abi.h declares. Exact matches only, so appending "_<n>" always
// escapes them.
const std::set<std::string> &reservedNames() {
  static const std::set<std::string> names = [] {
    std::set<std::string> s = {
        // C
        "auto", "break", "case", "char", "const", "continue", "default", "do",
        "double", "else", "enum", "extern", "float", "for", "goto", "if",
        "inline", "int", "long", "register", "restrict", "return", "short",
        "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
        "unsigned", "void", "volatile", "while", "alignas", "alignof", "bool",
        "constexpr", "false", "nullptr", "static_assert", "thread_local",
        "true", "typeof", "typeof_unqual",
        // C++
        "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t",
        "char16_t", "char32_t", "class", "co_await", "co_return", "co_yield",
        "compl", "concept", "const_cast", "consteval", "constinit", "decltype",
        "delete", "dynamic_cast", "explicit", "export", "friend", "mutable",
        "namespace", "new", "noexcept", "not", "not_eq", "operator", "or",
        "or_eq", "private", "protected", "public", "reinterpret_cast",
        "requires", "static_cast", "template", "this", "throw", "try", "typeid",
        "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
        // Standard library names and common predefined macros.
        "NULL", "errno", "assert", "offsetof", "EOF", "stdin", "stdout",
        "stderr", "complex", "imaginary", "I", "noreturn", "linux", "unix",
        "i386", "size_t", "ptrdiff_t", "max_align_t", "SIZE_MAX", "PTRDIFF_MIN",
        "PTRDIFF_MAX", "SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX", "WCHAR_MIN",
        "WCHAR_MAX", "WINT_MIN", "WINT_MAX",
        // abi.h
        "kiln_status_t", "kiln_status_code_t", "kiln_dtype_t",
        "kiln_invoke_fn_t", "kiln_tensor_desc_t", "kiln_model_desc_t",
        "KILN_ABI_VERSION", "KILN_ABI_H",
        // The arena parameter of <name>_run.
        "arena"};
    // stdint.h: [u]int{,_least,_fast}N_t, [u]intptr_t, [u]intmax_t and
    // their limit/constant macros.
    const char *kinds[] = {"", "_least", "_fast"};
    const char *widths[] = {"8", "16", "32", "64"};
    for (const char *kind : kinds) {
      for (const char *width : widths) {
        std::string base = std::string("int") + kind + width;
        s.insert(base + "_t");
        s.insert("u" + base + "_t");
        s.insert(toUpper(base) + "_MIN");
        s.insert(toUpper(base) + "_MAX");
        s.insert("U" + toUpper(base) + "_MAX");
      }
    }
    for (const char *base : {"intptr", "intmax"}) {
      s.insert(std::string(base) + "_t");
      s.insert("u" + std::string(base) + "_t");
      s.insert(toUpper(base) + "_MIN");
      s.insert(toUpper(base) + "_MAX");
      s.insert("U" + toUpper(base) + "_MAX");
    }
    for (const char *width : widths) {
      s.insert(std::string("INT") + width + "_C");
      s.insert(std::string("UINT") + width + "_C");
    }
    s.insert("INTMAX_C");
    s.insert("UINTMAX_C");
    return s;
  }();
  return names;
}

std::string tensorMacroPrefix(const std::string &upper, bool input,
                              size_t index) {
  return upper + (input ? "_INPUT_" : "_OUTPUT_") + std::to_string(index);
}

std::string includeGuard(const std::string &upper) {
  return "KILN_MODEL_" + upper + "_H";
}

// Every macro the generated header defines; a parameter named like one of
// them would be replaced by the preprocessor.
std::set<std::string> headerMacros(const ModelSignature &sig,
                                   const std::string &upper) {
  std::set<std::string> macros = {
      includeGuard(upper), upper + "_ARENA_SIZE", upper + "_ARENA_ALIGNMENT",
      upper + "_NUM_INPUTS", upper + "_NUM_OUTPUTS"};
  auto add = [&](bool input, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      std::string prefix = tensorMacroPrefix(upper, input, i);
      for (const char *suffix :
           {"_NAME", "_DTYPE", "_RANK", "_SHAPE", "_NUM_ELEMENTS"})
        macros.insert(prefix + suffix);
    }
  };
  add(true, sig.inputs.size());
  add(false, sig.outputs.size());
  return macros;
}

std::string parameterBase(const std::string &tensorName, bool input,
                          size_t index) {
  if (!hasAlnum(tensorName))
    return (input ? "in" : "out") + std::to_string(index);
  std::string id = replaceNonAlnum(tensorName);
  if (isDigit(id[0]))
    id = "_" + id;
  // "_X..." and "__..." are reserved for the implementation in every scope
  // (think __FILE__).
  if (id.size() > 1 && id[0] == '_' && (isUpper(id[1]) || id[1] == '_'))
    id = "t" + id;
  return id;
}

// Writes `words` separated by spaces after `prefix`, starting a new,
// further-indented line before `width` columns would be exceeded.
void wrapWords(std::ostringstream &out, const std::string &prefix,
               const std::vector<std::string> &words, size_t width) {
  std::string line = prefix;
  bool fresh = true;
  for (const std::string &word : words) {
    if (!fresh && line.size() + 1 + word.size() > width) {
      out << line << "\n";
      line = prefix + "    ";
      fresh = true;
    }
    if (!fresh)
      line += " ";
    line += word;
    fresh = false;
  }
  out << line << "\n";
}

} // namespace

std::string cTypeFor(DType dtype) { return info(dtype).cType; }

std::string dtypeName(DType dtype) { return info(dtype).name; }

std::string cModelName(const std::string &name) {
  if (name.empty())
    return "model";
  std::string id = replaceNonAlnum(name);
  if (isDigit(id[0]) || id[0] == '_')
    id = "model_" + id;
  return id;
}

std::vector<std::string> cParameterNames(const ModelSignature &sig) {
  const std::set<std::string> &reserved = reservedNames();
  std::set<std::string> taken =
      headerMacros(sig, toUpper(cModelName(sig.name)));
  std::vector<std::string> names;
  auto assign = [&](const std::vector<TensorSignature> &tensors, bool input) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      std::string base = parameterBase(tensors[i].name, input, i);
      std::string candidate = base;
      for (unsigned n = 1; reserved.count(candidate) || taken.count(candidate);
           ++n)
        candidate = base + "_" + std::to_string(n);
      taken.insert(candidate);
      names.push_back(candidate);
    }
  };
  assign(sig.inputs, true);
  assign(sig.outputs, false);
  return names;
}

std::string emitHeader(const ModelSignature &sig,
                       const std::string &kilnVersion) {
  const std::string name = cModelName(sig.name);
  const std::string upper = toUpper(name);
  const std::vector<std::string> params = cParameterNames(sig);
  const std::string abiVersion = std::to_string(KILN_ABI_VERSION);
  std::ostringstream os;

  // What this is and how to call it: the first thing a user reads. A GPU
  // model's example uses the host-pointer entry point on one device
  // workspace.
  const bool cuda = !sig.cudaChip.empty();
  std::vector<std::string> callArgs;
  if (sig.dynamicBatch)
    callArgs.push_back("batch,");
  for (const std::string &p : params)
    callArgs.push_back(p + ",");
  callArgs.push_back(cuda ? "workspace);" : "arena);");
  callArgs.front().insert(0, cuda ? "status = " + name + "_run_host("
                                  : "kiln_status_t status = " + name +
                                        "_run(");
  const std::string workspaceSize =
      upper + (sig.dynamicBatch ? "_HOST_WORKSPACE_SIZE_FOR_BATCH(batch)"
                                : "_HOST_WORKSPACE_SIZE");

  // The version is printed unquoted but escaped like any other string.
  std::string version = quotedForComment(kilnVersion);
  version = version.substr(1, version.size() - 2);

  os << "/* Interface to the ahead-of-time compiled model \"" << name << "\".\n"
     << " * Generated by kiln " << version << " from "
     << quotedForComment(sig.source) << "; do not edit.\n"
     << " *\n"
     << " * Link the model's object file and libkiln_rt.a. "
     << (cuda ? "The model never\n"
                " * allocates memory on the run path (its first call loads "
                "the kernels and\n * uploads the weights, once per "
                "context), starts threads or keeps other\n * global "
                "state.\n"
              : "The model never\n"
                " * allocates memory, starts threads or keeps global "
                "state.\n")
     << " *\n";
  if (!cuda) {
    os << " * Calling it (the kiln_* helpers are in <kiln/runtime.h>):\n"
       << " *\n"
       << " *   void *arena = kiln_arena_allocate(" << upper
       << "_ARENA_SIZE,\n"
       << " *                                     " << upper
       << "_ARENA_ALIGNMENT);\n";
    wrapWords(os, " *   ", callArgs, 80);
    os << " *   if (status != KILN_STATUS_OK)\n"
       << " *     fprintf(stderr, \"" << name
       << ": %s\\n\", kiln_status_message(status));\n"
       << " *   kiln_arena_free(arena);\n";
  } else {
    os << " * Calling it on host buffers (the kiln_* helpers are in "
          "<kiln/runtime.h>\n * and <kiln/cuda.h>; " << name
       << "_run takes device buffers, see below):\n"
       << " *\n"
       << " *   void *workspace = NULL;\n"
       << " *   kiln_status_t status =\n"
       << " *       kiln_cuda_malloc(&workspace, " << workspaceSize << ");\n"
       << " *   if (status == KILN_STATUS_OK)\n";
    wrapWords(os, " *     ", callArgs, 80);
    os << " *   if (status != KILN_STATUS_OK)\n"
       << " *     fprintf(stderr, \"" << name
       << ": %s: %s\\n\", kiln_status_message(status),\n"
       << " *             kiln_cuda_last_error());\n"
       << " *   kiln_cuda_free(workspace);\n";
  }
  os << " *\n"
     << " * Buffers: each input and output is a caller-owned, dense, "
        "row-major\n"
     << " * array of the parameter's type with _NUM_ELEMENTS elements (see "
        "the\n"
     << " * per-tensor constants below). Inputs are only read. Outputs are\n"
     << " * written in full when the call returns KILN_STATUS_OK and must not\n"
     << " * alias inputs, each other or the arena. No pointer is kept after "
        "the\n"
     << " * call returns.\n"
     << " *\n"
     << " * Arena: caller-owned scratch of at least " << upper
     << "_ARENA_SIZE bytes,\n"
     << " * aligned to " << upper << "_ARENA_ALIGNMENT, never NULL (even when "
     << "the size is 0).\n"
     << (cuda ? " * Device memory (kiln_cuda_malloc); it need not be "
                "initialized, each call\n * clobbers it, and it can be "
                "reused across calls.\n"
              : " * Any memory works (static, stack, your own allocator); it "
                "need not\n * be initialized, each call clobbers it, and it "
                "can be reused across\n * calls.\n")
     << " *\n"
     << (sig.dynamicBatch
             ? std::string(" * Dynamic batch: the leading dimension of "
                           "every input and output is the\n"
                           " * `batch` argument, given at run time") +
                   (sig.maxBatch > 0 ? " (at most " + upper + "_MAX_BATCH)"
                                     : std::string()) +
                   ".\n * Each buffer holds `batch` samples of "
                   "_SAMPLE_ELEMENTS elements back to\n"
                   " * back. The arena size does not depend on the batch: "
                   "the samples run one\n * after another.\n *\n"
             : std::string())
     << (sig.cudaChip.empty()
             ? std::string()
             : " * NVIDIA GPU (" + sig.cudaChip +
                   "): every input, output and the arena are CUDA device\n"
                   " * pointers (kiln_cuda_malloc in <kiln/cuda.h>); the "
                   "kernels run on the\n * default stream of device 0's "
                   "primary context, and the call returns when\n * they are "
                   "queued (kiln_cuda_synchronize waits). Without a driver "
                   "or GPU the\n * call returns KILN_STATUS_UNAVAILABLE "
                   "(kiln_cuda_last_error says why).\n *\n")
     << " * Thread safety: " << name << "_run and " << name
     << "_invoke are reentrant. Any number of\n"
     << " * threads may call them concurrently as long as each call has its "
        "own\n"
     << " * arena and output buffers; inputs may be shared read-only.\n"
     << " *\n"
     << " * Errors: a kiln_status_t other than KILN_STATUS_OK (see "
        "<kiln/abi.h>);\n"
     << " * kiln_status_message() describes it.\n"
     << " */\n";

  os << "#ifndef " << includeGuard(upper) << "\n"
     << "#define " << includeGuard(upper) << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#include <kiln/abi.h>\n\n"
     << "#if KILN_ABI_VERSION != " << abiVersion << "\n"
     << "#error \"this model header was generated for kiln ABI version "
     << abiVersion << "\"\n"
     << "#endif\n\n"
     << "#ifdef __cplusplus\n"
     << "extern \"C\" {\n"
     << "#endif\n\n";

  os << "/* Scratch memory " << name
     << "_run needs: size in bytes and required alignment. */\n"
     << "#define " << upper << "_ARENA_SIZE " << sig.arenaSize << "ULL\n"
     << "#define " << upper << "_ARENA_ALIGNMENT " << sig.arenaAlignment
     << "ULL\n\n"
     << "#define " << upper << "_NUM_INPUTS " << sig.inputs.size() << "\n"
     << "#define " << upper << "_NUM_OUTPUTS " << sig.outputs.size() << "\n\n";
  if (sig.dynamicBatch)
    os << "/* The batch is a run-time argument; the arena is the same for any "
          "batch. */\n"
       << "#define " << upper << "_DYNAMIC_BATCH 1\n"
       << "#define " << upper << "_MAX_BATCH " << sig.maxBatch
       << " /* 0: no bound */\n"
       << "#define " << upper << "_ARENA_SIZE_FOR_BATCH(batch) " << upper
       << "_ARENA_SIZE\n\n";

  auto emitTensorMacros = [&](const std::vector<TensorSignature> &tensors,
                              bool input, size_t paramOffset) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      const TensorSignature &t = tensors[i];
      std::string prefix = tensorMacroPrefix(upper, input, i);
      os << "/* " << (input ? "Input " : "Output ") << i << ": parameter "
         << params[paramOffset + i] << " of " << name << "_run"
         << (t.shape.empty() ? "; a scalar, so no _SHAPE" : "") << ". */\n"
         << "#define " << prefix << "_NAME " << quoted(t.name) << "\n"
         << "#define " << prefix << "_DTYPE " << dtypeEnumerator(t.dtype)
         << "\n"
         << "#define " << prefix << "_RANK " << t.shape.size() << "\n";
      if (!t.shape.empty())
        os << "#define " << prefix << "_SHAPE " << shapeInitializer(t.shape)
           << "\n";
      os << "#define " << prefix << "_NUM_ELEMENTS "
         << macroInt(numElements(t.shape)) << "\n";
      if (sig.dynamicBatch) {
        std::vector<int64_t> sample(t.shape.begin() + 1, t.shape.end());
        os << "#define " << prefix << "_SAMPLE_ELEMENTS "
           << macroInt(numElements(sample)) << "\n";
      }
      os << "\n";
    }
  };
  emitTensorMacros(sig.inputs, true, 0);
  emitTensorMacros(sig.outputs, false, sig.inputs.size());

  // Typed entry point, one parameter per line with its source tensor.
  std::vector<std::pair<std::string, std::string>> lines;
  if (sig.dynamicBatch)
    lines.emplace_back("int64_t batch,",
                       "/* samples in every buffer, the leading dimension */");
  auto addParams = [&](const std::vector<TensorSignature> &tensors, bool input,
                       size_t paramOffset) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      const TensorSignature &t = tensors[i];
      std::string type = t.dtype == DType::String
                             ? (input ? "const char *const *" : "const char **")
                             : std::string(input ? "const " : "") +
                                   cTypeFor(t.dtype) + " *";
      std::string decl = type + params[paramOffset + i] + ",";
      std::string comment = "/* " + quotedForComment(t.name) + ": " +
                            dtypeName(t.dtype) + shapeForComment(t.shape) +
                            " */";
      lines.emplace_back(decl, comment);
    }
  };
  addParams(sig.inputs, true, 0);
  addParams(sig.outputs, false, sig.inputs.size());
  lines.emplace_back("void *arena);",
                     "/* scratch, " + upper + "_ARENA_SIZE bytes */");
  auto printParams = [&](const std::vector<std::pair<std::string, std::string>>
                             &params) {
    size_t w = 0;
    for (const auto &line : params)
      w = std::max(w, line.first.size());
    for (const auto &line : params)
      os << "    " << line.first << std::string(w - line.first.size() + 1, ' ')
         << line.second << "\n";
    os << "\n";
  };
  os << "/* Runs the model on caller-owned buffers (see the top of this "
        "file).\n"
     << " * Returns KILN_STATUS_OK or an error status; reentrant. */\n"
     << "kiln_status_t " << name << "_run(\n";
  printParams(lines);
  if (!sig.cudaChip.empty()) {
    auto onStream = lines;
    onStream.insert(onStream.begin(),
                    {"void *stream,", "/* CUstream; NULL: the default stream */"});
    os << "/* " << name << "_run with the kernels queued on `stream`. */\n"
       << "kiln_status_t " << name << "_run_stream(\n";
    printParams(onStream);
    auto onHost = lines;
    onHost.back() = {"void *device_workspace);",
                     "/* " + upper +
                         (sig.dynamicBatch
                              ? "_HOST_WORKSPACE_SIZE_FOR_BATCH(batch)"
                              : "_HOST_WORKSPACE_SIZE") +
                         " device bytes */"};
    if (!sig.dynamicBatch) {
      os << "/* Device memory " << name
         << "_run_host needs (the arena, then every input and\n"
         << " * output, 256-byte aligned). */\n"
         << "#define " << upper << "_HOST_WORKSPACE_SIZE "
         << sig.hostWorkspaceSize << "ULL\n\n";
    } else {
      // The layout EmitWrappers computes at run time: the padded arena, then
      // each buffer's bytes for the batch, rounded up to the alignment.
      const std::string align = std::to_string(sig.hostWorkspaceAlignment);
      os << "/* Device memory " << name
         << "_run_host needs for `batch` samples (the arena,\n"
         << " * then every input and output, 256-byte aligned). */\n"
         << "#define " << upper << "_HOST_WORKSPACE_SIZE_FOR_BATCH(batch) \\\n"
         << "  (" << sig.hostWorkspaceSize << "ULL";
      for (int64_t bytes : sig.sampleBytes)
        os << " + \\\n   ((uint64_t)(batch) * " << bytes << "ULL + " << align
           << "ULL - 1) / " << align << "ULL * " << align << "ULL";
      os << ")\n";
      if (sig.maxBatch > 0)
        os << "#define " << upper << "_HOST_WORKSPACE_SIZE " << upper
           << "_HOST_WORKSPACE_SIZE_FOR_BATCH(" << upper << "_MAX_BATCH)\n";
      os << "\n";
    }
    os << "/* " << name
       << "_run on host buffers: copies the inputs into `device_workspace`\n"
       << " * (from kiln_cuda_malloc), runs, waits for the kernels and copies "
          "the\n * outputs back. Allocates nothing. */\n"
       << "kiln_status_t " << name << "_run_host(\n";
    printParams(onHost);
  }

  std::string batchParam = sig.dynamicBatch ? "int64_t batch, " : "";
  os << "/* " << name
     << "_run with the buffers passed as arrays of pointers, in the order\n"
     << " * of the _INPUT_<i>/_OUTPUT_<i> constants; a "
     << (sig.dynamicBatch ? "kiln_invoke_batch_fn_t" : "kiln_invoke_fn_t")
     << ". */\n"
     << "kiln_status_t " << name << "_invoke(" << batchParam
     << "const void *const *inputs,\n"
     << std::string(name.size() + 22 + batchParam.size(), ' ')
     << "void *const *outputs, void *arena);\n\n";

  // Descriptor: function-local statics keep the header includable from any
  // number of translation units; positional initializers keep it C++11-clean.
  os << "/* Returns the model's descriptor (see kiln_model_desc_t in "
        "<kiln/abi.h>):\n"
     << " * immutable static data, safe to read from any thread. */\n"
     << "static inline const kiln_model_desc_t *" << name
     << "_describe(void) {\n";
  auto emitShapes = [&](const std::vector<TensorSignature> &tensors,
                        bool input) {
    for (size_t i = 0; i < tensors.size(); ++i)
      if (!tensors[i].shape.empty())
        os << "  static const int64_t kiln_" << (input ? "input" : "output")
           << "_" << i << "_shape[] = " << tensorMacroPrefix(upper, input, i)
           << "_SHAPE;\n";
  };
  emitShapes(sig.inputs, true);
  emitShapes(sig.outputs, false);
  auto emitDescs = [&](const std::vector<TensorSignature> &tensors,
                       bool input) {
    if (tensors.empty())
      return;
    const char *kind = input ? "input" : "output";
    os << "  static const kiln_tensor_desc_t kiln_" << kind << "s[] = {\n";
    for (size_t i = 0; i < tensors.size(); ++i) {
      std::string prefix = tensorMacroPrefix(upper, input, i);
      std::string shape = tensors[i].shape.empty()
                              ? std::string("NULL")
                              : "kiln_" + std::string(kind) + "_" +
                                    std::to_string(i) + "_shape";
      os << "      {" << prefix << "_NAME, " << prefix << "_DTYPE, " << prefix
         << "_RANK,\n"
         << "       " << shape << ", " << prefix << "_NUM_ELEMENTS},\n";
    }
    os << "  };\n";
  };
  emitDescs(sig.inputs, true);
  emitDescs(sig.outputs, false);
  os << "  static const kiln_model_desc_t kiln_desc = {\n"
     << "      " << abiVersion << "u, \"" << name << "\", " << upper
     << "_NUM_INPUTS, " << upper << "_NUM_OUTPUTS,\n"
     << "      " << (sig.inputs.empty() ? "NULL" : "kiln_inputs") << ", "
     << (sig.outputs.empty() ? "NULL" : "kiln_outputs") << ",\n"
     << "      " << upper << "_ARENA_SIZE, " << upper << "_ARENA_ALIGNMENT,\n"
     << "      "
     << (sig.dynamicBatch ? "NULL, 1, " + upper + "_MAX_BATCH, " + name +
                                "_invoke"
                          : name + "_invoke, 0, 0, NULL")
     << "};\n"
     << "  return &kiln_desc;\n"
     << "}\n\n";

  os << "#ifdef __cplusplus\n"
     << "} /* extern \"C\" */\n"
     << "#endif\n\n"
     << "#endif /* " << includeGuard(upper) << " */\n";
  return os.str();
}

} // namespace kiln
