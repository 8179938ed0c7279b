// Checkpoint keys of a SavedModel's variables. TensorFlow records each key in
// the checkpoint's own TrackableObjectGraph (the DT_STRING scalar under
// "_CHECKPOINTABLE_OBJECT_GRAPH"), whose nodes are numbered like the
// SavedObjectGraph's; only a checkpoint without one falls back to the key
// TensorFlow's writer would build from the object's first breadth-first path.
#include "compiler/frontends/tf/TfInternal.h"
#include "compiler/frontends/tf/proto/trackable_object_graph.pb.h"
#include "compiler/frontends/tf/proto/types.pb.h"

#include "llvm/Support/Error.h"

#include <deque>

using namespace mlir;

namespace kiln::tf {

namespace {

constexpr llvm::StringLiteral kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";
constexpr llvm::StringLiteral kValueAttribute = "VARIABLE_VALUE";

/// Sets each variable's key from its object graph node's VARIABLE_VALUE
/// attribute.
void keysFromObjectGraph(const tfp::TrackableObjectGraph &tog,
                         std::map<int, VariableRef> &variables) {
  for (auto &[id, var] : variables) {
    var.fromObjectGraph = true;
    if (id >= tog.nodes_size())
      continue;
    for (const auto &attr : tog.nodes(id).attributes())
      if (attr.name() == kValueAttribute) {
        var.key = attr.checkpoint_key();
        break;
      }
  }
}

/// Sets each variable's key to TensorFlow's generated name: the escaped local
/// names of its first breadth-first path from the root, joined with "/".
void keysFromPaths(const tfp::SavedObjectGraph &graph,
                   std::map<int, VariableRef> &variables) {
  std::map<int, std::string> paths;
  std::deque<int> queue = {0};
  paths[0] = "";
  while (!queue.empty()) {
    int id = queue.front();
    queue.pop_front();
    if (id < 0 || id >= graph.nodes_size())
      continue;
    auto var = variables.find(id);
    if (var != variables.end())
      var->second.key = paths[id] + "/.ATTRIBUTES/" + kValueAttribute.str();
    for (const auto &child : graph.nodes(id).children()) {
      if (paths.count(child.node_id()))
        continue;
      paths[child.node_id()] = (id == 0 ? "" : paths[id] + "/") +
                               escapeLocalName(child.local_name());
      queue.push_back(child.node_id());
    }
  }
}

} // namespace

std::string escapeLocalName(llvm::StringRef name) {
  std::string out;
  for (char c : name) {
    if (c == '.')
      out += "..";
    else if (c == '/')
      out += ".S";
    else
      out += c;
  }
  return out;
}

FailureOr<std::map<int, VariableRef>>
resolveVariableKeys(Location loc, const tfp::SavedObjectGraph &graph,
                    const Checkpoint *checkpoint) {
  std::map<int, VariableRef> variables;
  for (int id = 0; id < graph.nodes_size(); ++id)
    if (graph.nodes(id).has_variable())
      variables[id].name = graph.nodes(id).variable().name();

  if (!checkpoint || !checkpoint->lookup(kObjectGraphKey)) {
    keysFromPaths(graph, variables);
    return variables;
  }
  auto fail = [&](const Twine &why) {
    return emitError(loc) << "checkpoint entry '" << kObjectGraphKey << "' "
                          << why;
  };
  const CheckpointEntry *entry = checkpoint->lookup(kObjectGraphKey);
  if (entry->dtype != tfproto::DT_STRING || !entry->shape.empty())
    return fail("is " + dtypeName(entry->dtype) +
                (entry->shape.empty() ? " scalar" : " non-scalar") +
                ", not the string scalar of a TrackableObjectGraph");
  auto tensor = checkpoint->read(kObjectGraphKey);
  if (!tensor)
    return emitError(loc) << llvm::toString(tensor.takeError());
  tfp::TrackableObjectGraph tog;
  if (tensor->strings.size() != 1 ||
      !tog.ParseFromString(tensor->strings.front()))
    return fail("is not a valid TrackableObjectGraph (protobuf parse failed)");
  keysFromObjectGraph(tog, variables);
  return variables;
}

} // namespace kiln::tf
