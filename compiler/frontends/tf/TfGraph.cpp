// The demand-driven graph evaluator of the TF importer. Evaluation starts at
// the requested outputs and follows inputs, so nodes the signature does not
// reach are never converted (pruning). Function calls (StatefulPartitionedCall,
// PartitionedCall, or a node whose op is a library function) become nested
// scopes whose arguments are evaluated lazily in the caller; variable handles
// carry their checkpoint key and ReadVariableOp turns them into constants.
#include "compiler/frontends/common/OpCreate.h"
#include "compiler/frontends/tf/TfInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace kiln::tf {

//===- Data types ----------------------------------------------------------===//

Type convertDataType(MLIRContext *ctx, int dtype) {
  Builder b(ctx);
  switch (dtype) {
  case tfp::DT_FLOAT:
    return b.getF32Type();
  case tfp::DT_DOUBLE:
    return b.getF64Type();
  case tfp::DT_HALF:
    return b.getF16Type();
  case tfp::DT_BFLOAT16:
    return b.getBF16Type();
  case tfp::DT_INT8:
  case tfp::DT_UINT8:
    return b.getI8Type();
  case tfp::DT_INT16:
  case tfp::DT_UINT16:
    return b.getI16Type();
  case tfp::DT_INT32:
  case tfp::DT_UINT32:
    return b.getI32Type();
  case tfp::DT_INT64:
  case tfp::DT_UINT64:
    return b.getI64Type();
  case tfp::DT_BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

bool isUnsignedDataType(int dtype) {
  return dtype == tfp::DT_UINT8 || dtype == tfp::DT_UINT16 ||
         dtype == tfp::DT_UINT32 || dtype == tfp::DT_UINT64;
}

std::string dataTypeName(int dtype) {
  if (tfp::DataType_IsValid(dtype))
    return tfp::DataType_Name(static_cast<tfp::DataType>(dtype));
  return "data type " + std::to_string(dtype);
}

//===- Tensors -------------------------------------------------------------===//

namespace {

template <typename T, typename Field>
std::string packValues(const Field &field, int64_t count) {
  std::string out(count * sizeof(T), '\0');
  T *dst = reinterpret_cast<T *>(out.data());
  for (int64_t i = 0; i < count; ++i)
    dst[i] = static_cast<T>(field.Get(std::min<int64_t>(i, field.size() - 1)));
  return out;
}

} // namespace

FailureOr<ElementsAttr> importTensor(ImportState &state,
                                     const tfp::TensorProto &t, StringRef what,
                                     StringRef blobHint, Location loc) {
  Type elem = convertDataType(&state.ctx, t.dtype());
  if (!elem)
    return emitError(loc) << what << " has unsupported "
                          << dataTypeName(t.dtype());
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (const auto &d : t.tensor_shape().dim()) {
    if (d.size() < 0)
      return emitError(loc) << what << " has an unknown dimension";
    shape.push_back(d.size());
    if (llvm::MulOverflow(count, int64_t(d.size()), count))
      return emitError(loc) << what << " is too large";
  }
  auto type = RankedTensorType::get(shape, elem);
  int64_t width = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
  if (!t.tensor_content().empty())
    return state.elements.fromBytes(
        type, ArrayRef<char>(t.tensor_content().data(), t.tensor_content().size()),
        what, blobHint, loc);
  // Typed fields: fewer values than elements repeat the last one.
  std::string bytes;
  int64_t have = 0;
  switch (t.dtype()) {
  case tfp::DT_FLOAT:
    have = t.float_val_size();
    if (have)
      bytes = packValues<float>(t.float_val(), count);
    break;
  case tfp::DT_DOUBLE:
    have = t.double_val_size();
    if (have)
      bytes = packValues<double>(t.double_val(), count);
    break;
  case tfp::DT_HALF:
  case tfp::DT_BFLOAT16:
    have = t.half_val_size();
    if (have)
      bytes = packValues<uint16_t>(t.half_val(), count);
    break;
  case tfp::DT_INT32:
  case tfp::DT_UINT32:
    have = t.int_val_size();
    if (have)
      bytes = packValues<int32_t>(t.int_val(), count);
    break;
  case tfp::DT_INT16:
  case tfp::DT_UINT16:
    have = t.int_val_size();
    if (have)
      bytes = packValues<int16_t>(t.int_val(), count);
    break;
  case tfp::DT_INT8:
  case tfp::DT_UINT8:
    have = t.int_val_size();
    if (have)
      bytes = packValues<int8_t>(t.int_val(), count);
    break;
  case tfp::DT_INT64:
    have = t.int64_val_size();
    if (have)
      bytes = packValues<int64_t>(t.int64_val(), count);
    break;
  case tfp::DT_UINT64:
    have = t.uint64_val_size();
    if (have)
      bytes = packValues<uint64_t>(t.uint64_val(), count);
    break;
  case tfp::DT_BOOL:
    have = t.bool_val_size();
    if (have)
      bytes = packValues<uint8_t>(t.bool_val(), count);
    break;
  default:
    break;
  }
  if (have > count)
    return emitError(loc) << what << " has " << have << " values but " << type
                          << " holds " << count;
  if (!have)
    bytes.assign(count * width, '\0'); // TF: no values means zeros.
  return state.elements.fromBytes(type, ArrayRef<char>(bytes.data(), bytes.size()),
                                  what, blobHint, loc);
}

std::optional<SmallVector<int64_t>> intsOf(Value v) {
  return constantIntsOf(v);
}
std::optional<SmallVector<double>> floatsOf(Value v) {
  return constantFloatsOf(v);
}

//===- Scopes --------------------------------------------------------------===//

namespace {

bool isCallOp(StringRef op) {
  return op == "StatefulPartitionedCall" || op == "PartitionedCall";
}

/// Ops whose outputs are several single tensors, in output-arg order (for
/// "node:arg:index" references in function bodies).
ArrayRef<StringRef> outputArgNames(StringRef op) {
  static const StringRef batchNorm[] = {"y", "batch_mean", "batch_variance",
                                        "reserve_space_1", "reserve_space_2",
                                        "reserve_space_3"};
  static const StringRef topK[] = {"values", "indices"};
  static const StringRef unique[] = {"y", "idx"};
  if (op.starts_with("FusedBatchNorm"))
    return batchNorm;
  if (op == "TopKV2")
    return topK;
  if (op == "Unique")
    return unique;
  return {};
}

} // namespace

bool isStructuralOp(StringRef op) {
  return op == "Placeholder" || op == "PlaceholderWithDefault" ||
         op == "Const" || op == "Identity" || op == "IdentityN" ||
         op == "StopGradient" || op == "Snapshot" || op == "NoOp" ||
         op == "PreventGradient" || op == "CheckNumerics" ||
         op == "EnsureShape" || op == "ReadVariableOp" ||
         op == "VarHandleOp" || isCallOp(op);
}

Scope::Scope(ImportState &state, const tfp::GraphDef &graph) : state(state) {
  for (const tfp::NodeDef &n : graph.node())
    nodes[n.name()] = &n;
}

Scope::Scope(ImportState &state, const tfp::FunctionDef &fn,
             std::string callPath, SmallVector<TfValue> argValues)
    : state(state), function(&fn), path(std::move(callPath)) {
  for (const tfp::NodeDef &n : fn.node_def())
    nodes[n.name()] = &n;
  for (auto [i, arg] : llvm::enumerate(fn.signature().input_arg()))
    if (i < argValues.size())
      args[arg.name()] = argValues[i];
}

const tfp::NodeDef *Scope::findNode(StringRef name) const {
  return nodes.lookup(name);
}

void Scope::bind(StringRef nodeName, TfValue value) {
  done[nodeName] = {value};
}

Location Scope::locOf(StringRef nodeName) const {
  MLIRContext *ctx = &state.ctx;
  return NameLoc::get(StringAttr::get(ctx, path + nodeName.str()),
                      FileLineColLoc::get(ctx, state.sourcePath, 0, 0));
}

FailureOr<TfValue> Scope::tensor(StringRef ref) {
  SmallVector<StringRef, 3> parts;
  ref.split(parts, ':');
  if (parts.size() == 1 && args.count(ref))
    return args[ref];
  StringRef name = parts[0];
  const tfp::NodeDef *node = findNode(name);
  Location loc = locOf(name);
  if (!node)
    return emitError(loc) << "tensor '" << ref << "' names no node"
                          << (function ? " in function '" +
                                             function->signature().name() + "'"
                                       : std::string());
  unsigned index = 0;
  if (parts.size() >= 2 && parts.back().getAsInteger(10, index))
    return emitError(loc) << "malformed tensor reference '" << ref << "'";
  if (parts.size() == 3) {
    ArrayRef<StringRef> argNames = outputArgNames(node->op());
    if (!argNames.empty()) {
      auto it = llvm::find(argNames, parts[1]);
      if (it == argNames.end())
        return emitError(loc) << "node '" << name << "' (" << node->op()
                              << ") has no output '" << parts[1] << "'";
      index += it - argNames.begin();
    } else if (const tfp::FunctionDef *callee =
                   state.functions.lookup(node->op())) {
      // A direct function call: output args are single tensors.
      int pos = 0;
      for (const auto &a : callee->signature().output_arg()) {
        if (a.name() == parts[1])
          break;
        ++pos;
      }
      index += pos;
    }
  }
  auto outs = evaluate(*node);
  if (failed(outs))
    return failure();
  if (index >= outs->size())
    return emitError(loc) << "node '" << name << "' (" << node->op()
                          << ") has no output " << index;
  return (*outs)[index];
}

FailureOr<Value> readVariableValue(ImportState &state, StringRef key,
                                   Location loc, StringRef nodeName) {
  if (Value v = state.variableValues.lookup(key))
    return v;
  if (!state.checkpoint)
    return emitError(loc) << "node '" << nodeName
                          << "' reads a variable but the model has no "
                             "variables checkpoint";
  auto tensor = state.checkpoint->read(key);
  if (!tensor)
    return emitError(loc) << llvm::toString(tensor.takeError());
  Type elem = convertDataType(&state.ctx, tensor->dtype);
  if (!elem)
    return emitError(loc) << "variable '" << key << "' has unsupported "
                          << dataTypeName(tensor->dtype);
  auto type = RankedTensorType::get(tensor->shape, elem);
  auto value = state.elements.fromBytes(
      type, ArrayRef<char>(tensor->data.data(), tensor->data.size()),
      "variable '" + key.str() + "'", key, loc);
  if (failed(value))
    return failure();
  // Constants go to the top of the function body so every scope sees them.
  OpBuilder::InsertionGuard guard(state.builder);
  Block *body = state.builder.getInsertionBlock();
  state.builder.setInsertionPointToStart(body);
  Value v = mlir::kiln::ConstantOp::create(state.builder, loc, *value);
  state.variableValues[key] = v;
  return v;
}

/// Checks that captured input `i` of `fn`, variable object `id`, has a key
/// the checkpoint holds (without a checkpoint, reading it reports that).
static LogicalResult checkVariableKey(ImportState &state, Location loc,
                                      size_t i, StringRef fn, int id,
                                      const VariableRef &var) {
  if (!state.checkpoint ||
      (!var.key.empty() && state.checkpoint->lookup(var.key)))
    return success();
  InFlightDiagnostic diag = emitError(loc);
  diag << "captured input " << i << " of '" << fn << "' is variable '"
       << var.name << "' (object " << id << "), ";
  if (var.key.empty())
    return diag << "which has no VARIABLE_VALUE attribute in the "
                << "checkpoint's object graph";
  return diag << "but its checkpoint key '" << var.key << "' ("
              << (var.fromObjectGraph
                      ? "from the checkpoint's object graph"
                      : "built from its object path; the checkpoint has no "
                        "object graph")
              << ") is not in " << state.checkpoint->indexPath();
}

FailureOr<ArrayRef<TfValue>> Scope::evaluate(const tfp::NodeDef &node) {
  StringRef name = node.name();
  auto it = done.find(name);
  if (it != done.end())
    return ArrayRef<TfValue>(it->second);
  Location loc = locOf(name);
  StringRef op = node.op();
  if (failedNodes.contains(name))
    return failure();
  if (!active.insert(name).second)
    return emitError(loc) << "node '" << path << name
                          << "' depends on itself (a cycle)";
  auto fail = [&]() -> FailureOr<ArrayRef<TfValue>> {
    active.erase(name);
    failedNodes.insert(name);
    return failure();
  };
  auto finish = [&](SmallVector<TfValue> values) -> FailureOr<ArrayRef<TfValue>> {
    active.erase(name);
    done[name] = std::move(values);
    return ArrayRef<TfValue>(done[name]);
  };

  // Calls: arguments are the caller's tensors; captured variables of a
  // SavedModel concrete function come from its bound_inputs.
  const tfp::FunctionDef *callee = nullptr;
  if (isCallOp(op)) {
    auto f = node.attr().find("f");
    if (f == node.attr().end() || !f->second.has_func())
      return emitError(loc) << "node '" << path << name << "' (" << op
                            << ") has no function attribute 'f'",
             fail();
    callee = state.functions.lookup(f->second.func().name());
    if (!callee)
      return emitError(loc) << "node '" << path << name << "' calls unknown "
                            << "function '" << f->second.func().name() << "'",
             fail();
  } else {
    callee = state.functions.lookup(op);
  }

  SmallVector<StringRef> dataInputs;
  for (const std::string &in : node.input())
    if (!StringRef(in).starts_with("^"))
      dataInputs.push_back(in);

  SmallVector<TfValue> inputs(dataInputs.size());
  size_t bound = 0;
  if (callee && !function && state.objectGraph) {
    auto cf = state.objectGraph->concrete_functions().find(
        callee->signature().name());
    if (cf != state.objectGraph->concrete_functions().end())
      bound = std::min<size_t>(cf->second.bound_inputs_size(), inputs.size());
    for (size_t i = 0; i < bound; ++i) {
      int id = cf->second.bound_inputs(i);
      auto var = state.variables.find(id);
      if (var == state.variables.end())
        return emitError(loc) << "captured input " << i << " of '"
                              << callee->signature().name()
                              << "' (object " << id
                              << ") is not a variable in the checkpoint",
               fail();
      if (failed(checkVariableKey(state, loc, i, callee->signature().name(), id,
                                  var->second)))
        return fail();
      inputs[inputs.size() - bound + i].resourceKey = var->second.key;
    }
  }
  // Evaluate every input even after a failure, so one run reports all
  // unsupported ops upstream.
  bool ok = true;
  for (size_t i = 0; i + bound < inputs.size(); ++i) {
    auto v = tensor(dataInputs[i]);
    if (failed(v))
      ok = false;
    else
      inputs[i] = *v;
  }

  if (callee) {
    if (!ok)
      return fail();
    auto scope = std::make_unique<Scope>(state, *callee,
                                         path + name.str() + "/", inputs);
    SmallVector<TfValue> outs;
    for (const auto &arg : callee->signature().output_arg()) {
      auto ret = callee->ret().find(arg.name());
      if (ret == callee->ret().end())
        return emitError(loc) << "function '" << callee->signature().name()
                              << "' does not define output '" << arg.name()
                              << "'",
               fail();
      auto v = scope->tensor(ret->second);
      if (failed(v))
        return fail();
      outs.push_back(*v);
    }
    calls[name] = std::move(scope);
    return finish(std::move(outs));
  }

  // Unsupported ops are collected even below a failed input, so one error
  // lists them all.
  if (!callee && !isStructuralOp(op) && !lookupConverter(op)) {
    std::string where = "'" + path + name.str() + "'";
    if (function)
      where += " in function '" + function->signature().name() + "'";
    state.unsupported[op.str()].push_back(where);
    return fail();
  }
  if (op == "Placeholder" || op == "PlaceholderWithDefault") {
    if (op == "PlaceholderWithDefault" && ok && !inputs.empty())
      return finish({inputs[0]});
    return emitError(loc) << "Placeholder '" << path << name
                          << "' is not a model input (not in the signature "
                             "or --inputs)",
           fail();
  }
  if (op == "Const") {
    auto value = node.attr().find("value");
    if (value == node.attr().end() || !value->second.has_tensor())
      return emitError(loc) << "Const '" << path << name
                            << "' has no tensor 'value'",
             fail();
    auto attr = importTensor(state, value->second.tensor(),
                             "Const '" + path + name.str() + "'", name, loc);
    if (failed(attr))
      return fail();
    return finish({{mlir::kiln::ConstantOp::create(state.builder, loc, *attr),
                    ""}});
  }
  if (!ok)
    return fail();
  if (op == "NoOp")
    return finish({});
  if (op == "IdentityN")
    return finish(inputs);
  if (op == "Identity" || op == "StopGradient" || op == "Snapshot" ||
      op == "PreventGradient" || op == "CheckNumerics" || op == "EnsureShape") {
    if (inputs.empty())
      return emitError(loc) << op << " '" << path << name
                            << "' has no input",
             fail();
    return finish({inputs[0]});
  }
  if (op == "ReadVariableOp") {
    if (inputs.empty() || !inputs[0].isResource())
      return emitError(loc) << "ReadVariableOp '" << path << name
                            << "' does not read a captured variable",
             fail();
    auto v = readVariableValue(state, inputs[0].resourceKey, loc, name);
    if (failed(v))
      return fail();
    return finish({{*v, ""}});
  }
  if (op == "VarHandleOp")
    return emitError(loc) << "variable handle '" << path << name
                          << "' is not captured by a SavedModel function; "
                             "freeze the graph or export a SavedModel",
           fail();

  ConvertFn convert = lookupConverter(op);
  if (!convert)
    return fail();
  NodeImporter importer(*this, node, inputs);
  if (failed(convert(importer)))
    return fail();
  return finish(std::move(importer.results));
}

//===- NodeImporter --------------------------------------------------------===//

NodeImporter::NodeImporter(Scope &scope, const tfp::NodeDef &node,
                           SmallVector<TfValue> inputs)
    : scope(scope), node(node), loc(scope.locOf(node.name())),
      inputs(std::move(inputs)) {}

InFlightDiagnostic NodeImporter::emitError() const {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << scope.path << node.name() << "' (" << node.op() << "): ";
  return diag;
}

LogicalResult NodeImporter::checkNumInputs(unsigned min, unsigned max) const {
  unsigned n = inputs.size();
  if (n >= min && n <= max)
    return success();
  if (min == max)
    return emitError() << "expects " << min << " inputs, got " << n;
  return emitError() << "expects " << min << " to " << max << " inputs, got "
                     << n;
}

RankedTensorType NodeImporter::inputType(unsigned i) const {
  return dyn_cast_or_null<RankedTensorType>(
      inputs[i].value ? inputs[i].value.getType() : Type());
}

FailureOr<SmallVector<int64_t>>
NodeImporter::constantInts(unsigned i, StringRef what) const {
  if (auto ints = intsOf(input(i)))
    return *ints;
  return emitError() << what << " (input " << i
                     << ") must be a constant; kiln folds shape arithmetic "
                        "only when every shape is static";
}

FailureOr<SmallVector<double>>
NodeImporter::constantFloats(unsigned i, StringRef what) const {
  if (auto values = floatsOf(input(i)))
    return *values;
  return emitError() << what << " (input " << i << ") must be a constant";
}

const tfp::AttrValue *NodeImporter::attr(StringRef name) const {
  auto it = node.attr().find(name.str());
  return it == node.attr().end() ? nullptr : &it->second;
}

int64_t NodeImporter::getInt(StringRef name, int64_t dflt) const {
  const tfp::AttrValue *a = attr(name);
  return a && a->value_case() == tfp::AttrValue::kI ? a->i() : dflt;
}

float NodeImporter::getFloat(StringRef name, float dflt) const {
  const tfp::AttrValue *a = attr(name);
  return a && a->value_case() == tfp::AttrValue::kF ? a->f() : dflt;
}

bool NodeImporter::getBool(StringRef name, bool dflt) const {
  const tfp::AttrValue *a = attr(name);
  return a && a->value_case() == tfp::AttrValue::kB ? a->b() : dflt;
}

std::string NodeImporter::getString(StringRef name, StringRef dflt) const {
  const tfp::AttrValue *a = attr(name);
  return a && a->value_case() == tfp::AttrValue::kS ? a->s() : dflt.str();
}

SmallVector<int64_t> NodeImporter::getInts(StringRef name) const {
  SmallVector<int64_t> out;
  if (const tfp::AttrValue *a = attr(name))
    out.assign(a->list().i().begin(), a->list().i().end());
  return out;
}

Type NodeImporter::getType(StringRef name) const {
  const tfp::AttrValue *a = attr(name);
  if (!a || a->value_case() != tfp::AttrValue::kType) {
    emitError() << "missing type attribute '" << name << "'";
    return {};
  }
  Type t = convertDataType(getContext(), a->type());
  if (!t)
    emitError() << "unsupported " << dataTypeName(a->type());
  return t;
}

FailureOr<Value> NodeImporter::create(StringRef opName, ValueRange operands,
                                      ArrayRef<NamedAttribute> attrs,
                                      Type resultType) const {
  return createKilnOp(builder(), loc, opName, operands, attrs, resultType,
                      [&] { return emitError(); });
}

FailureOr<Value> NodeImporter::reshape(Value v, ArrayRef<int64_t> shape) const {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return create("kiln.reshape", v, {},
                RankedTensorType::get(shape, type.getElementType()));
}

Value NodeImporter::constant(ElementsAttr value) const {
  return mlir::kiln::ConstantOp::create(builder(), loc, value);
}

Value NodeImporter::constantInts(ArrayRef<int64_t> values, Type elementType,
                                 ArrayRef<int64_t> shape) const {
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(elementType.getIntOrFloatBitWidth(), v, true));
  return constant(cast<ElementsAttr>(DenseElementsAttr::get(type, ints)));
}

NamedAttribute NodeImporter::named(StringRef name, Attribute value) const {
  return NamedAttribute(StringAttr::get(getContext(), name), value);
}

LogicalResult NodeImporter::single(FailureOr<Value> value) {
  if (failed(value))
    return failure();
  results.push_back({*value, ""});
  return success();
}

} // namespace kiln::tf
