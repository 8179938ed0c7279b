// Formats MLIR diagnostics for users.
#include "compiler/driver/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

namespace {
/// What a location says about where a diagnostic comes from.
struct Where {
  std::string file;     // model path, as the frontend recorded it
  std::string position; // ":line:col" when known
  std::string node;     // source node name
};

Where whereOf(Location loc) {
  Where w;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      if (w.node.empty())
        w.node = name.getName().str();
    } else if (auto flc = dyn_cast<FileLineColLoc>(l)) {
      if (w.file.empty()) {
        w.file = flc.getFilename().str();
        if (flc.getLine() > 0)
          w.position = ":" + std::to_string(flc.getLine()) + ":" +
                       std::to_string(flc.getColumn());
      }
    }
    return WalkResult::advance();
  });
  return w;
}

/// "file[:line:col][: node 'name']", leaving out the node when `message`
/// already names it.
std::string describe(const Where &w, llvm::StringRef message) {
  std::string out = w.file + w.position;
  if (!w.node.empty() && !message.contains("'" + w.node + "'"))
    out += (out.empty() ? "" : ": ") + ("node '" + w.node + "'");
  return out;
}
} // namespace

std::string describeLocation(Location loc, llvm::StringRef message) {
  return describe(whereOf(loc), message);
}

UserDiagnosticHandler::UserDiagnosticHandler(MLIRContext &ctx) : ctx(ctx) {
  id = ctx.getDiagEngine().registerHandler([this](Diagnostic &diag) {
    const char *kind = "note";
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      kind = "error";
      ++errors;
    } else if (diag.getSeverity() == DiagnosticSeverity::Warning) {
      kind = "warning";
    } else if (diag.getSeverity() == DiagnosticSeverity::Remark) {
      kind = "remark";
    }
    Where w = whereOf(diag.getLocation());
    std::string message = diag.str();
    // Frontend messages may start with the file name; print it once.
    if (!w.file.empty() && StringRef(message).starts_with(w.file + ": "))
      message = message.substr(w.file.size() + 2);
    std::string where = describe(w, message);
    llvm::errs() << "kiln: " << kind << ": ";
    if (!where.empty())
      llvm::errs() << where << ": ";
    llvm::errs() << message << "\n";
    for (Diagnostic &note : diag.getNotes())
      if (!StringRef(note.str()).starts_with("see current operation"))
        llvm::errs() << "kiln: note: " << note.str() << "\n";
    return success();
  });
}

UserDiagnosticHandler::~UserDiagnosticHandler() {
  ctx.getDiagEngine().eraseHandler(id);
}

} // namespace kiln
