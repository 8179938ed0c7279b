// NodeImporter: typed access to one ONNX node's inputs and attributes, and
// generic op creation (OperationState + InferTypeOpInterface + verify) so a
// bad model yields a diagnostic naming the node instead of an assertion.
#include "compiler/frontends/onnx/OnnxInternal.h"
#include "compiler/frontends/common/OpCreate.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using onnx::AttributeProto;

namespace kiln::onnximport {

NodeImporter::NodeImporter(GraphState &graph, const onnx::NodeProto &node,
                           StringRef name, Location loc)
    : graph(graph), node(node), name(name.str()), loc(loc) {
  results.resize(node.output_size());
}

InFlightDiagnostic NodeImporter::emitError() const {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << name << "' (" << node.op_type() << "): ";
  return diag;
}

//===- Inputs ------------------------------------------------------------===//

LogicalResult NodeImporter::checkNumInputs(unsigned min, unsigned max) const {
  unsigned n = node.input_size();
  // Trailing empty names are absent optional inputs.
  while (n > 0 && node.input(n - 1).empty())
    --n;
  if (n >= min && static_cast<unsigned>(node.input_size()) <= max)
    return success();
  auto diag = emitError() << "expects ";
  if (min == max)
    diag << min;
  else if (max == ~0u)
    diag << "at least " << min;
  else
    diag << min << " to " << max;
  return diag << " inputs, got " << node.input_size();
}

bool NodeImporter::hasInput(unsigned i) const {
  return i < static_cast<unsigned>(node.input_size()) && !node.input(i).empty();
}

Value NodeImporter::input(unsigned i) const {
  if (!hasInput(i))
    return {};
  return graph.values.lookup(node.input(i));
}

RankedTensorType NodeImporter::inputType(unsigned i) const {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

bool NodeImporter::isUnsigned(unsigned i) const {
  Value v = input(i);
  return v && graph.unsignedValues.contains(v);
}

SmallVector<NamedAttribute> NodeImporter::signAttrs(unsigned i) const {
  if (!isUnsigned(i))
    return {};
  return {attr("is_unsigned", UnitAttr::get(getContext()))};
}

/// The value of a kiln.constant result (through kiln.identity), or null.
static ElementsAttr constantValue(Value v) {
  Operation *def = v.getDefiningOp();
  while (def && isa<mlir::kiln::IdentityOp>(def))
    def = def->getOperand(0).getDefiningOp();
  auto constant = dyn_cast_or_null<mlir::kiln::ConstantOp>(def);
  return constant ? constant.getValue() : ElementsAttr();
}

/// The bytes of a dense resource value, or an empty array.
static ArrayRef<char> resourceBytes(ElementsAttr value) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource || !resource.getRawHandle().getBlob())
    return {};
  return resource.getRawHandle().getBlob()->getData();
}

/// Integer values of a kiln.constant result (through kiln.identity).
static std::optional<SmallVector<int64_t>> intsOf(Value v) {
  return ::kiln::constantIntsOf(v);
}

/// Float (or integer) values of a kiln.constant result as doubles, or
/// nullopt when `v` is not such a constant.
static std::optional<SmallVector<double>> floatsOf(Value v) {
  if (auto ints = intsOf(v))
    return SmallVector<double>(ints->begin(), ints->end());
  ElementsAttr value = constantValue(v);
  if (!value || !isa<FloatType>(value.getElementType()))
    return std::nullopt;
  SmallVector<double> out;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(value)) {
    for (const APFloat &x : dense.getValues<APFloat>()) {
      APFloat wide = x;
      bool lost;
      wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(wide.convertToDouble());
    }
    return out;
  }
  ArrayRef<char> bytes = resourceBytes(value);
  Type t = value.getElementType();
  if (bytes.empty() || !(t.isF32() || t.isF64()))
    return std::nullopt;
  unsigned width = t.isF32() ? 4 : 8;
  for (size_t pos = 0; pos + width <= bytes.size(); pos += width) {
    if (width == 4) {
      float x;
      std::memcpy(&x, bytes.data() + pos, 4);
      out.push_back(x);
    } else {
      double x;
      std::memcpy(&x, bytes.data() + pos, 8);
      out.push_back(x);
    }
  }
  return out;
}

