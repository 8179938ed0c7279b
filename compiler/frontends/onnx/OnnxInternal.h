// Internals shared by the ONNX importer's files: tensor conversion, the
// per-node helper the op table is written against, and the op table lookup.
// Private to compiler/frontends/onnx; include OnnxImporter.h elsewhere.
#ifndef KILN_COMPILER_FRONTENDS_ONNX_ONNXINTERNAL_H
#define KILN_COMPILER_FRONTENDS_ONNX_ONNXINTERNAL_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <memory>
#include <optional>
#include <string>

namespace kiln::onnximport {

/// Graph initializers and Constant values with more elements than this become
/// dense resources; smaller ones stay DenseElementsAttr so folders see them.
constexpr int64_t kMaxInlineElements = 64;

/// The MLIR element type of an ONNX TensorProto data type, or null when kiln
/// does not import that type.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// True for UINT8/16/32/64, which import as signless integers whose
/// unsignedness the importer tracks (GraphState::unsignedValues).
bool isUnsignedElementType(int32_t onnxType);

/// The ONNX spelling of a data type ("FLOAT", "UINT8") for diagnostics.
std::string elementTypeName(int32_t onnxType);

/// Converts TensorProtos (initializers, Constant values) into ElementsAttrs,
/// reading raw_data, the typed *_data fields or external data files.
class TensorImporter {
public:
  TensorImporter(mlir::MLIRContext &ctx, llvm::StringRef modelPath);

  /// `what` names the tensor in diagnostics ("initializer 'w'"); `blobHint`
  /// seeds the resource blob name of large tensors.
  mlir::FailureOr<mlir::ElementsAttr> import(const onnx::TensorProto &tensor,
                                             const std::string &what,
                                             llvm::StringRef blobHint,
                                             mlir::Location loc);
  /// As import, but a large tensor's raw_data moves into its blob instead of
  /// being copied (the proto is left without it): an initializer's weights
  /// then exist once during the import, not twice.
  mlir::FailureOr<mlir::ElementsAttr> importTaking(onnx::TensorProto &tensor,
                                                   const std::string &what,
                                                   llvm::StringRef blobHint,
                                                   mlir::Location loc);

private:
  mlir::FailureOr<mlir::ElementsAttr> importImpl(const onnx::TensorProto &tensor,
                                                 onnx::TensorProto *owner,
                                                 const std::string &what,
                                                 llvm::StringRef blobHint,
                                                 mlir::Location loc);
  mlir::FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
  readExternal(const onnx::TensorProto &tensor, const std::string &what,
               uint64_t expectedBytes, mlir::Location loc);
  std::string uniqueBlobName(llvm::StringRef hint);

  mlir::MLIRContext &ctx;
  std::string modelDir;
  llvm::StringSet<> blobNames;
};

/// An ONNX sequence, evaluated at import: kiln has no sequence type, so a
/// sequence is the list of its tensors' SSA values (OnnxSequenceOps.cpp).
struct Sequence {
  llvm::SmallVector<mlir::Value> elements;
  /// The tensors' element type (SequenceEmpty's dtype when empty).
  mlir::Type elementType;
};

/// What every node of one graph shares while the graph is imported.
struct GraphState {
  mlir::MLIRContext &ctx;
  mlir::OpBuilder &builder;
  TensorImporter &tensors;
  int64_t opset;
  /// ONNX value name -> SSA value, filled in topological order.
  llvm::StringMap<mlir::Value> values;
  /// ONNX value name -> sequence, for the values sequence ops produce.
  llvm::StringMap<Sequence> sequences;
  /// Names that some node or a graph output reads.
  llvm::StringSet<> used;
  /// Integer values that hold ONNX UINT* data. kiln integers are signless:
  /// converters read this to set `is_unsigned` where signedness matters.
  llvm::DenseSet<mlir::Value> unsignedValues;
};

/// One ONNX node being converted: typed access to its inputs and attributes,
/// op creation with type inference, diagnostics that name the node.
class NodeImporter {
public:
  NodeImporter(GraphState &graph, const onnx::NodeProto &node,
               llvm::StringRef name, mlir::Location loc);

  GraphState &graph;
  const onnx::NodeProto &node;
  /// The node's name, or "<OpType>_<index>" when it has none.
  std::string name;
  mlir::Location loc;

  mlir::MLIRContext *getContext() const { return &graph.ctx; }
  mlir::OpBuilder &builder() const { return graph.builder; }
  int64_t opset() const { return graph.opset; }

  /// An error at the node's location, prefixed "node '<name>' (<OpType>): ".
  mlir::InFlightDiagnostic emitError() const;

