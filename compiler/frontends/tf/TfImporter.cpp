// TF frontend entry: loads a SavedModel (saved_model.pb + variables
// checkpoint) or a frozen GraphDef (.pb / .pbtxt), picks the signature or
// the --inputs/--outputs tensors, and builds the model function by
// evaluating the requested outputs (TfGraph.cpp).
#include "compiler/frontends/common/InputShapes.h"
#include "compiler/frontends/tf/TfImporter.h"
#include "compiler/frontends/tf/TfInternal.h"
#include "compiler/frontends/tf/proto/saved_model.pb.h"

#include "dialects/kiln/AbiAttrs.h"
#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

using namespace mlir;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace kiln {

bool isTensorFlowModel(StringRef p) {
  if (fs::is_directory(p))
    return true;
  StringRef ext = path::extension(p);
  return ext == ".pb" || ext == ".pbtxt";
}

namespace {

using namespace ::kiln::tf;

Location fileLoc(MLIRContext &ctx, StringRef file) {
  return FileLineColLoc::get(&ctx, file, 0, 0);
}

/// Parses a binary protobuf file; messages may exceed protobuf's 64 MB
/// default limit (graphs with inlined weights).
LogicalResult parseBinary(MLIRContext &ctx, StringRef file,
                          google::protobuf::Message &msg, StringRef what) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(fileLoc(ctx, file))
           << "cannot read " << what << ": " << buffer.getError().message();
  google::protobuf::io::ArrayInputStream raw((*buffer)->getBufferStart(),
                                             (*buffer)->getBufferSize());
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT32_MAX);
  if (!msg.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return emitError(fileLoc(ctx, file))
           << "is not a valid " << what << " (protobuf parse failed)";
  return success();
}

/// Collects text-format parse errors instead of printing them.
class TextErrors : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string &message) override {
    if (first.empty())
      first = "line " + std::to_string(line + 1) + ":" +
              std::to_string(column + 1) + ": " + std::string(message);
  }
  std::string first;
};

LogicalResult parseText(MLIRContext &ctx, StringRef file,
                        google::protobuf::Message &msg, StringRef what) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
  if (!buffer)
    return emitError(fileLoc(ctx, file))
           << "cannot read " << what << ": " << buffer.getError().message();
  google::protobuf::TextFormat::Parser parser;
  TextErrors errors;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(true);
  if (!parser.ParseFromString(std::string((*buffer)->getBuffer()), &msg))
    return emitError(fileLoc(ctx, file))
           << "is not a valid " << what << " in text format: " << errors.first;
  return success();
}

/// One model input or output: API name, tensor reference, and for inputs
/// the declared type.
struct Port {
  std::string name, tensor;
  int dtype = 0;
  SmallVector<int64_t> shape; // -1 unknown
  bool unknownRank = false;
};

/// Binds unknown dims from --batch / --input-shape; errors name the input
/// and the flag that fixes it. Under dynamic batch the leading dimension is
/// the sample's, whatever --input-shape says.
LogicalResult resolveShape(MLIRContext &ctx, StringRef file, Port &port,
                           InputShapes &shapes,
                           const TfImportOptions &options) {
  FailureOr<bool> given =
      shapes.bind(port.name, port.shape, port.unknownRank, fileLoc(ctx, file));
  if (failed(given))
    return failure();
  if (*given)
    port.unknownRank = false;
  if (port.unknownRank)
    return emitError(fileLoc(ctx, file))
           << "input '" << port.name
           << "' has an unknown rank; give its shape with --input-shape="
           << port.name << "=D0,D1,...";
  if (!port.shape.empty() && options.dynamicBatch)
    port.shape[0] = options.sampleBatch;
  if (!port.shape.empty() && port.shape[0] < 0 && options.batch > 0)
    port.shape[0] = options.batch;
  for (size_t i = 0; i < port.shape.size(); ++i)
    if (port.shape[i] < 0) {
      std::string dims;
      for (size_t k = 0; k < port.shape.size(); ++k)
        dims += (k ? "," : "") +
                (port.shape[k] < 0 ? std::string(k == 0 ? "N" : "D" + std::to_string(k))
                                   : std::to_string(port.shape[k]));
      return emitError(fileLoc(ctx, file))
             << "input '" << port.name << "' has unknown dimension " << i
             << "; bind it with " << (i == 0 ? "--batch=N or " : "")
             << "--input-shape=" << port.name << "=" << dims
             << (i == 0 ? ", or compile with --dynamic-batch" : "");
    }
  return success();
}

SmallVector<int64_t> shapeOf(const tfp::TensorShapeProto &s, bool &unknownRank) {
  unknownRank = s.unknown_rank();
  SmallVector<int64_t> out;
  for (const auto &d : s.dim())
    out.push_back(d.size());
  return out;
}

/// The model as the importer sees it after loading.
struct Model {
  tfp::SavedModel saved;
  tfp::GraphDef frozen;
  const tfp::GraphDef *graph = nullptr;
  const tfp::SavedObjectGraph *objects = nullptr;
  std::optional<Checkpoint> checkpoint;
  std::vector<Port> inputs, outputs;
};

