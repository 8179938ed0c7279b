// Internals of the TensorFlow importer: the demand-driven graph evaluator
// (one Scope per graph body, function calls inlined as nested scopes), the
// per-node helper the op table is written against, and the op table lookup.
// Private to compiler/frontends/tf.
#ifndef KILN_COMPILER_FRONTENDS_TF_TFINTERNAL_H
#define KILN_COMPILER_FRONTENDS_TF_TFINTERNAL_H

#include "compiler/frontends/common/Elements.h"
#include "compiler/frontends/tf/Checkpoint.h"
#include "compiler/frontends/tf/proto/graph.pb.h"
#include "compiler/frontends/tf/proto/meta_graph.pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace kiln::tf {

namespace tfp = ::kiln::tfproto;

/// One TF tensor during import: an SSA value, or (DT_RESOURCE) the
/// checkpoint key of the variable the handle refers to.
struct TfValue {
  mlir::Value value;
  std::string resourceKey;
  bool isResource() const { return !resourceKey.empty(); }
};

/// The MLIR element type of a TF DataType, or null when kiln cannot take it.
mlir::Type convertDataType(mlir::MLIRContext *ctx, int dtype);
/// DT_UINT8/16/32/64: kiln integers are signless, so the importer marks
/// where these need unsigned semantics (casts, the header's dtypes).
bool isUnsignedDataType(int dtype);
/// "DT_FLOAT" for diagnostics.
std::string dataTypeName(int dtype);

class Scope;

/// A variable of a SavedModel's object graph and the checkpoint key of its
/// value.
struct VariableRef {
  /// SavedVariable.name ("dense/kernel"), for messages.
  std::string name;
  /// The checkpoint key; empty when the object graph lists none.
  std::string key;
  /// Whether `key` comes from the checkpoint's TrackableObjectGraph (else it
  /// was built from the object's path).
  bool fromObjectGraph = false;
};

/// The variables of `graph` with their checkpoint keys: from the checkpoint's
/// TrackableObjectGraph ("_CHECKPOINTABLE_OBJECT_GRAPH", nodes numbered like
/// `graph`'s) when it has one, else built from each variable's first
/// breadth-first path of escaped local names, as TensorFlow names them.
/// Errors (a malformed object graph entry) are reported at `loc`.
mlir::FailureOr<std::map<int, VariableRef>>
resolveVariableKeys(mlir::Location loc, const tfp::SavedObjectGraph &graph,
                    const Checkpoint *checkpoint);
/// TensorFlow's escaping of a local name in a checkpoint key: "." -> "..",
/// "/" -> ".S".
std::string escapeLocalName(llvm::StringRef name);

/// What the whole import shares.
struct ImportState {
  mlir::MLIRContext &ctx;
  mlir::OpBuilder &builder;
  std::string sourcePath;
  ElementsBuilder elements;
  /// Function library by name.
  llvm::StringMap<const tfp::FunctionDef *> functions;
  /// SavedModel only: variables and the object graph.
  const Checkpoint *checkpoint = nullptr;
  const tfp::SavedObjectGraph *objectGraph = nullptr;
  /// Object graph node id -> the variable it holds (SavedModel only).
  std::map<int, VariableRef> variables;
  /// Unsupported op type -> the nodes that use it, reported together.
  std::map<std::string, std::vector<std::string>> unsupported;
  /// One constant per checkpoint key, so shared weights are read once.
  llvm::StringMap<mlir::Value> variableValues;
};

/// Resolves a tensor reference inside one graph body.
class Scope {
public:
  /// Top-level graph.
  Scope(ImportState &state, const tfp::GraphDef &graph);
  /// Function body called from `callPath` ("StatefulPartitionedCall_1/").
  Scope(ImportState &state, const tfp::FunctionDef &fn, std::string callPath,
        llvm::SmallVector<TfValue> args);

  ImportState &state;
  const tfp::FunctionDef *function = nullptr;
  /// Prefix of node names in locations: "" or "call/".
  std::string path;

  /// The node named `name` in this body, or null.
  const tfp::NodeDef *findNode(llvm::StringRef name) const;
  /// Evaluates "node", "node:3", "node:out_arg:3" or a function arg name.
  mlir::FailureOr<TfValue> tensor(llvm::StringRef ref);
  /// Pre-binds a graph tensor (a top-level Placeholder) to a value.
  void bind(llvm::StringRef nodeName, TfValue value);
  /// Location of a node of this body.
  mlir::Location locOf(llvm::StringRef nodeName) const;

private:
  mlir::FailureOr<llvm::ArrayRef<TfValue>> evaluate(const tfp::NodeDef &node);