  //===- Inputs ----------------------------------------------------------===//

  /// Fails unless the node lists between `min` and `max` inputs.
  mlir::LogicalResult checkNumInputs(unsigned min, unsigned max) const;
  /// True when input `i` is listed with a non-empty name.
  bool hasInput(unsigned i) const;
  /// The value of input `i`, or null when it is absent.
  mlir::Value input(unsigned i) const;
  mlir::RankedTensorType inputType(unsigned i) const;
  /// True when input `i` holds unsigned integers (ONNX UINT*).
  bool isUnsigned(unsigned i) const;
  /// `is_unsigned` when input `i` is unsigned, else nothing: the attribute
  /// of kiln ops whose integer semantics depend on signedness.
  llvm::SmallVector<mlir::NamedAttribute> signAttrs(unsigned i) const;
  /// The sequence input `i` names; fails naming the node when it is absent
  /// or a tensor.
  mlir::FailureOr<Sequence> sequenceInput(unsigned i) const;
  /// The integer contents of input `i`, which must be a constant; `what`
  /// describes it in the error ("shape").
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(unsigned i, llvm::StringRef what) const;
  /// The contents of input `i` as doubles (float or integer elements), which
  /// must be a constant.
  mlir::FailureOr<llvm::SmallVector<double>>
  constantFloats(unsigned i, llvm::StringRef what) const;

  //===- Attributes ------------------------------------------------------===//

  const onnx::AttributeProto *findAttr(llvm::StringRef attrName) const;
  /// Required int attribute.
  mlir::LogicalResult getInt(llvm::StringRef attrName, int64_t &out) const;
  /// Optional attributes: `out` gets `dflt` when absent.
  mlir::LogicalResult getInt(llvm::StringRef attrName, int64_t &out,
                             int64_t dflt) const;
  mlir::LogicalResult getFloat(llvm::StringRef attrName, float &out,
                               float dflt) const;
  mlir::LogicalResult getString(llvm::StringRef attrName, std::string &out,
                                llvm::StringRef dflt) const;
  /// `out` keeps its contents when the attribute is absent.
  mlir::LogicalResult getInts(llvm::StringRef attrName,
                              llvm::SmallVectorImpl<int64_t> &out) const;
  mlir::LogicalResult getFloats(llvm::StringRef attrName,
                                llvm::SmallVectorImpl<float> &out) const;
  mlir::LogicalResult getStrings(llvm::StringRef attrName,
                                 llvm::SmallVectorImpl<std::string> &out) const;
  /// A tensor attribute imported like a Constant's value; null when absent.
  mlir::FailureOr<mlir::ElementsAttr> getTensor(llvm::StringRef attrName) const;

  /// `axis` in [-rank, rank) (or [-rank, rank] with `inclusive`, as Flatten
  /// allows) made non-negative by adding `rank`; `what` names it in errors.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what,
                                         bool inclusive = false) const;

  //===- Building --------------------------------------------------------===//

  /// Creates `opName` generically. Without `resultType` the op's
  /// InferTypeOpInterface computes it. The op is verified on its own; on any
  /// failure it is erased and one error naming the node is reported.
  mlir::FailureOr<mlir::Value>
  create(llvm::StringRef opName, mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attrs = {},
         mlir::Type resultType = {}) const;
  /// kiln.reshape of `v` to `shape` (same element type); a no-op when the
  /// shape already matches.
  mlir::FailureOr<mlir::Value> reshape(mlir::Value v,
                                       llvm::ArrayRef<int64_t> shape) const;
  mlir::NamedAttribute attr(llvm::StringRef attrName,
                            mlir::Attribute value) const;
  /// kiln.constant holding `value`.
  mlir::FailureOr<mlir::Value> constant(mlir::ElementsAttr value) const;
  /// A rank-0 kiln.constant of `elementType` (float or integer) holding `v`;
  /// binary ops broadcast it against any shape.
  mlir::FailureOr<mlir::Value> scalar(mlir::Type elementType, double v) const;

  //===- Outputs ---------------------------------------------------------===//