FailureOr<Sequence> NodeImporter::sequenceInput(unsigned i) const {
  if (!hasInput(i))
    return emitError() << "missing sequence input " << i;
  auto it = graph.sequences.find(node.input(i));
  if (it == graph.sequences.end())
    return emitError() << "input " << i << " ('" << node.input(i)
                       << "') is a tensor, but " << node.op_type()
                       << " expects a sequence";
  return it->second;
}

FailureOr<SmallVector<int64_t>>
NodeImporter::constantInts(unsigned i, StringRef what) const {
  Value v = input(i);
  if (!v)
    return emitError() << "missing " << what << " input " << i;
  if (auto ints = intsOf(v))
    return *ints;
  if (auto ints = foldInts(v))
    return *ints;
  return emitError() << what << " input " << i << " ('" << node.input(i)
                     << "') must be an integer constant (initializer or "
                        "Constant node); kiln needs static shapes";
}

FailureOr<SmallVector<double>>
NodeImporter::constantFloats(unsigned i, StringRef what) const {
  Value v = input(i);
  if (!v)
    return emitError() << "missing " << what << " input " << i;
  if (auto floats = floatsOf(v))
    return *floats;
  if (auto floats = foldFloats(v))
    return *floats;
  return emitError() << what << " input " << i << " ('" << node.input(i)
                     << "') must be a constant (initializer or Constant "
                        "node)";
}

//===- Attributes --------------------------------------------------------===//

const AttributeProto *NodeImporter::findAttr(StringRef attrName) const {
  for (const AttributeProto &a : node.attribute())
    if (a.name() == attrName)
      return &a;
  return nullptr;
}

/// The attribute's kind; models from before IR version 2 leave `type` unset,
/// so fall back to which field is filled.
static AttributeProto::AttributeType kindOf(const AttributeProto &a) {
  if (a.type() != AttributeProto::UNDEFINED)
    return a.type();
  if (a.has_f())
    return AttributeProto::FLOAT;
  if (a.has_i())
    return AttributeProto::INT;
  if (a.has_s())
    return AttributeProto::STRING;
  if (a.has_t())
    return AttributeProto::TENSOR;
  if (a.floats_size())
    return AttributeProto::FLOATS;
  if (a.ints_size())
    return AttributeProto::INTS;
  if (a.strings_size())
    return AttributeProto::STRINGS;
  return AttributeProto::UNDEFINED;
}

static const char *kindName(AttributeProto::AttributeType type) {
  switch (type) {
  case AttributeProto::FLOAT:
    return "a float";
  case AttributeProto::INT:
    return "an int";
  case AttributeProto::STRING:
    return "a string";
  case AttributeProto::TENSOR:
    return "a tensor";
  case AttributeProto::FLOATS:
    return "a list of floats";
  case AttributeProto::INTS:
    return "a list of ints";
  case AttributeProto::STRINGS:
    return "a list of strings";
  default:
    return "another kind";
  }
}

const AttributeProto *
NodeImporter::findTypedAttr(StringRef attrName,
                            AttributeProto::AttributeType type,
                            LogicalResult &status) const {
  status = success();
  const AttributeProto *a = findAttr(attrName);
  if (!a)
    return nullptr;
  AttributeProto::AttributeType kind = kindOf(*a);
  // An empty list has no filled field to tell its kind by.
  bool emptyList =
      kind == AttributeProto::UNDEFINED &&
      (type == AttributeProto::INTS || type == AttributeProto::FLOATS);
  if (kind != type && !emptyList) {
    status = emitError() << "attribute '" << attrName << "' must be "
                         << kindName(type) << ", got " << kindName(kind);
    return nullptr;
  }
  return a;
}

LogicalResult NodeImporter::getInt(StringRef attrName, int64_t &out) const {
  if (!findAttr(attrName))
    return emitError() << "missing required attribute '" << attrName << "'";
  return getInt(attrName, out, 0);
}

LogicalResult NodeImporter::getInt(StringRef attrName, int64_t &out,
                                   int64_t dflt) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::INT, status);
  out = a ? a->i() : dflt;
  return status;
}

