// Model-level ONNX import: reads the file, checks the graph as a whole
// (producers, dangling inputs, topological order, unsupported ops) before
// converting anything, then builds one func.func node by node through the op
// table in OnnxOps.cpp.
#include "compiler/frontends/common/InputShapes.h"
#include "compiler/frontends/onnx/OnnxImporter.h"
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/AbiAttrs.h"
#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <climits>
#include <queue>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// Whether a node's op comes from the default ONNX domain.
bool isDefaultDomain(const onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

class ModelImporter {
public:
  ModelImporter(MLIRContext &ctx, StringRef path,
                const OnnxImportOptions &options)
      : ctx(ctx), path(path.str()), options(options),
        fileLoc(FileLineColLoc::get(&ctx, path, 0, 0)) {}

  FailureOr<OwningOpRef<ModuleOp>> run();

private:
  LogicalResult load(onnx::ModelProto &model);
  LogicalResult readOpset(const onnx::ModelProto &model);
  LogicalResult checkGraph(const onnx::GraphProto &graph);
  LogicalResult sortNodes(const onnx::GraphProto &graph,
                          const llvm::StringMap<int> &producerNode);
  FailureOr<Type> inputType(const onnx::ValueInfoProto &info);
  LogicalResult checkOutputType(const onnx::ValueInfoProto &info, Value value);
  LogicalResult buildFunction(onnx::GraphProto &graph, ModuleOp module);

  /// The node's name, or "<OpType>_<index>" when it has none.
  std::string nodeName(int index) const;
  /// "node 'name' (OpType)", with a non-default domain as a prefix.
  std::string describe(int index) const;
  Location locFor(StringRef name) const {
    return NameLoc::get(StringAttr::get(&ctx, name), fileLoc);
  }

  MLIRContext &ctx;
  std::string path;
  OnnxImportOptions options;
  /// Importing one sample of a dynamic-batch model.
  bool dynamicBatch = false;
  InputShapes inputShapes;
  Location fileLoc;
  int64_t opset = 0;
  const onnx::GraphProto *graph = nullptr;
  /// Node indices in a topological order (graph order where it is one).
  std::vector<int> order;
  /// Names read by some node input or graph output.
  llvm::StringSet<> used;
  /// Names that are initializers (constants, even when also graph inputs).
  llvm::StringSet<> initializerNames;
};

std::string ModelImporter::nodeName(int index) const {
  const onnx::NodeProto &node = graph->node(index);
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

std::string ModelImporter::describe(int index) const {
  const onnx::NodeProto &node = graph->node(index);
  std::string op = isDefaultDomain(node) ? node.op_type()
                                         : node.domain() + "." + node.op_type();
  return "node '" + nodeName(index) + "' (" + op + ")";
}

//===- File and model ----------------------------------------------------===//

LogicalResult ModelImporter::load(onnx::ModelProto &model) {
  bool isText = StringRef(path).ends_with(".onnxtext");
  auto tooLarge = [&](uint64_t size) {
    return emitError(fileLoc)
           << path << ": model file is " << size
           << " bytes; protobuf cannot parse more than 2 GiB, so store the "
              "weights as ONNX external data";
  };
  if (!isText && !options.contents) {
    // Binary models stream from the file: mapping it whole would hold every
    // weight twice (file pages and parsed strings) at the import's peak.
    uint64_t size = 0;
    if (std::error_code ec = llvm::sys::fs::file_size(path, size))
      return emitError(fileLoc) << path << ": cannot open: " << ec.message();
    if (size == 0)
      return emitError(fileLoc) << path << ": file is empty";
    if (size > static_cast<uint64_t>(INT_MAX))
      return tooLarge(size);
    llvm::Expected<llvm::sys::fs::file_t> fd =
        llvm::sys::fs::openNativeFileForRead(path);
    if (!fd)
      return emitError(fileLoc) << path << ": cannot open: "
                                << llvm::toString(fd.takeError());
    bool parsed = model.ParseFromFileDescriptor(*fd);
    llvm::sys::fs::closeFile(*fd);
    if (!parsed)
      return emitError(fileLoc)
             << path << ": not a valid ONNX model (protobuf parse failed)";
    if (!model.has_graph())
      return emitError(fileLoc) << path << ": not a valid ONNX model (no graph)";
    return success();
  }
  std::unique_ptr<llvm::MemoryBuffer> owned;
  if (options.contents) {
    // The text parser needs a terminating NUL, which a caller's buffer
    // need not have.
    if (isText)
      owned = llvm::MemoryBuffer::getMemBufferCopy(
          options.contents->getBuffer(), path);
  } else {
    auto buffer =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/true);
    if (!buffer)
      return emitError(fileLoc)
             << path << ": cannot open: " << buffer.getError().message();
    owned = std::move(*buffer);
  }
  StringRef data = owned ? owned->getBuffer() : options.contents->getBuffer();
  if (data.empty())
    return emitError(fileLoc) << path << ": file is empty";
  if (isText) {
    TextParseError error;
    if (!parseOnnxText(data.data(), model, error)) {
      Location loc =
          error.line ? FileLineColLoc::get(&ctx, path, error.line, error.column)
                     : fileLoc;
      return emitError(loc)
             << path << ": not a valid ONNX text model: " << error.message;
    }
  } else {
    if (data.size() > static_cast<size_t>(INT_MAX))
      return tooLarge(data.size());
    if (!model.ParseFromArray(data.data(), static_cast<int>(data.size())))
      return emitError(fileLoc)
             << path << ": not a valid ONNX model (protobuf parse failed)";
  }
  if (!model.has_graph())
    return emitError(fileLoc) << path << ": not a valid ONNX model (no graph)";
  return success();
}

LogicalResult ModelImporter::readOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset == 0)
    return emitError(fileLoc)
           << path << ": the model imports no opset of the default ONNX domain";
  if (opset < 1 || opset > 21)
    return emitError(fileLoc) << path << ": default-domain opset " << opset
                              << " is not supported (kiln imports opsets 1 "
                                 "to 21)";
  return success();
}