  llvm::StringMap<const tfp::NodeDef *> nodes;
  llvm::StringMap<TfValue> args;
  llvm::StringMap<llvm::SmallVector<TfValue>> done;
  llvm::StringSet<> active;
  llvm::StringSet<> failedNodes;
  /// Nested scopes of inlined calls, by call node name.
  llvm::StringMap<std::unique_ptr<Scope>> calls;
  friend class NodeImporter;
};

/// One TF node being converted.
class NodeImporter {
public:
  NodeImporter(Scope &scope, const tfp::NodeDef &node,
               llvm::SmallVector<TfValue> inputs);

  Scope &scope;
  const tfp::NodeDef &node;
  mlir::Location loc;
  llvm::SmallVector<TfValue> inputs;
  llvm::SmallVector<TfValue> results;

  mlir::MLIRContext *getContext() const { return &scope.state.ctx; }
  mlir::OpBuilder &builder() const { return scope.state.builder; }
  /// An error at the node: "node 'x' (Op): ..." (inlined: "call/x").
  mlir::InFlightDiagnostic emitError() const;

  //===- Inputs ----------------------------------------------------------===//
  mlir::LogicalResult checkNumInputs(unsigned min, unsigned max) const;
  mlir::Value input(unsigned i) const { return inputs[i].value; }
  mlir::RankedTensorType inputType(unsigned i) const;
  /// Contents of a constant input (shape arithmetic is folded at import, so
  /// shape operands are constants). `what` names it in the error.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(unsigned i, llvm::StringRef what) const;
  mlir::FailureOr<llvm::SmallVector<double>>
  constantFloats(unsigned i, llvm::StringRef what) const;

  //===- Attributes ------------------------------------------------------===//
  const tfp::AttrValue *attr(llvm::StringRef name) const;
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  bool getBool(llvm::StringRef name, bool dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> getInts(llvm::StringRef name) const;
  /// Element type of a type attribute ("T", "DstT"); null with an error.
  mlir::Type getType(llvm::StringRef name) const;

  //===- Building --------------------------------------------------------===//
  /// Creates `opName` generically with inferred (or given) result type and
  /// verifies it; on failure erases it and reports one error at the node.
  mlir::FailureOr<mlir::Value>
  create(llvm::StringRef opName, mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attrs = {},
         mlir::Type resultType = {}) const;
  mlir::FailureOr<mlir::Value> reshape(mlir::Value v,
                                       llvm::ArrayRef<int64_t> shape) const;
  /// A kiln.constant of a small (inline) or large (resource) value.
  mlir::Value constant(mlir::ElementsAttr value) const;
  mlir::Value constantInts(llvm::ArrayRef<int64_t> values,
                           mlir::Type elementType,
                           llvm::ArrayRef<int64_t> shape) const;
  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) const;
  /// Sets result 0; passes a failure on.
  mlir::LogicalResult single(mlir::FailureOr<mlir::Value> value);
};

/// Converts one node; reports its own errors and fills `results`.
using ConvertFn = mlir::LogicalResult (*)(NodeImporter &);
/// The converter for a TF op type, or null.
ConvertFn lookupConverter(llvm::StringRef op);
/// Registration hooks of the op table's families.
void addMathConverters(llvm::StringMap<ConvertFn> &table);
void addNNConverters(llvm::StringMap<ConvertFn> &table);
void addShapeConverters(llvm::StringMap<ConvertFn> &table);

/// Ops handled by the evaluator itself (graph structure, not math).
bool isStructuralOp(llvm::StringRef op);

/// TensorProto -> ElementsAttr (tensor_content or typed fields, splatting a
/// single value over the shape as TF does).
mlir::FailureOr<mlir::ElementsAttr>
importTensor(ImportState &state, const tfp::TensorProto &tensor,
             llvm::StringRef what, llvm::StringRef blobHint,
             mlir::Location loc);

/// The constant holding a checkpoint variable (read once per key).
mlir::FailureOr<mlir::Value> readVariableValue(ImportState &state,
                                               llvm::StringRef key,
                                               mlir::Location loc,
                                               llvm::StringRef nodeName);

/// Integer/float contents of a small constant value, if it is one.
std::optional<llvm::SmallVector<int64_t>> intsOf(mlir::Value v);
std::optional<llvm::SmallVector<double>> floatsOf(mlir::Value v);

} // namespace kiln::tf

#endif // KILN_COMPILER_FRONTENDS_TF_TFINTERNAL_H
