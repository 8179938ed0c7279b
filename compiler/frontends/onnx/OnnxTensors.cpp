// ONNX TensorProto -> ElementsAttr: element types, raw_data and the typed
// *_data fields, external data files. Assumes a little-endian host, as ONNX
// raw_data is little-endian.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using onnx::TensorProto;

namespace kiln::onnximport {

Type convertElementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::INT8:
    return b.getIntegerType(8);
  case TensorProto::INT16:
    return b.getIntegerType(16);
  case TensorProto::INT32:
    return b.getI32Type();
  case TensorProto::INT64:
    return b.getI64Type();
  case TensorProto::BOOL:
    return b.getI1Type();
  case TensorProto::UINT8:
    return b.getIntegerType(8);
  case TensorProto::UINT16:
    return b.getIntegerType(16);
  case TensorProto::UINT32:
    return b.getI32Type();
  case TensorProto::UINT64:
    return b.getI64Type();
  default:
    return {};
  }
}

bool isUnsignedElementType(int32_t onnxType) {
  return onnxType == TensorProto::UINT8 || onnxType == TensorProto::UINT16 ||
         onnxType == TensorProto::UINT32 || onnxType == TensorProto::UINT64;
}

std::string elementTypeName(int32_t onnxType) {
  if (TensorProto::DataType_IsValid(onnxType))
    return TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(onnxType));
  return "data type " + std::to_string(onnxType);
}

namespace {

/// Bytes per element in raw_data (ONNX stores BOOL as one byte).
int64_t byteWidth(Type elementType) {
  if (elementType.isInteger(1))
    return 1;
  return elementType.getIntOrFloatBitWidth() / 8;
}

/// Copies a typed repeated field into little-endian bytes of `To`.
template <typename To, typename Field>
std::string packField(const Field &field) {
  std::string bytes(static_cast<size_t>(field.size()) * sizeof(To), '\0');
  char *out = bytes.data();
  for (auto v : field) {
    To converted = static_cast<To>(v);
    std::memcpy(out, &converted, sizeof(To));
    out += sizeof(To);
  }
  return bytes;
}

/// The typed field that holds `dataType` values (ONNX stores INT8, INT16,
/// UINT8, UINT16, FLOAT16, BFLOAT16 and BOOL in int32_data, UINT32 and UINT64
/// in uint64_data), packed to raw bytes; its element
/// count goes to `count` and its proto name to `fieldName`.
std::string packTypedData(const TensorProto &t, int64_t &count,
                          const char *&fieldName) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    count = t.float_data_size();
    fieldName = "float_data";
    return packField<float>(t.float_data());
  case TensorProto::DOUBLE:
    count = t.double_data_size();
    fieldName = "double_data";
    return packField<double>(t.double_data());
  case TensorProto::INT64:
    count = t.int64_data_size();
    fieldName = "int64_data";
    return packField<int64_t>(t.int64_data());
  case TensorProto::INT32:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<int32_t>(t.int32_data());
  case TensorProto::INT16:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<int16_t>(t.int32_data());
  case TensorProto::INT8:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<int8_t>(t.int32_data());
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<uint16_t>(t.int32_data());
  case TensorProto::BOOL:
  case TensorProto::UINT8:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<uint8_t>(t.int32_data());
  case TensorProto::UINT16:
    count = t.int32_data_size();
    fieldName = "int32_data";
    return packField<uint16_t>(t.int32_data());
  case TensorProto::UINT32:
    count = t.uint64_data_size();
    fieldName = "uint64_data";
    return packField<uint32_t>(t.uint64_data());
  case TensorProto::UINT64:
    count = t.uint64_data_size();
    fieldName = "uint64_data";
    return packField<uint64_t>(t.uint64_data());
  default:
    count = 0;
    fieldName = "typed data";
    return {};
  }
}

/// Keeps [A-Za-z0-9_] so the printed `dense_resource<...>` key round-trips.
std::string sanitizeBlobName(StringRef hint) {
  std::string out;
  for (char c : hint)
    out.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (out.empty() || llvm::isDigit(out.front()))
    out.insert(out.begin(), '_');
  return out;
}

/// Whether a relative path stays inside its base directory: ".." never
/// climbs above the start. Both '/' and '\\' separate components.
bool pathStaysInside(StringRef relative) {
  std::string normalized = relative.str();
  for (char &c : normalized)
    if (c == '\\')
      c = '/';
  int depth = 0;
  SmallVector<StringRef> parts;
  StringRef(normalized).split(parts, '/');
  for (StringRef part : parts) {
    if (part.empty() || part == ".")
      continue;
    if (part == "..") {
      if (--depth < 0)
        return false;
    } else {
      ++depth;
    }
  }
  return true;
}

} // namespace

TensorImporter::TensorImporter(MLIRContext &ctx, StringRef modelPath)
    : ctx(ctx), modelDir(llvm::sys::path::parent_path(modelPath).str()) {}

