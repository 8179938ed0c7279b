// Raw tensor bytes -> inline DenseElementsAttr or DenseResourceElementsAttr.
#include "compiler/frontends/common/Elements.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace kiln {

std::string ElementsBuilder::uniqueBlobName(StringRef hint) {
  std::string base;
  for (char c : hint)
    base.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (base.empty() || llvm::isDigit(base.front()))
    base.insert(base.begin(), '_');
  std::string name = base;
  for (unsigned i = 1; !blobNames.insert(name).second; ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

FailureOr<ElementsAttr> ElementsBuilder::fromBytes(RankedTensorType type,
                                                   ArrayRef<char> bytes,
                                                   StringRef what,
                                                   StringRef blobHint,
                                                   Location loc) {
  Type elem = type.getElementType();
  int64_t n = type.getNumElements();
  int64_t width = elem.isInteger(1) ? 1 : elem.getIntOrFloatBitWidth() / 8;
  if (static_cast<int64_t>(bytes.size()) != n * width)
    return emitError(loc) << what << " has " << bytes.size() << " bytes but "
                          << type << " needs " << n * width;
  if (n > kMaxInlineElements && !elem.isInteger(1)) {
    size_t align = std::max<size_t>(width, alignof(int64_t));
    return cast<ElementsAttr>(DenseResourceElementsAttr::get(
        type, uniqueBlobName(blobHint),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, align,
                                                      /*dataIsMutable=*/false)));
  }
  if (elem.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, splat))
    return emitError(loc) << what << " has data that does not fit " << type;
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
}

} // namespace kiln
