// kiln-abi-flatten-constants: nested-array constant globals -> flat arrays,
// so LLVM keeps each weight as one ConstantDataArray.
#include "codegen/common/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#define DEBUG_TYPE "kiln-abi-flatten-constants"

namespace mlir::kiln {
#define GEN_PASS_DEF_FLATTENCONSTANTS
#include "codegen/common/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Element type and count of a (possibly nested) LLVM array type.
std::pair<Type, int64_t> flatten(LLVM::LLVMArrayType type) {
  int64_t count = type.getNumElements();
  Type elem = type.getElementType();
  while (auto inner = dyn_cast<LLVM::LLVMArrayType>(elem)) {
    count *= inner.getNumElements();
    elem = inner.getElementType();
  }
  return {elem, count};
}

struct FlattenConstantsPass
    : mlir::kiln::impl::FlattenConstantsBase<FlattenConstantsPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      auto type = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      if (!type || !isa<LLVM::LLVMArrayType>(type.getElementType()))
        return;
      auto value = dyn_cast_or_null<ElementsAttr>(global.getValueOrNull());
      if (!value || !value.getShapedType().hasStaticShape())
        return;
      auto [elem, count] = flatten(type);
      auto flatShape = RankedTensorType::get(
          {value.getShapedType().getNumElements()}, value.getElementType());
      if (flatShape.getNumElements() != count)
        return;
      Attribute flat;
      if (auto dense = dyn_cast<DenseElementsAttr>(value))
        flat = dense.reshape(flatShape);
      else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
        flat = DenseResourceElementsAttr::get(flatShape, res.getRawHandle());
      else
        return;
      global.setGlobalTypeAttr(
          TypeAttr::get(LLVM::LLVMArrayType::get(elem, count)));
      global.setValueAttr(flat);
    });
  }
};

} // namespace