//===- Graph checks ------------------------------------------------------===//

LogicalResult ModelImporter::checkGraph(const onnx::GraphProto &g) {
  bool ok = true;
  // Who produces each value: "graph input", "initializer", or a node.
  llvm::StringMap<std::string> producer;
  llvm::StringMap<int> producerNode;
  for (const onnx::TensorProto &init : g.initializer()) {
    if (init.name().empty()) {
      emitError(fileLoc) << "an initializer has no name";
      ok = false;
    } else if (!initializerNames.insert(init.name()).second) {
      emitError(locFor(init.name()))
          << "initializer '" << init.name() << "' is defined twice";
      ok = false;
    }
    producer[init.name()] = "initializer '" + init.name() + "'";
  }
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : g.input()) {
    if (!inputNames.insert(input.name()).second) {
      emitError(locFor(input.name()))
          << "graph input '" << input.name() << "' is listed twice";
      ok = false;
    }
    // An initializer of the same name is a constant (IR < 4 lists
    // initializers among the inputs).
    producer.try_emplace(input.name(), "graph input '" + input.name() + "'");
  }
  for (int i = 0; i < g.node_size(); ++i) {
    for (const std::string &out : g.node(i).output()) {
      if (out.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(out, describe(i));
      if (!inserted) {
        emitError(locFor(nodeName(i)))
            << describe(i) << " output '" << out << "' is already produced by "
            << it->second;
        ok = false;
        continue;
      }
      producerNode[out] = i;
    }
  }

  // Every unsupported op at once, so a user sees the whole gap.
  SmallVector<std::string> unsupported;
  for (int i = 0; i < g.node_size(); ++i)
    if (!lookupConverter(g.node(i).domain(), g.node(i).op_type()))
      unsupported.push_back(describe(i));
  if (!unsupported.empty()) {
    emitError(fileLoc) << "unsupported ONNX ops (" << unsupported.size()
                       << "): " << llvm::join(unsupported, ", ");
    ok = false;
  }

  for (int i = 0; i < g.node_size(); ++i) {
    for (auto [k, in] : llvm::enumerate(g.node(i).input())) {
      if (in.empty())
        continue;
      used.insert(in);
      if (!producer.count(in)) {
        emitError(locFor(nodeName(i)))
            << describe(i) << " input " << k << " names '" << in
            << "', which no node, initializer or graph input produces";
        ok = false;
      }
    }
  }
  if (g.output_size() == 0) {
    emitError(fileLoc) << "the graph has no outputs";
    ok = false;
  }
  for (const onnx::ValueInfoProto &output : g.output()) {
    used.insert(output.name());
    if (!producer.count(output.name())) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is not produced by any node, initializer or "
                            "graph input";
      ok = false;
    }
  }
  if (!ok)
    return failure();
  return sortNodes(g, producerNode);
}

