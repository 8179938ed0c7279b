// ONNX Einsum with one or two operands, decomposed into kiln ops: a label
// repeated within an operand takes the diagonal (select with an identity
// mask, then reduce_sum), labels no one else needs are summed out, and two
// operands meet in one batched kiln.matmul between transposes and
// reshapes ([batch, lhs-only, contracted] x [batch, contracted, rhs-only]).
#include "compiler/frontends/onnx/OnnxIndexOps.h"

#include "dialects/kiln/KilnDialect.h"

#include <cctype>
#include <map>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// A letter's code, or kEllipsis + k for dim k of the broadcast "..." dims
/// (counted so that the last ellipsis dim of every term is the same label).
constexpr int kEllipsis = 1000;
using Labels = SmallVector<int>;

/// One term's labels for an operand of `rank` dims (or, for the output,
/// `rank` = -1 and `ellipsisDims` from the inputs).
FailureOr<Labels> parseTerm(NodeImporter &n, StringRef term, int64_t rank,
                            int64_t &ellipsisDims) {
  Labels labels;
  size_t dots = term.find("...");
  int64_t letters = 0;
  for (char c : term)
    if (std::isalpha(static_cast<unsigned char>(c)))
      ++letters;
    else if (c != '.')
      return n.emitError() << "unexpected character '" << c
                           << "' in equation term '" << term << "'";
  int64_t ellipsis = 0;
  if (dots != StringRef::npos) {
    ellipsis = rank < 0 ? ellipsisDims : rank - letters;
    if (ellipsis < 0)
      return n.emitError() << "term '" << term << "' has more labels than "
                           << "its operand has dims (" << rank << ")";
    if (rank >= 0)
      ellipsisDims = std::max(ellipsisDims, ellipsis);
  } else if (rank >= 0 && letters != rank) {
    return n.emitError() << "term '" << term << "' has " << letters
                         << " labels but its operand has rank " << rank;
  }
  for (size_t i = 0; i < term.size(); ++i) {
    if (term[i] != '.') {
      labels.push_back(term[i]);
      continue;
    }
    if (term.substr(i, 3) != "...")
      return n.emitError() << "stray '.' in equation term '" << term << "'";
    for (int64_t k = 0; k < ellipsis; ++k)
      labels.push_back(kEllipsis - ellipsis + k);
    i += 2;
  }
  return labels;
}

/// An operand being rewritten, with one label per dim.
struct Term {
  Value value;
  Labels labels;
  ArrayRef<int64_t> shape() const {
    return cast<RankedTensorType>(value.getType()).getShape();
  }
};

FailureOr<Value> reduceSum(NodeImporter &n, Value v, ArrayRef<int64_t> axes) {
  Builder b(n.getContext());
  return n.create("kiln.reduce_sum", v,
                  {n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                   n.attr("keep_dims", b.getBoolAttr(false))});
}

FailureOr<Value> transpose(NodeImporter &n, Value v, ArrayRef<int64_t> perm) {
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= static_cast<int64_t>(i) == p;
  if (identity)
    return v;
  Builder b(n.getContext());
  return n.create("kiln.transpose", v,
                  {n.attr("perm", b.getDenseI64ArrayAttr(perm))});
}

/// The permutation that orders `t`'s dims as `order` (a permutation of its
/// labels) and the transposed value.
FailureOr<Value> arrange(NodeImporter &n, const Term &t, ArrayRef<int> order) {
  SmallVector<int64_t> perm;
  for (int label : order)
    perm.push_back(llvm::find(t.labels, label) - t.labels.begin());
  return transpose(n, t.value, perm);
}

