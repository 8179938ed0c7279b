// ONNX text format (.onnxtext) -> ModelProto through onnx::OnnxParser.
// Built with -fexceptions: the parser calls std::stoll/std::stof, which throw
// on literals such as "-" or 1e999; the exceptions stop here.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "onnx/defs/parser.h"

#include <exception>

namespace kiln::onnximport {

bool parseOnnxText(const char *text, onnx::ModelProto &model,
                   std::string &error) {
  try {
    onnx::OnnxParser parser(text);
    onnx::Common::Status status = parser.Parse(model);
    if (status.IsOK() && !parser.EndOfInput())
      status = onnx::Common::Status(onnx::Common::NONE, onnx::Common::FAIL,
                                    "unexpected text after the graph");
    if (status.IsOK())
      return true;
    error = status.ErrorMessage();
  } catch (const std::exception &e) {
    error = std::string("malformed literal (") + e.what() + ")";
  } catch (...) {
    error = "malformed text";
  }
  // The parser's messages span lines; keep the diagnostic on one.
  for (char &c : error)
    if (c == '\n')
      c = ' ';
  return false;
}

} // namespace kiln::onnximport