std::string TensorImporter::uniqueBlobName(StringRef hint) {
  std::string base = sanitizeBlobName(hint);
  std::string name = base;
  for (unsigned i = 1; !blobNames.insert(name).second; ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
TensorImporter::readExternal(const TensorProto &t, const std::string &what,
                             uint64_t expectedBytes, Location loc) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &entry : t.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      location = entry.value();
    } else if (key == "offset" || key == "length") {
      uint64_t parsed;
      if (value.trim().getAsInteger(10, parsed))
        return emitError(loc) << what << " has external data " << key << " '"
                              << value << "', which is not a number";
      if (key == "offset")
        offset = parsed;
      else
        length = parsed;
    }
  }
  if (location.empty())
    return emitError(loc) << what << " has external data without a 'location'";
  StringRef rel(location);
  if (llvm::sys::path::is_absolute(rel, llvm::sys::path::Style::posix) ||
      llvm::sys::path::is_absolute(rel, llvm::sys::path::Style::windows) ||
      rel.starts_with("\\"))
    return emitError(loc) << what << " has external data file '" << location
                          << "', an absolute path; it must be relative to the "
                             "model's directory";
  if (!pathStaysInside(rel))
    return emitError(loc) << what << " has external data file '" << location
                          << "', which escapes the model's directory";

  // Resolve "." and ".." lexically, as the check above reasons about them.
  SmallString<256> relative(rel);
  llvm::sys::path::remove_dots(relative, /*remove_dot_dot=*/true);
  SmallString<256> full(modelDir);
  llvm::sys::path::append(full, relative);
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(full, fileSize))
    return emitError(loc) << what << ": cannot open external data file '"
                          << full << "': " << ec.message();
  if (offset > fileSize || (length && *length > fileSize - offset))
    return emitError(loc) << what << " has external data (offset " << offset
                          << ", length "
                          << (length ? std::to_string(*length) : "rest")
                          << ") past the end of '" << full << "' (" << fileSize
                          << " bytes)";
  uint64_t size = length ? *length : fileSize - offset;
  if (size != expectedBytes)
    return emitError(loc) << what << " has " << size
                          << " bytes of external data in '" << full
                          << "' but its type needs " << expectedBytes;
  if (size == 0)
    return llvm::MemoryBuffer::getMemBuffer("", full, false);
  auto buffer = llvm::MemoryBuffer::getFileSlice(full, size, offset);
  if (!buffer)
    return emitError(loc) << what << ": cannot read external data file '"
                          << full << "': " << buffer.getError().message();
  return std::move(*buffer);
}

FailureOr<ElementsAttr> TensorImporter::import(const TensorProto &t,
                                               const std::string &what,
                                               StringRef blobHint,
                                               Location loc) {
  return importImpl(t, nullptr, what, blobHint, loc);
}

FailureOr<ElementsAttr> TensorImporter::importTaking(TensorProto &t,
                                                     const std::string &what,
                                                     StringRef blobHint,
                                                     Location loc) {
  return importImpl(t, &t, what, blobHint, loc);
}

FailureOr<ElementsAttr> TensorImporter::importImpl(const TensorProto &t,
                                                   TensorProto *owner,
                                                   const std::string &what,
                                                   StringRef blobHint,
                                                   Location loc) {
  Type elementType = convertElementType(&ctx, t.data_type());
  if (!elementType)
    return emitError(loc) << what << " has element type "
                          << elementTypeName(t.data_type())
                          << ", which kiln does not support";
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t dim : t.dims()) {
    if (dim < 0)
      return emitError(loc) << what << " has a negative dimension " << dim;
    if (llvm::MulOverflow(numElements, dim, numElements) ||
        numElements > (int64_t(1) << 48))
      return emitError(loc) << what << " has too many elements";
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, elementType);
  int64_t width = byteWidth(elementType);
  uint64_t expectedBytes = static_cast<uint64_t>(numElements * width);

  // Find the bytes: external file, raw_data, or a typed field.
  std::unique_ptr<llvm::MemoryBuffer> external;
  std::string packed;
  StringRef bytes;
  if (t.has_data_location() && t.data_location() == TensorProto::EXTERNAL) {
    auto buffer = readExternal(t, what, expectedBytes, loc);
    if (failed(buffer))
      return failure();
    external = std::move(*buffer);
    bytes = external->getBuffer();
  } else if (t.has_raw_data()) {
    bytes = t.raw_data();
    if (bytes.size() != expectedBytes)
      return emitError(loc)
             << what << " has " << bytes.size() << " bytes of raw_data but "
             << type << " needs " << expectedBytes;
  } else {
    int64_t count;
    const char *fieldName;
    packed = packTypedData(t, count, fieldName);
    if (count != numElements)
      return emitError(loc)
             << what << " has " << count << " values in " << fieldName
             << " but " << type << " needs " << numElements;
    bytes = packed;
  }
  ArrayRef<char> data(bytes.data(), bytes.size());

  if (numElements > kMaxInlineElements) {
    size_t align = std::max<size_t>(width, alignof(int64_t));
    if (owner && !external && packed.empty() && owner->has_raw_data() &&
        llvm::isAddrAligned(llvm::Align(align), bytes.data())) {
      // The blob adopts the proto's string; its deleter frees it.
      std::string *adopted = owner->release_raw_data();
      AsmResourceBlob blob(
          ArrayRef<char>(adopted->data(), adopted->size()), align,
          [adopted](void *, size_t, size_t) { delete adopted; },
          /*dataIsMutable=*/false);
      return cast<ElementsAttr>(DenseResourceElementsAttr::get(
          type, uniqueBlobName(blobHint), std::move(blob)));
    }
    return cast<ElementsAttr>(DenseResourceElementsAttr::get(
        type, uniqueBlobName(blobHint),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(
            data, align,
            /*dataIsMutable=*/false)));
  }
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : data)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  bool detectedSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, data, detectedSplat))
    return emitError(loc) << what << " has data that does not fit " << type;
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, data));
}

} // namespace kiln::onnximport