  /// Fails when an output at index >= `count` is read by anything.
  mlir::LogicalResult checkUnusedOutputsFrom(unsigned count) const;
  void setResult(unsigned i, mlir::Value v);
  llvm::ArrayRef<mlir::Value> getResults() const { return results; }
  /// Makes result `i` a sequence (sequence ops only).
  void setSequenceResult(unsigned i, Sequence s);
  /// Result `i` when it is a sequence, else null.
  const Sequence *sequenceResult(unsigned i) const {
    return i < sequenceResults.size() && sequenceResults[i]
               ? &*sequenceResults[i]
               : nullptr;
  }
  /// Declares whether result `i` holds unsigned integers. Without a
  /// declaration an integer result is unsigned when an unsigned input has
  /// its element type (elementwise ops, data movement).
  void setResultUnsigned(unsigned i, bool isUnsigned);
  std::optional<bool> resultUnsigned(unsigned i) const {
    return i < resultSigns.size() ? resultSigns[i] : std::nullopt;
  }

private:
  const onnx::AttributeProto *
  findTypedAttr(llvm::StringRef attrName,
                onnx::AttributeProto::AttributeType type,
                mlir::LogicalResult &status) const;

  llvm::SmallVector<mlir::Value> results;
  llvm::SmallVector<std::optional<Sequence>> sequenceResults;
  llvm::SmallVector<std::optional<bool>> resultSigns;
};

/// The values of `v` when kiln ops compute it from constants only and the
/// importer can evaluate them (OnnxFold.cpp: shape arithmetic), else nullopt.
std::optional<llvm::SmallVector<int64_t>> foldInts(mlir::Value v);
std::optional<llvm::SmallVector<double>> foldFloats(mlir::Value v);

/// Converts one node; reports its own errors.
using ConvertFn = mlir::LogicalResult (*)(NodeImporter &);
using OpTable = llvm::StringMap<ConvertFn>;

/// Op-table hooks of the converter families split out of OnnxOps.cpp.
void registerMathOps(OpTable &table);   // OnnxMathOps.cpp
void registerImageOps(OpTable &table);  // OnnxImageOps.cpp
void registerReduceOps(OpTable &table); // OnnxReduceOps.cpp
void registerShapeOps(OpTable &table);  // OnnxShapeOps.cpp
void registerTensorOps(OpTable &table); // OnnxTensorOps.cpp
void registerIndexOps(OpTable &table);  // OnnxIndexOps.cpp
void registerLogicOps(OpTable &table);  // OnnxLogicOps.cpp
void registerSequenceOps(OpTable &table); // OnnxSequenceOps.cpp

/// Whether `opType` (default domain) reads sequence inputs. Every other op
/// takes tensors only, which the importer checks before converting it.
bool takesSequenceInputs(llvm::StringRef opType);
void registerQuantOps(OpTable &table);  // OnnxQuantOps.cpp
void registerSignalOps(OpTable &table); // OnnxSignalOps.cpp

//===- Helpers the converter files share (OnnxOps.cpp) -------------------===//

/// Sets the node's only result, or passes a failure on.
mlir::LogicalResult single(NodeImporter &n, mlir::FailureOr<mlir::Value> value);
/// The product of `dims`.
int64_t product(llvm::ArrayRef<int64_t> dims);
/// "1, 5408" for diagnostics.
std::string listStr(llvm::ArrayRef<int64_t> values);
/// Before opset 7 binary ops broadcast only with `broadcast = 1`: the rhs
/// matches a suffix of the lhs shape or, with `axis`, the lhs dims from
/// `axis` on. Returns the rhs, reshaped so that numpy rules agree.
mlir::FailureOr<mlir::Value> legacyBroadcastRhs(NodeImporter &n);
/// numpy matmul of `lhs` and `rhs` (1-D operands as a row/column).
mlir::FailureOr<mlir::Value> buildMatMul(NodeImporter &n, mlir::Value lhs,
                                         mlir::Value rhs);
/// The Conv of image `x` with `filter` and optional `bias` (null), reading
/// the node's kernel_shape, strides, dilations, pads, auto_pad and group.
mlir::FailureOr<mlir::Value> buildConv(NodeImporter &n, mlir::Value x,
                                       mlir::Value filter, mlir::Value bias);

/// The converter of an ai.onnx.preview.training op (Gradient), or null.
ConvertFn lookupTrainingConverter(llvm::StringRef opType); // OnnxGradient.cpp

/// The converter of an op of the default ONNX domain ("" or "ai.onnx"), or
/// null when kiln cannot import it.
ConvertFn lookupConverter(llvm::StringRef domain, llvm::StringRef opType);

/// Why ONNX text did not parse; line and column are 1-based, 0 if unknown.
struct TextParseError {
  std::string message;
  unsigned line = 0, column = 0;
};

/// Parses ONNX text format (onnx::OnnxParser). Returns false and fills
/// `error` on failure; never throws, whatever the text.
bool parseOnnxText(const char *text, onnx::ModelProto &model,
                   TextParseError &error);

} // namespace kiln::onnximport

#endif // KILN_COMPILER_FRONTENDS_ONNX_ONNXINTERNAL_H
