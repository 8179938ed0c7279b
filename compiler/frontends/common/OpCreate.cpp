// Verified generic op creation and constant reading for the importers.
#include "compiler/frontends/common/OpCreate.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <cstring>

using namespace mlir;

namespace kiln {

FailureOr<Value> createKilnOp(OpBuilder &builder, Location loc,
                              StringRef opName, ValueRange operands,
                              ArrayRef<NamedAttribute> attrs, Type resultType,
                              function_ref<InFlightDiagnostic()> emitError) {
  MLIRContext *ctx = builder.getContext();
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attrs);
  // A placeholder until inference has run; nothing reads it before then.
  state.addTypes(resultType ? resultType : NoneType::get(ctx));
  Operation *op = builder.create(state);

  // Inference and the verifier report through emitOptionalError on `loc`;
  // collect their messages into one error that names the node.
  std::string messages;
  bool ok = true;
  {
    ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      if (!messages.empty())
        messages += "; ";
      messages += diag.str();
      for (const Diagnostic &note : diag.getNotes())
        if (!StringRef(note.str()).starts_with("see current operation"))
          messages += " (" + note.str() + ")";
      return success();
    });
    if (!resultType) {
      auto infer = dyn_cast<InferTypeOpInterface>(op);
      SmallVector<Type, 1> types;
      if (!infer || op->getNumResults() != 1) {
        ok = false;
        messages = "internal error: '" + opName.str() +
                   "' needs an explicit result type";
      } else if (failed(infer.inferReturnTypes(
                     ctx, loc, op->getOperands(), op->getRawDictionaryAttrs(),
                     op->getPropertiesStorage(), op->getRegions(), types)) ||
                 types.size() != 1) {
        ok = false;
      } else {
        op->getResult(0).setType(types.front());
      }
    }
    if (ok && failed(mlir::verify(op, /*verifyRecursively=*/false)))
      ok = false;
  }
  if (ok)
    return op->getResult(0);
  op->erase();
  if (messages.empty())
    messages = "cannot build '" + opName.str() + "' from these operands";
  return emitError() << messages;
}

namespace {

ElementsAttr constantValue(Value v) {
  Operation *def = v ? v.getDefiningOp() : nullptr;
  while (def && isa<mlir::kiln::IdentityOp>(def))
    def = def->getOperand(0).getDefiningOp();
  auto constant = dyn_cast_or_null<mlir::kiln::ConstantOp>(def);
  return constant ? constant.getValue() : ElementsAttr();
}

/// Raw bytes of a resource-backed constant, or empty.
ArrayRef<char> resourceBytes(ElementsAttr value) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource || !resource.getRawHandle().getBlob())
    return {};
  return resource.getRawHandle().getBlob()->getData();
}

} // namespace

std::optional<SmallVector<int64_t>> constantIntsOf(Value v) {
  ElementsAttr value = constantValue(v);
  if (!value)
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(value.getElementType());
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> out;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    for (const APInt &x : dense.getValues<APInt>())
      out.push_back(intType.getWidth() == 1 ? int64_t(x.getZExtValue())
                                            : x.getSExtValue());
    return out;
  }
  ArrayRef<char> bytes = resourceBytes(value);
  unsigned width = intType.getWidth() == 1 ? 1 : intType.getWidth() / 8;
  if (bytes.empty() || width > 8)
    return std::nullopt;
  for (size_t pos = 0; pos + width <= bytes.size(); pos += width) {
    uint64_t raw = 0;
    std::memcpy(&raw, bytes.data() + pos, width);
    unsigned bits = width * 8;
    int64_t x = bits == 64 ? int64_t(raw)
                           : int64_t(raw << (64 - bits)) >> (64 - bits);
    out.push_back(x);
  }
  return out;
}

std::optional<SmallVector<double>> constantFloatsOf(Value v) {
  ElementsAttr value = constantValue(v);
  if (!value)
    return std::nullopt;
  if (isa<IntegerType>(value.getElementType())) {
    auto ints = constantIntsOf(v);
    if (!ints)
      return std::nullopt;
    return SmallVector<double>(ints->begin(), ints->end());
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(value);
  if (!dense)
    return std::nullopt;
  SmallVector<double> out;
  for (const APFloat &x : dense.getValues<APFloat>())
    out.push_back(x.convertToDouble());
  return out;
}

} // namespace kiln