/// Kahn's algorithm, taking the lowest ready index first so a graph already
/// in order keeps it. Leftover nodes lie on or behind a cycle.
LogicalResult
ModelImporter::sortNodes(const onnx::GraphProto &g,
                         const llvm::StringMap<int> &producerNode) {
  int n = g.node_size();
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> consumers(n);
  for (int i = 0; i < n; ++i) {
    for (const std::string &in : g.node(i).input()) {
      auto it = producerNode.find(in);
      if (in.empty() || it == producerNode.end())
        continue;
      consumers[it->second].push_back(i);
      ++pending[i];
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int c : consumers[i])
      if (--pending[c] == 0)
        ready.push(c);
  }
  if (static_cast<int>(order.size()) == n)
    return success();

  // Walk producers among the leftovers until a node repeats: it is on a cycle.
  int at = 0;
  while (pending[at] == 0)
    ++at;
  std::vector<bool> seen(n, false);
  while (!seen[at]) {
    seen[at] = true;
    for (const std::string &in : g.node(at).input()) {
      auto it = producerNode.find(in);
      if (!in.empty() && it != producerNode.end() && pending[it->second]) {
        at = it->second;
        break;
      }
    }
  }
  return emitError(locFor(nodeName(at)))
         << "the graph has a cycle through " << describe(at);
}

/// Records which results of a converted node hold unsigned integers: what
/// the converter declared, else an integer result is unsigned when an
/// unsigned input of the node has its element type.
void propagateUnsigned(GraphState &state, const NodeImporter &n) {
  ArrayRef<Value> results = n.getResults();
  for (auto [k, v] : llvm::enumerate(results)) {
    if (!v)
      continue;
    std::optional<bool> declared = n.resultUnsigned(k);
    bool isUnsigned = false;
    if (declared) {
      isUnsigned = *declared;
    } else {
      Type element = cast<RankedTensorType>(v.getType()).getElementType();
      if (isa<IntegerType>(element) && !element.isInteger(1))
        for (int i = 0; i < n.node.input_size() && !isUnsigned; ++i)
          isUnsigned = n.isUnsigned(i) && n.inputType(i).getElementType() ==
                                              element;
    }
    if (isUnsigned)
      state.unsignedValues.insert(v);
  }
}

//===- Types -------------------------------------------------------------===//