LogicalResult loadSavedModel(MLIRContext &ctx, StringRef dir,
                             const TfImportOptions &options, Model &m) {
  SmallString<256> pb(dir), pbtxt(dir);
  path::append(pb, "saved_model.pb");
  path::append(pbtxt, "saved_model.pbtxt");
  if (fs::exists(pb)) {
    if (failed(parseBinary(ctx, pb, m.saved, "SavedModel")))
      return failure();
  } else if (fs::exists(pbtxt)) {
    if (failed(parseText(ctx, pbtxt, m.saved, "SavedModel")))
      return failure();
  } else {
    return emitError(fileLoc(ctx, dir))
           << "is not a SavedModel directory (no saved_model.pb)";
  }
  const tfp::MetaGraphDef *meta = nullptr;
  std::string tagSets;
  for (const tfp::MetaGraphDef &mg : m.saved.meta_graphs()) {
    const auto &tags = mg.meta_info_def().tags();
    if (llvm::is_contained(tags, "serve") && !meta)
      meta = &mg;
    tagSets += (tagSets.empty() ? "" : "; ") +
               llvm::join(tags.begin(), tags.end(), ",");
  }
  if (!meta)
    return emitError(fileLoc(ctx, pb))
           << "has no MetaGraph tagged 'serve' (tag sets: "
           << (tagSets.empty() ? "none" : tagSets) << ")";
  m.graph = &meta->graph_def();
  m.objects = &meta->object_graph_def();

  std::string sigName =
      options.signature.empty() ? "serving_default" : options.signature;
  auto sig = meta->signature_def().find(sigName);
  if (sig == meta->signature_def().end()) {
    SmallVector<std::string> names;
    for (const auto &[k, v] : meta->signature_def())
      if (!StringRef(k).starts_with("__"))
        names.push_back(k);
    llvm::sort(names);
    return emitError(fileLoc(ctx, dir))
           << "has no signature '" << sigName << "' (available: "
           << llvm::join(names, ", ") << "); choose one with --signature";
  }
  auto addPorts = [&](const auto &map, std::vector<Port> &out) {
    for (const auto &[key, info] : map) {
      Port p;
      p.name = key;
      p.tensor = info.name();
      p.dtype = info.dtype();
      p.shape = shapeOf(info.tensor_shape(), p.unknownRank);
      out.push_back(p);
    }
    llvm::sort(out, [](const Port &a, const Port &b) { return a.name < b.name; });
  };
  addPorts(sig->second.inputs(), m.inputs);
  addPorts(sig->second.outputs(), m.outputs);

  SmallString<256> prefix(dir);
  path::append(prefix, "variables", "variables");
  if (fs::exists(prefix + ".index")) {
    auto ckpt = Checkpoint::open(prefix);
    if (!ckpt)
      return emitError(fileLoc(ctx, dir)) << llvm::toString(ckpt.takeError());
    m.checkpoint.emplace(std::move(*ckpt));
  }
  return success();
}

