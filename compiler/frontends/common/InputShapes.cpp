#include "InputShapes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace kiln {

LogicalResult InputShapes::parse(ArrayRef<std::string> texts, Location loc) {
  for (const std::string &text : texts) {
    auto [name, dims] = StringRef(text).split('=');
    if (name.empty() || !StringRef(text).contains('='))
      return emitError(loc) << "--input-shape '" << text
                            << "': expected name=D0,D1,...";
    Spec spec{text, name.str(), {}, false};
    SmallVector<StringRef> parts;
    dims.split(parts, ',', -1, /*KeepEmpty=*/true);
    if (dims.trim().empty())
      parts.clear(); // "name=" is a scalar.
    for (StringRef p : parts) {
      int64_t d;
      if (p.trim().getAsInteger(10, d) || d < 0)
        return emitError(loc) << "--input-shape '" << text
                              << "': dimensions must be integers >= 0";
      spec.dims.push_back(d);
    }
    if (llvm::any_of(specs,
                     [&](const Spec &s) { return s.name == spec.name; }))
      return emitError(loc) << "--input-shape gives input '" << name
                            << "' twice";
    specs.push_back(std::move(spec));
  }
  return success();
}

FailureOr<bool> InputShapes::bind(StringRef input,
                                  SmallVectorImpl<int64_t> &shape,
                                  bool unknownRank, Location loc) {
  auto it = llvm::find_if(specs, [&](const Spec &s) { return s.name == input; });
  if (it == specs.end())
    return false;
  it->bound = true;
  if (!unknownRank && it->dims.size() != shape.size())
    return emitError(loc) << "--input-shape '" << it->text << "' has rank "
                          << it->dims.size() << " but input '" << input
                          << "' has rank " << shape.size();
  for (size_t i = 0; !unknownRank && i < shape.size(); ++i)
    if (shape[i] >= 0 && shape[i] != it->dims[i])
      return emitError(loc) << "--input-shape '" << it->text
                            << "' conflicts with dimension " << i << " = "
                            << shape[i] << " of input '" << input << "'";
  shape.assign(it->dims.begin(), it->dims.end());
  return true;
}

bool InputShapes::names(StringRef input) const {
  return llvm::any_of(specs, [&](const Spec &s) { return s.name == input; });
}

LogicalResult InputShapes::checkAllBound(ArrayRef<std::string> inputs,
                                         Location loc) const {
  for (const Spec &s : specs) {
    if (s.bound)
      continue;
    auto diag = emitError(loc) << "--input-shape '" << s.text
                               << "' names no graph input; the inputs are ";
    if (inputs.empty())
      diag << "none";
    llvm::interleaveComma(inputs, diag,
                          [&](const std::string &n) { diag << "'" << n << "'"; });
    return diag;
  }
  return success();
}

} // namespace kiln