FailureOr<Type> ModelImporter::inputType(const onnx::ValueInfoProto &info) {
  Location loc = locFor(info.name());
  const std::string &name = info.name();
  if (!info.type().has_tensor_type())
    return emitError(loc) << "input '" << name << "' is not a tensor";
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = tensor.elem_type() == onnx::TensorProto::STRING
                     ? mlir::kiln::StringType::get(&ctx)
                     : convertElementType(&ctx, tensor.elem_type());
  if (!element)
    return emitError(loc) << "input '" << name << "' has element type "
                          << elementTypeName(tensor.elem_type())
                          << ", which kiln does not support";
  if (!tensor.has_shape())
    return emitError(loc) << "input '" << name
                          << "' has no shape; kiln needs static shapes";
  SmallVector<int64_t> shape;
  for (const auto &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  for (auto [i, dim] : llvm::enumerate(tensor.shape().dim()))
    if (dim.has_dim_value() && dim.dim_value() < 0)
      return emitError(loc) << "input '" << name << "' has a negative "
                            << "dimension " << i << " (" << dim.dim_value()
                            << ")";
  FailureOr<bool> given = inputShapes.bind(name, shape, false, loc);
  if (failed(given))
    return failure();
  SmallVector<int64_t> declared = shape;
  for (auto [i, dim] : llvm::enumerate(tensor.shape().dim())) {
    // The leading dimension is the batch: one sample under dynamic batch,
    // or --batch's size when the model leaves it open.
    if (i == 0 && dynamicBatch) {
      shape[0] = options.sampleBatch;
      continue;
    }
    if (shape[i] >= 0)
      continue;
    if (i == 0 && options.batch > 0) {
      shape[0] = options.batch;
      continue;
    }
    auto diag = emitError(loc)
                << "input '" << name << "' has a dynamic dimension " << i;
    if (dim.has_dim_param())
      diag << " ('" << dim.dim_param() << "')";
    std::string dims;
    for (auto [k, d] : llvm::enumerate(declared))
      dims += (k ? "," : "") + (d >= 0 ? std::to_string(d)
                                       : k == 0 ? std::string("N")
                                                : "D" + std::to_string(k));
    diag << "; bind it with " << (i == 0 ? "--batch=N or " : "")
         << "--input-shape=" << name << "=" << dims;
    if (i == 0)
      diag << ", or compile with --dynamic-batch";
    return diag;
  }
  return Type(RankedTensorType::get(shape, element));
}

LogicalResult ModelImporter::checkOutputType(const onnx::ValueInfoProto &info,
                                             Value value) {
  if (!info.type().has_tensor_type())
    return success();
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  auto actual = cast<RankedTensorType>(value.getType());
  bool strings = tensor.elem_type() == onnx::TensorProto::STRING;
  Type element = strings ? mlir::kiln::StringType::get(&ctx)
                         : convertElementType(&ctx, tensor.elem_type());
  bool mismatch = element && element != actual.getElementType();
  // StringNormalizer's length depends on the data: kiln's shape is the
  // bound, and a declared last dimension may be anything up to it.
  bool boundedLast = isa_and_present<mlir::kiln::StringNormalizerOp>(
      value.getDefiningOp());
  if (tensor.has_shape()) {
    const auto &dims = tensor.shape().dim();
    if (dims.size() != actual.getRank())
      mismatch = true;
    // Under dynamic batch the leading dimension is one sample's.
    for (int i = dynamicBatch ? 1 : 0; !mismatch && i < dims.size(); ++i)
      if (dims[i].has_dim_value() &&
          dims[i].dim_value() != actual.getDimSize(i) &&
          !(boundedLast && i + 1 == dims.size() &&
            dims[i].dim_value() <= actual.getDimSize(i)))
        mismatch = true;
  }
  if (!mismatch)
    return success();
  auto diag = emitError(locFor(info.name()))
              << "graph output '" << info.name() << "' is declared as "
              << elementTypeName(tensor.elem_type());
  if (tensor.has_shape()) {
    diag << " [";
    llvm::interleaveComma(tensor.shape().dim(), diag, [&](const auto &d) {
      if (d.has_dim_value())
        diag << d.dim_value();
      else
        diag << (d.dim_param().empty() ? "?" : d.dim_param());
    });
    diag << "]";
  }
  return diag << " but the graph computes " << actual;
}

//===- The function ------------------------------------------------------===//

LogicalResult ModelImporter::buildFunction(onnx::GraphProto &g,
                                           ModuleOp module) {
  OpBuilder builder(module.getBodyRegion());
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  bool ok = true;
  for (const onnx::ValueInfoProto &input : g.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<Type> type = inputType(input);
    if (failed(type)) {
      ok = false;
      continue;
    }
    argTypes.push_back(*type);
    args.push_back(&input);
  }
  if (!ok)
    return failure();
  std::vector<std::string> inputNames;
  for (const onnx::ValueInfoProto *input : args)
    inputNames.push_back(input->name());
  if (failed(inputShapes.checkAllBound(inputNames, fileLoc)))
    return failure();

  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  TensorImporter tensors(ctx, path);
  GraphState state{ctx, builder, tensors, opset, {}, {}, used, {}};
  for (auto [i, info] : llvm::enumerate(args)) {
    BlockArgument arg = entry->getArgument(i);
    arg.setLoc(locFor(info->name()));
    func.setArgAttr(i, "kiln.name", builder.getStringAttr(info->name()));
    state.values[info->name()] = arg;
    if (isUnsignedElementType(info->type().tensor_type().elem_type())) {
      func.setArgAttr(i, mlir::kiln::kUnsignedAttr, builder.getUnitAttr());
      state.unsignedValues.insert(arg);
    }
  }

  // Initializers first, in file order.
  builder.setInsertionPointToStart(entry);
  for (onnx::TensorProto &init : *g.mutable_initializer()) {
    Location loc = locFor(init.name());
    FailureOr<ElementsAttr> value = tensors.importTaking(
        init, "initializer '" + init.name() + "'", init.name(), loc);
    if (failed(value))
      return failure();
    auto constant = mlir::kiln::ConstantOp::create(builder, loc, *value);
    state.values[init.name()] = constant.getResult();
    if (isUnsignedElementType(init.data_type()))
      state.unsignedValues.insert(constant.getResult());
    // The attribute owns the bytes now (adopted or copied).
    std::string().swap(*init.mutable_raw_data());
  }

  for (int index : order) {
    const onnx::NodeProto &node = g.node(index);
    std::string name = nodeName(index);
    NodeImporter importer(state, node, name, locFor(name));
    builder.setInsertionPointToEnd(entry);
    // Sequences live only in the importer; ops other than the sequence ops
    // see tensors.
    if (!takesSequenceInputs(node.op_type()))
      for (auto [k, in] : llvm::enumerate(node.input()))
        if (!in.empty() && state.sequences.count(in))
          return importer.emitError()
                 << "input " << k << " ('" << in << "') is a sequence, but "
                 << node.op_type() << " expects a tensor";
    // String tensors reach only the ops that handle them.
    static const llvm::StringSet<> takesStrings = {
        "StringNormalizer", "Identity", "Cast", "CastLike"};
    if (!takesStrings.contains(node.op_type()))
      for (auto [k, in] : llvm::enumerate(node.input()))
        if (Value v = in.empty() ? Value() : state.values.lookup(in))
          if (isa<mlir::kiln::StringType>(
                  cast<ShapedType>(v.getType()).getElementType()))
            return importer.emitError()
                   << "input " << k << " ('" << in << "') is a string "
                   << "tensor, which kiln supports only in StringNormalizer, "
                      "Identity, Cast and CastLike";
    ConvertFn convert = lookupConverter(node.domain(), node.op_type());
    if (failed(convert(importer)))
      return failure();
    propagateUnsigned(state, importer);
    for (auto [k, out] : llvm::enumerate(node.output())) {
      if (out.empty())
        continue;
      if (const Sequence *seq = importer.sequenceResult(k))
        state.sequences[out] = *seq;
      else if (Value v = importer.getResults()[k])
        state.values[out] = v;
      else if (used.contains(out))
        return importer.emitError()
               << "internal error: no value for output " << k;
    }
  }

  builder.setInsertionPointToEnd(entry);
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &output : g.output()) {
    if (state.sequences.count(output.name()))
      return emitError(locFor(output.name()))
             << "graph output '" << output.name()
             << "' is a sequence; kiln compiles tensor graph outputs only";
    Value v = state.values.lookup(output.name());
    if (failed(checkOutputType(output, v)))
      return failure();
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(g.output())) {
    func.setResultAttr(i, "kiln.name", builder.getStringAttr(output.name()));
    const onnx::TypeProto &type = output.type();
    bool isUnsigned =
        type.has_tensor_type() && type.tensor_type().elem_type() != 0
            ? isUnsignedElementType(type.tensor_type().elem_type())
            : state.unsignedValues.contains(results[i]);
    if (isUnsigned)
      func.setResultAttr(i, mlir::kiln::kUnsignedAttr, builder.getUnitAttr());
  }

  // Initializers nobody reads and shape operands that were folded into
  // result types (Reshape, Squeeze, Unsqueeze) leave dead constants.
  for (Operation &op : llvm::make_early_inc_range(*entry))
    if (isa<mlir::kiln::ConstantOp>(op) && op.use_empty())
      op.erase();
  return success();
}