LogicalResult NodeImporter::getFloat(StringRef attrName, float &out,
                                     float dflt) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::FLOAT, status);
  out = a ? a->f() : dflt;
  return status;
}

LogicalResult NodeImporter::getString(StringRef attrName, std::string &out,
                                      StringRef dflt) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::STRING, status);
  out = a ? a->s() : dflt.str();
  return status;
}

LogicalResult NodeImporter::getInts(StringRef attrName,
                                    SmallVectorImpl<int64_t> &out) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::INTS, status);
  if (a)
    out.assign(a->ints().begin(), a->ints().end());
  return status;
}

LogicalResult NodeImporter::getFloats(StringRef attrName,
                                      SmallVectorImpl<float> &out) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::FLOATS, status);
  if (a)
    out.assign(a->floats().begin(), a->floats().end());
  return status;
}

LogicalResult NodeImporter::getStrings(StringRef attrName,
                                       SmallVectorImpl<std::string> &out) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::STRINGS, status);
  if (a)
    out.assign(a->strings().begin(), a->strings().end());
  return status;
}

FailureOr<ElementsAttr> NodeImporter::getTensor(StringRef attrName) const {
  LogicalResult status = success();
  const AttributeProto *a =
      findTypedAttr(attrName, AttributeProto::TENSOR, status);
  if (failed(status))
    return failure();
  if (!a)
    return ElementsAttr();
  std::string what = "node '" + name + "' (" + node.op_type() +
                     ") attribute '" + attrName.str() + "'";
  std::string hint = node.output_size() ? node.output(0) : name;
  return graph.tensors.import(a->t(), what, hint, loc);
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what,
                                               bool inclusive) const {
  if (axis < -rank || axis > (inclusive ? rank : rank - 1))
    return emitError() << what << " " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}

//===- Building ----------------------------------------------------------===//

NamedAttribute NodeImporter::attr(StringRef attrName, Attribute value) const {
  return NamedAttribute(StringAttr::get(getContext(), attrName), value);
}

FailureOr<Value> NodeImporter::constant(ElementsAttr value) const {
  return create("kiln.constant", {}, {attr("value", value)});
}

FailureOr<Value> NodeImporter::scalar(Type elementType, double v) const {
  auto type = RankedTensorType::get({}, elementType);
  if (auto f = dyn_cast<FloatType>(elementType)) {
    APFloat value(v);
    bool lost;
    value.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return constant(DenseElementsAttr::get(type, value));
  }
  auto i = cast<IntegerType>(elementType);
  // Signed or unsigned, the value must fit the width (the conversion to
  // int64_t is undefined for anything outside [-2^63, 2^63), NaN included).
  unsigned w = i.getWidth();
  double lo = -std::ldexp(1.0, w - 1), hi = std::ldexp(1.0, w < 64 ? w : 63);
  if (!(v >= lo && v < hi))
    return emitError() << "value " << v << " does not fit in " << elementType;
  return constant(DenseElementsAttr::get(
      type, APInt(w, static_cast<int64_t>(v), /*isSigned=*/true,
                  /*implicitTrunc=*/true)));
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

//===- Outputs -----------------------------------------------------------===//

void NodeImporter::setResultUnsigned(unsigned i, bool isUnsigned) {
  if (resultSigns.size() <= i)
    resultSigns.resize(i + 1);
  resultSigns[i] = isUnsigned;
}

LogicalResult NodeImporter::checkUnusedOutputsFrom(unsigned count) const {
  for (int i = count; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    if (!out.empty() && graph.used.contains(out))
      return emitError() << "output " << i << " ('" << out
                         << "') is used, but kiln imports only the first "
                         << count << " output" << (count == 1 ? "" : "s")
                         << " of " << node.op_type();
  }
  return success();
}

void NodeImporter::setResult(unsigned i, Value v) {
  if (i < results.size())
    results[i] = v;
}

void NodeImporter::setSequenceResult(unsigned i, Sequence s) {
  if (i >= results.size())
    return;
  if (sequenceResults.size() <= i)
    sequenceResults.resize(i + 1);
  sequenceResults[i] = std::move(s);
}

} // namespace kiln::onnximport
