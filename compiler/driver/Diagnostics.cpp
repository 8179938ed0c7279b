// Formats MLIR diagnostics for users.
#include "compiler/driver/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

std::string describeLocation(Location loc, llvm::StringRef message) {
  std::string file, node;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      if (node.empty())
        node = name.getName().str();
    } else if (auto flc = dyn_cast<FileLineColLoc>(l)) {
      if (file.empty()) {
        file = flc.getFilename().str();
        if (flc.getLine() > 0)
          file += ":" + std::to_string(flc.getLine()) + ":" +
                  std::to_string(flc.getColumn());
      }
    }
    return WalkResult::advance();
  });
  std::string out = file;
  // Frontend messages often name the node themselves.
  if (!node.empty() && !message.contains("'" + node + "'"))
    out += (out.empty() ? "" : ": ") + ("node '" + node + "'");
  return out;
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
    std::string message = diag.str();
    // Frontend messages may start with the file name the location holds too.
    std::string file = describeLocation(diag.getLocation(), "'");
    file = file.substr(0, file.find(':'));
    if (!file.empty() && StringRef(message).starts_with(file + ": "))
      message = message.substr(file.size() + 2);
    std::string where = describeLocation(diag.getLocation(), message);
    llvm::errs() << "kiln: " << kind << ": ";
    // Messages that already start with the file name need it only once.
    if (!where.empty() && !StringRef(message).starts_with(where + ":"))
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