FailureOr<OwningOpRef<ModuleOp>> ModelImporter::run() {
  ctx.getOrLoadDialect<mlir::kiln::KilnDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  // Destinations of the destination-passing kiln ops (string ops).
  ctx.getOrLoadDialect<tensor::TensorDialect>();

  onnx::ModelProto model;
  if (failed(load(model)))
    return failure();
  graph = &model.graph();
  // Report a bad opset and graph problems together.
  bool opsetOk = succeeded(readOpset(model));
  if (failed(checkGraph(model.graph())) || !opsetOk)
    return failure();

  if (failed(inputShapes.parse(options.inputShapes, fileLoc)))
    return failure();
  // A symbolic leading dimension on any input asks for dynamic batch unless
  // --batch or --input-shape binds it.
  dynamicBatch = options.dynamicBatch;
  if (options.batch == 0)
    for (const onnx::ValueInfoProto &input : model.graph().input()) {
      const auto &type = input.type();
      if (!inputShapes.names(input.name()) &&
          !initializerNames.contains(input.name()) && type.has_tensor_type() && type.tensor_type().has_shape() &&
          type.tensor_type().shape().dim_size() > 0 &&
          !type.tensor_type().shape().dim(0).has_dim_value())
        dynamicBatch = true;
    }
  if (dynamicBatch && options.batch > 0)
    return emitError(fileLoc, "--batch and --dynamic-batch exclude each other");

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("kiln.source", StringAttr::get(&ctx, path));
  if (dynamicBatch)
    (*module)->setAttr(mlir::kiln::kDynamicBatchAttr, UnitAttr::get(&ctx));
  if (failed(buildFunction(*model.mutable_graph(), *module)) ||
      failed(mlir::verify(*module)))
    return failure();
  return module;
}

} // namespace
} // namespace kiln::onnximport

namespace kiln {

FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(MLIRContext &ctx, StringRef path,
                const OnnxImportOptions &options) {
  return onnximport::ModelImporter(ctx, path, options).run();
}

} // namespace kiln
