// ONNX text format (.onnxtext) -> ModelProto through onnx::OnnxParser.
// Built with -fexceptions: the parser calls std::stoll/std::stof, which throw
// on literals such as "-" or 1e999; the exceptions stop here.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "onnx/defs/parser.h"

#include <cstdio>
#include <exception>

namespace kiln::onnximport {

/// OnnxParser errors read "[ParseError at position (line: L column: C)]\n
/// Error context: <source line>\n<message>"; split them into a position and
/// a one-line message.
static void splitParseError(const std::string &raw, TextParseError &error) {
  unsigned line = 0, column = 0;
  if (std::sscanf(raw.c_str(), "[ParseError at position (line: %u column: %u)]",
                  &line, &column) == 2) {
    error.line = line;
    error.column = column;
  }
  llvm::SmallVector<llvm::StringRef, 3> parts;
  llvm::StringRef(raw).split(parts, '\n', /*MaxSplit=*/2);
  if (parts.size() == 3 && parts[1].consume_front("Error context: ")) {
    error.message =
        (parts[2].trim() + " (near '" + parts[1].trim() + "')").str();
    return;
  }
  error.message = raw;
  for (char &c : error.message)
    if (c == '\n')
      c = ' ';
}

bool parseOnnxText(const char *text, onnx::ModelProto &model,
                   TextParseError &error) {
  try {
    onnx::OnnxParser parser(text);
    onnx::Common::Status status = parser.Parse(model);
    if (status.IsOK() && !parser.EndOfInput())
      status = parser.ParseError("unexpected text after the graph");
    if (status.IsOK())
      return true;
    splitParseError(status.ErrorMessage(), error);
  } catch (const std::exception &e) {
    error.message = std::string("malformed literal (") + e.what() + ")";
  } catch (...) {
    error.message = "malformed text";
  }
  return false;
}

} // namespace kiln::onnximport
