// ONNX string ops: StringNormalizer, imported as kiln.string_normalizer in
// destination-passing style (its result length depends on the data, so the
// destination has the input's shape as a bound).
#include "compiler/frontends/onnx/OnnxIndexOps.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln::onnximport {
namespace {

LogicalResult convertStringNormalizer(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  RankedTensorType type = n.inputType(0);
  if (!isa<mlir::kiln::StringType>(type.getElementType()))
    return n.emitError() << "input must be a string tensor, got " << type;
  std::string action, locale;
  int64_t caseSensitive;
  SmallVector<std::string> stopwords;
  if (failed(n.getString("case_change_action", action, "NONE")) ||
      failed(n.getInt("is_case_sensitive", caseSensitive, 0)) ||
      failed(n.getString("locale", locale, "")) ||
      failed(n.getStrings("stopwords", stopwords)))
    return failure();
  // kiln changes the case of ASCII letters only, which is what every
  // English locale does to them.
  StringRef loc(locale);
  if (!loc.empty() && loc != "C" && loc != "POSIX" && !loc.starts_with("en"))
    return n.emitError() << "locale '" << locale
                         << "' is not supported (kiln maps ASCII letters "
                            "only; use an English or C locale)";
  MLIRContext *ctx = n.getContext();
  SmallVector<Attribute> words;
  for (const std::string &w : stopwords) {
    // The runtime takes the words NUL-separated.
    if (w.find('\0') != std::string::npos)
      return n.emitError() << "a stopword contains a NUL byte";
    words.push_back(StringAttr::get(ctx, w));
  }
  Value init = tensor::EmptyOp::create(n.builder(), n.loc, type.getShape(),
                                       type.getElementType());
  return single(
      n, n.create("kiln.string_normalizer", {n.input(0), init},
                  {n.attr("case_change_action", StringAttr::get(ctx, action)),
                   n.attr("case_sensitive", BoolAttr::get(ctx, caseSensitive)),
                   n.attr("stopwords", ArrayAttr::get(ctx, words))},
                  type));
}

} // namespace

void registerStringOps(OpTable &table) {
  table["StringNormalizer"] = convertStringNormalizer;
}

} // namespace kiln::onnximport