/// Takes diagonals of repeated labels, then sums out the labels that
/// `keep` does not hold.
LogicalResult simplify(NodeImporter &n, Term &t, function_ref<bool(int)> keep) {
  for (size_t p = 0; p < t.labels.size(); ++p) {
    for (size_t q = p + 1; q < t.labels.size(); ++q) {
      if (t.labels[q] != t.labels[p])
        continue;
      int64_t size = t.shape()[p];
      if (t.shape()[q] != size)
        return n.emitError() << "label '" << char(t.labels[p])
                             << "' repeats over dims of sizes " << size
                             << " and " << t.shape()[q];
      int64_t rank = t.labels.size();
      SmallVector<int64_t> maskShape(rank, 1);
      maskShape[p] = maskShape[q] = size;
      SmallVector<bool> eye;
      for (int64_t i = 0; i < size; ++i)
        for (int64_t j = 0; j < size; ++j)
          eye.push_back(i == j);
      Type element = cast<RankedTensorType>(t.value.getType()).getElementType();
      auto mask = n.constant(DenseElementsAttr::get(
          RankedTensorType::get(maskShape, IntegerType::get(n.getContext(), 1)),
          eye));
      auto diag = selectOp(n, mask, t.value, n.scalar(element, 0.0));
      if (failed(diag))
        return failure();
      auto reduced = reduceSum(n, *diag, {static_cast<int64_t>(q)});
      if (failed(reduced))
        return failure();
      t.value = *reduced;
      t.labels.erase(t.labels.begin() + q);
      --q;
    }
  }
  SmallVector<int64_t> axes;
  Labels kept;
  for (auto [i, label] : llvm::enumerate(t.labels)) {
    if (keep(label))
      kept.push_back(label);
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return success();
  auto reduced = reduceSum(n, t.value, axes);
  if (failed(reduced))
    return failure();
  t.value = *reduced;
  t.labels = kept;
  return success();
}

/// Size of `label` in `t`.
int64_t sizeOf(const Term &t, int label) {
  return t.shape()[llvm::find(t.labels, label) - t.labels.begin()];
}

LogicalResult convertEinsum(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 2)))
    return failure();
  std::string equation;
  if (failed(n.getString("equation", equation, "")))
    return failure();
  std::string compact;
  for (char c : equation)
    if (!std::isspace(static_cast<unsigned char>(c)))
      compact += c;
  StringRef eq(compact);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> inputs;
  lhs.split(inputs, ',');
  if (static_cast<int>(inputs.size()) != n.node.input_size())
    return n.emitError() << "equation '" << equation << "' names "
                         << inputs.size() << " operands, the node has "
                         << n.node.input_size();

  int64_t ellipsisDims = 0;
  SmallVector<Term> terms;
  for (auto [i, term] : llvm::enumerate(inputs)) {
    auto labels = parseTerm(n, term, n.inputType(i).getRank(), ellipsisDims);
    if (failed(labels))
      return failure();
    terms.push_back(Term{n.input(i), *labels});
  }
  Labels out;
  if (explicitOutput) {
    auto labels = parseTerm(n, rhs, -1, ellipsisDims);
    if (failed(labels))
      return failure();
    out = *labels;
  } else {
    // Implicit output: the ellipsis dims, then the letters used once, in
    // alphabetical order.
    std::map<int, int> uses;
    for (const Term &t : terms)
      for (int label : t.labels)
        ++uses[label];
    for (int64_t k = 0; k < ellipsisDims; ++k)
      out.push_back(kEllipsis - ellipsisDims + k);
    for (auto [label, count] : uses)
      if (count == 1 && label < kEllipsis - ellipsisDims)
        out.push_back(label);
  }
  for (int label : out)
    if (llvm::none_of(terms, [&](const Term &t) {
          return llvm::is_contained(t.labels, label);
        }))
      return n.emitError() << "output label '" << char(label)
                           << "' is not an input label";

  for (size_t i = 0; i < terms.size(); ++i) {
    auto needed = [&](int label) {
      if (llvm::is_contained(out, label))
        return true;
      for (size_t j = 0; j < terms.size(); ++j)
        if (j != i && llvm::is_contained(terms[j].labels, label))
          return true;
      return false;
    };
    if (failed(simplify(n, terms[i], needed)))
      return failure();
  }
  if (terms.size() == 1)
    return single(n, arrange(n, terms[0], out));

  const Term &a = terms[0], &b = terms[1];
  if (!isa<FloatType>(n.inputType(0).getElementType()))
    return n.emitError() << "two-operand Einsum supports float operands only";
  Labels batch, contracted, aOnly, bOnly;
  for (int label : a.labels) {
    bool inB = llvm::is_contained(b.labels, label);
    if (!inB)
      aOnly.push_back(label);
    else if (llvm::is_contained(out, label))
      batch.push_back(label);
    else
      contracted.push_back(label);
  }
  for (int label : b.labels)
    if (!llvm::is_contained(a.labels, label))
      bOnly.push_back(label);
  for (int label : llvm::concat<int>(batch, contracted))
    if (sizeOf(a, label) != sizeOf(b, label))
      return n.emitError() << "label '" << char(label) << "' has size "
                           << sizeOf(a, label) << " in one operand and "
                           << sizeOf(b, label) << " in the other";
  auto sizes = [](const Term &t, ArrayRef<int> labels) {
    int64_t p = 1;
    for (int label : labels)
      p *= sizeOf(t, label);
    return p;
  };
  int64_t bs = sizes(a, batch), m = sizes(a, aOnly), k = sizes(a, contracted),
          ns = sizes(b, bOnly);
  Labels aOrder(batch), bOrder(batch), resultLabels(batch);
  llvm::append_range(aOrder, aOnly);
  llvm::append_range(aOrder, contracted);
  llvm::append_range(bOrder, contracted);
  llvm::append_range(bOrder, bOnly);
  llvm::append_range(resultLabels, aOnly);
  llvm::append_range(resultLabels, bOnly);
  auto lhsMat = arrange(n, a, aOrder);
  auto rhsMat = arrange(n, b, bOrder);
  if (failed(lhsMat) || failed(rhsMat))
    return failure();
  auto product = binaryOp(n, "kiln.matmul", n.reshape(*lhsMat, {bs, m, k}),
                          n.reshape(*rhsMat, {bs, k, ns}));
  if (failed(product))
    return failure();
  SmallVector<int64_t> resultShape;
  for (int label : resultLabels)
    resultShape.push_back(llvm::is_contained(a.labels, label)
                              ? sizeOf(a, label)
                              : sizeOf(b, label));
  auto result = n.reshape(*product, resultShape);
  if (failed(result))
    return failure();
  return single(n, arrange(n, Term{*result, resultLabels}, out));
}

} // namespace

void registerEinsum(OpTable &table) { table["Einsum"] = convertEinsum; }

} // namespace kiln::onnximport