LogicalResult loadGraphDef(MLIRContext &ctx, StringRef file,
                           const TfImportOptions &options, Model &m) {
  if (path::extension(file) == ".pbtxt") {
    if (failed(parseText(ctx, file, m.frozen, "GraphDef")))
      return failure();
  } else if (failed(parseBinary(ctx, file, m.frozen, "GraphDef"))) {
    return failure();
  }
  m.graph = &m.frozen;
  llvm::StringMap<const tfp::NodeDef *> nodes;
  llvm::StringSet<> consumed;
  for (const tfp::NodeDef &n : m.frozen.node()) {
    nodes[n.name()] = &n;
    for (const std::string &in : n.input())
      consumed.insert(StringRef(in).ltrim('^').split(':').first);
  }
  auto nodeOf = [&](StringRef ref) { return nodes.lookup(ref.split(':').first); };
  SmallVector<std::string> inputs(options.inputs.begin(), options.inputs.end());
  SmallVector<std::string> outputs(options.outputs.begin(),
                                   options.outputs.end());
  if (inputs.empty())
    for (const tfp::NodeDef &n : m.frozen.node())
      if (n.op() == "Placeholder")
        inputs.push_back(n.name());
  if (outputs.empty())
    return emitError(fileLoc(ctx, file))
           << "a GraphDef has no signature: name the output tensors with "
              "--outputs=NODE[:INDEX],...";
  for (const std::string &ref : inputs) {
    const tfp::NodeDef *n = nodeOf(ref);
    if (!n)
      return emitError(fileLoc(ctx, file))
             << "--inputs names '" << ref << "', which is not a node";
    if (n->op() != "Placeholder")
      return emitError(fileLoc(ctx, file))
             << "--inputs names '" << ref << "', a " << n->op()
             << " node; inputs must be Placeholders";
    Port p;
    p.name = n->name();
    p.tensor = ref;
    auto dt = n->attr().find("dtype");
    p.dtype = dt == n->attr().end() ? 0 : dt->second.type();
    auto shape = n->attr().find("shape");
    if (shape != n->attr().end())
      p.shape = shapeOf(shape->second.shape(), p.unknownRank);
    else
      p.unknownRank = true;
    m.inputs.push_back(p);
  }
  for (const std::string &ref : outputs) {
    if (!nodeOf(ref))
      return emitError(fileLoc(ctx, file))
             << "--outputs names '" << ref << "', which is not a node";
    Port p;
    p.name = ref;
    p.tensor = ref;
    m.outputs.push_back(p);
  }
  return success();
}

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
importTensorFlowModel(MLIRContext &ctx, StringRef file,
                      const TfImportOptions &options) {
  ctx.loadDialect<mlir::kiln::KilnDialect, func::FuncDialect>();
  Model m;
  bool savedModel = fs::is_directory(file);
  if (!savedModel && !fs::exists(file))
    return emitError(fileLoc(ctx, file)) << "no such file or directory";
  if (failed(savedModel ? loadSavedModel(ctx, file, options, m)
                        : loadGraphDef(ctx, file, options, m)))
    return failure();
  if (!savedModel && !options.signature.empty())
    return emitError(fileLoc(ctx, file))
           << "--signature applies to SavedModel directories only";
  if (savedModel && (!options.inputs.empty() || !options.outputs.empty()))
    return emitError(fileLoc(ctx, file))
           << "--inputs/--outputs apply to GraphDef files; a SavedModel "
              "uses its signature (--signature)";

  SmallVector<Type> argTypes;
  InputShapes shapes;
  if (failed(shapes.parse(options.inputShapes, fileLoc(ctx, file))))
    return failure();
  for (Port &p : m.inputs) {
    if (failed(resolveShape(ctx, file, p, shapes, options)))
      return failure();
    Type elem = convertDataType(&ctx, p.dtype);
    if (!elem)
      return emitError(fileLoc(ctx, file))
             << "input '" << p.name << "' has unsupported "
             << dataTypeName(p.dtype);
    argTypes.push_back(RankedTensorType::get(p.shape, elem));
  }
  std::vector<std::string> inputNames;
  for (const Port &p : m.inputs)
    inputNames.push_back(p.name);
  if (failed(shapes.checkAllBound(inputNames, fileLoc(ctx, file))))
    return failure();

  OpBuilder builder(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc(ctx, file));
  (*module)->setAttr(mlir::kiln::kSourceAttr, builder.getStringAttr(file));
  if (options.dynamicBatch)
    (*module)->setAttr(mlir::kiln::kDynamicBatchAttr, builder.getUnitAttr());
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc(ctx, file),
                                   options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  ImportState state{ctx, builder, file.str()};
  for (const tfp::FunctionDef &f : m.graph->library().function())
    state.functions[f.signature().name()] = &f;
  if (m.checkpoint)
    state.checkpoint = &*m.checkpoint;
  if (savedModel) {
    state.objectGraph = m.objects;
    auto variables =
        resolveVariableKeys(fileLoc(ctx, file), *m.objects, state.checkpoint);
    if (failed(variables))
      return failure();
    state.variables = std::move(*variables);
  }

  Scope top(state, *m.graph);
  for (auto [i, p] : llvm::enumerate(m.inputs)) {
    StringRef node = StringRef(p.tensor).split(':').first;
    if (!top.findNode(node))
      return emitError(fileLoc(ctx, file))
             << "input '" << p.name << "' refers to tensor '" << p.tensor
             << "', which names no node";
    top.bind(node, {body->getArgument(i), ""});
    func.setArgAttr(i, mlir::kiln::kNameAttr, builder.getStringAttr(p.name));
    if (isUnsignedDataType(p.dtype))
      func.setArgAttr(i, mlir::kiln::kUnsignedAttr, builder.getUnitAttr());
  }
  SmallVector<Value> results;
  bool ok = true;
  for (const Port &p : m.outputs) {
    auto v = top.tensor(p.tensor);
    if (failed(v) || v->isResource()) {
      if (succeeded(v))
        emitError(fileLoc(ctx, file))
            << "output '" << p.name << "' is a resource, not a tensor";
      ok = false;
      continue;
    }
    results.push_back(v->value);
  }
  if (!state.unsupported.empty()) {
    std::string list;
    for (const auto &[op, nodes] : state.unsupported) {
      list += "\n  " + op + ": " + nodes.front();
      if (nodes.size() > 1)
        list += " and " + std::to_string(nodes.size() - 1) + " more";
    }
    return emitError(fileLoc(ctx, file))
           << "unsupported TensorFlow ops (" << state.unsupported.size()
           << "):" << list;
  }
  if (!ok)
    return failure();
  func::ReturnOp::create(builder, fileLoc(ctx, file), results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, p] : llvm::enumerate(m.outputs)) {
    func.setResultAttr(i, mlir::kiln::kNameAttr, builder.getStringAttr(p.name));
    if (isUnsignedDataType(p.dtype))
      func.setResultAttr(i, mlir::kiln::kUnsignedAttr, builder.getUnitAttr());
  }
  return module;
}

} // namespace kiln
