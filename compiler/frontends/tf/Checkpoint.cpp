// TensorBundle checkpoint reader: the LevelDB table format of the .index file
// (footer, index block, data blocks with prefix-compressed keys and restart
// arrays, block trailers with masked CRC32C), the bundle header/entries, and
// checksummed tensor reads from the data shards. Every error names the file
// and the byte offset it concerns.
#include "compiler/frontends/tf/Checkpoint.h"

#include "compiler/frontends/tf/proto/tensor_bundle.pb.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <iterator>
#include <limits>

using namespace llvm;
namespace tfproto = kiln::tfproto;

namespace kiln::tf {

//===----------------------------------------------------------------------===//
// CRC32C and dtypes
//===----------------------------------------------------------------------===//

namespace {
// Slicing-by-8 tables for the reflected Castagnoli polynomial 0x82F63B78.
struct Crc32cTables {
  uint32_t t[8][256];
  Crc32cTables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s)
        t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
};
const Crc32cTables &crcTables() {
  static const Crc32cTables tables;
  return tables;
}
} // namespace

uint32_t crc32c(ArrayRef<uint8_t> data, uint32_t crc) {
  const auto &t = crcTables().t;
  const uint8_t *p = data.data();
  size_t n = data.size();
  crc = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo = support::endian::read32le(p) ^ crc;
    uint32_t hi = support::endian::read32le(p + 4);
    crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
          t[4][lo >> 24] ^ t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
          t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
  }
  for (; n; --n, ++p)
    crc = (crc >> 8) ^ t[0][(crc ^ *p) & 0xff];
  return ~crc;
}

static constexpr uint32_t kMaskDelta = 0xa282ead8u;
uint32_t maskCrc32c(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
uint32_t unmaskCrc32c(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

namespace {
struct DtypeInfo {
  const char *name;
  int64_t size; // bytes per element; 0 = not a fixed-size type
};
// Indexed by DataType value; DT_FLOAT (1) .. DT_UINT2 (32) are contiguous.
constexpr DtypeInfo kDtypes[] = {
    {"unknown", 0},
    {"float32", 4},
    {"float64", 8},
    {"int32", 4},
    {"uint8", 1},
    {"int16", 2},
    {"int8", 1},
    {"string", 0},
    {"complex64", 8},
    {"int64", 8},
    {"bool", 1},
    {"qint8", 1},
    {"quint8", 1},
    {"qint32", 4},
    {"bfloat16", 2},
    {"qint16", 2},
    {"quint16", 2},
    {"uint16", 2},
    {"complex128", 16},
    {"float16", 2},
    {"resource", 0},
    {"variant", 0},
    {"uint32", 4},
    {"uint64", 8},
    {"float8_e5m2", 1},
    {"float8_e4m3fn", 1},
    {"float8_e4m3fnuz", 1},
    {"float8_e4m3b11fnuz", 1},
    {"float8_e5m2fnuz", 1},
    {"int4", 1},
    {"uint4", 1},
    {"int2", 1},
    {"uint2", 1},
};
static_assert(std::size(kDtypes) == tfproto::DT_UINT2 + 1 &&
                  tfproto::DT_HALF == 19 && tfproto::DT_UINT32 == 22,
              "kDtypes must follow the DataType enum");

const DtypeInfo &dtypeInfo(int dtype) {
  return dtype > 0 && dtype < int(std::size(kDtypes)) ? kDtypes[dtype]
                                                      : kDtypes[0];
}
} // namespace

int64_t dtypeSize(int dtype) { return dtypeInfo(dtype).size; }
StringRef dtypeName(int dtype) { return dtypeInfo(dtype).name; }

//===----------------------------------------------------------------------===//
// LevelDB table format
//===----------------------------------------------------------------------===//

namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
constexpr uint64_t kFooterSize = 48; // 2 x 20-byte max handle + 8-byte magic
constexpr uint64_t kMaxHandleSize = 20;
constexpr uint64_t kBlockTrailerSize = 5; // type byte + masked crc32c

Error fileError(StringRef file, uint64_t offset, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           file + ": offset " + Twine(offset) + ": " + msg);
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

/// `key` in single quotes, non-printable bytes (slice keys) as \XX.
std::string quoted(StringRef key) {
  std::string s = "'";
  raw_string_ostream os(s);
  printEscapedString(key, os);
  return s + "'";
}

/// Reads varints and fixed ints from [pos, end) of a file image; offsets in
/// error messages are absolute file offsets.
class Cursor {
public:
  Cursor(StringRef file, ArrayRef<uint8_t> image, uint64_t pos, uint64_t end)
      : file(file), image(image), pos(pos), end(end) {}

  uint64_t offset() const { return pos; }
  bool atEnd() const { return pos >= end; }
  uint64_t remaining() const { return end - pos; }

  Expected<uint64_t> varint(unsigned maxBits, const Twine &what) {
    uint64_t start = pos, value = 0;
    for (unsigned shift = 0; shift < maxBits; shift += 7) {
      if (pos >= end)
        return fileError(file, start, "truncated varint (" + what + ")");
      uint8_t byte = image[pos++];
      uint64_t bits = byte & 0x7f;
      if (shift == 63 && bits > 1)
        break;
      value |= bits << shift;
      if (!(byte & 0x80)) {
        if (maxBits < 64 && (value >> maxBits))
          break;
        return value;
      }
    }
    return fileError(file, start,
                     "bad varint" + Twine(maxBits) + " (" + what + ")");
  }
  Expected<uint32_t> varint32(const Twine &what) {
    auto v = varint(32, what);
    if (!v)
      return v.takeError();
    return uint32_t(*v);
  }
  Expected<uint64_t> varint64(const Twine &what) { return varint(64, what); }

private:
  StringRef file;
  ArrayRef<uint8_t> image;
  uint64_t pos, end;
};

struct BlockHandle {
  uint64_t offset = 0, size = 0;
};

/// One key/value pair of a table, with the file offset of its entry.
struct TableEntry {
  std::string key;
  ArrayRef<uint8_t> value;
  uint64_t offset;
};

/// Parses a LevelDB-format table held in memory. Verifies the footer, every
/// block's trailer (compression type 0, masked CRC32C), the restart arrays,
/// prefix compression and strict bytewise key order.
class TableReader {
public:
  TableReader(StringRef file, ArrayRef<uint8_t> image)
      : file(file), image(image) {}

  Expected<std::vector<TableEntry>> readAll();

private:
  Expected<BlockHandle> decodeHandle(Cursor &c, uint64_t limit,
                                     const Twine &what);
  Expected<ArrayRef<uint8_t>> readBlock(BlockHandle h, const Twine &what);
  Error parseBlock(BlockHandle h, const Twine &what,
                   std::vector<TableEntry> &out);

  StringRef file;
  ArrayRef<uint8_t> image;
};

Expected<BlockHandle> TableReader::decodeHandle(Cursor &c, uint64_t limit,
                                                const Twine &what) {
  uint64_t at = c.offset();
  BlockHandle h;
  auto off = c.varint64(what + " offset");
  if (!off)
    return off.takeError();
  auto size = c.varint64(what + " size");
  if (!size)
    return size.takeError();
  h.offset = *off;
  h.size = *size;
  // Blocks (plus their trailer) must lie before the footer.
  if (h.offset > limit || h.size > limit - h.offset ||
      kBlockTrailerSize > limit - h.offset - h.size)
    return fileError(file, at,
                     what + " [" + Twine(h.offset) + ", +" + Twine(h.size) +
                         "] extends past the end of the table data (" +
                         Twine(limit) + " bytes)");
  return h;
}

Expected<ArrayRef<uint8_t>> TableReader::readBlock(BlockHandle h,
                                                   const Twine &what) {
  ArrayRef<uint8_t> contents = image.slice(h.offset, h.size);
  uint64_t trailer = h.offset + h.size;
  uint8_t type = image[trailer];
  uint32_t stored =
      unmaskCrc32c(support::endian::read32le(image.data() + trailer + 1));
  uint32_t actual = crc32c(image.slice(h.offset, h.size + 1));
  if (stored != actual)
    return fileError(file, h.offset,
                     what + " checksum mismatch (stored " +
                         Twine::utohexstr(stored) + ", computed " +
                         Twine::utohexstr(actual) + ")");
  if (type != 0)
    return fileError(file, trailer,
                     what + " trailer has compression type " +
                         Twine(unsigned(type)) +
                         (type == 1 ? " (snappy)" : "") +
                         "; only uncompressed tables are supported");
  return contents;
}

Error TableReader::parseBlock(BlockHandle h, const Twine &what,
                              std::vector<TableEntry> &out) {
  auto contents = readBlock(h, what);
  if (!contents)
    return contents.takeError();
  uint64_t n = contents->size();
  if (n < 4)
    return fileError(file, h.offset,
                     what + " is " + Twine(n) +
                         " bytes, too short for a restart count");
  uint64_t countAt = h.offset + n - 4;
  uint64_t numRestarts = support::endian::read32le(image.data() + countAt);
  if (numRestarts > (n - 4) / 4)
    return fileError(file, countAt,
                     what + " restart count " + Twine(numRestarts) +
                         " does not fit in a " + Twine(n) + "-byte block");
  uint64_t restartsAt = countAt - 4 * numRestarts;
  std::vector<uint64_t> restarts;
  for (uint64_t i = 0; i < numRestarts; ++i) {
    uint64_t r = support::endian::read32le(image.data() + restartsAt + 4 * i);
    // An empty block (the metaindex block) has the single restart point 0.
    bool emptyBlock = i == 0 && r == 0 && restartsAt == h.offset;
    if ((i == 0 && r != 0) || (i > 0 && r <= restarts.back()) ||
        (h.offset + r >= restartsAt && !emptyBlock))
      return fileError(file, restartsAt + 4 * i,
                       what + " restart point " + Twine(i) + " (" + Twine(r) +
                           ") is out of order or past the entries");
    restarts.push_back(r);
  }
  if (numRestarts == 0 && restartsAt != h.offset)
    return fileError(file, countAt,
                     what + " has entries but no restart points");

  Cursor c(file, image, h.offset, restartsAt);
  std::string key;
  size_t nextRestart = 0;
  while (!c.atEnd()) {
    uint64_t at = c.offset();
    bool isRestart =
        nextRestart < restarts.size() && h.offset + restarts[nextRestart] == at;
    if (nextRestart < restarts.size() && h.offset + restarts[nextRestart] < at)
      return fileError(file, at,
                       what + " restart point " + Twine(nextRestart) +
                           " does not start an entry");
    auto shared = c.varint32("shared key length");
    if (!shared)
      return shared.takeError();
    auto nonShared = c.varint32("unshared key length");
    if (!nonShared)
      return nonShared.takeError();
    auto valueLen = c.varint32("value length");
    if (!valueLen)
      return valueLen.takeError();
    if ((isRestart || at == h.offset) && *shared != 0)
      return fileError(file, at,
                       what + " entry at a restart point shares " +
                           Twine(*shared) + " key bytes");
    if (*shared > key.size())
      return fileError(file, at,
                       what + " entry shares " + Twine(*shared) +
                           " key bytes but the previous key has " +
                           Twine(key.size()));
    if (uint64_t(*nonShared) + *valueLen > c.remaining())
      return fileError(file, at,
                       what + " entry (" + Twine(*nonShared) + "-byte key, " +
                           Twine(*valueLen) + "-byte value) runs past the " +
                           "block's entries");
    uint64_t keyAt = c.offset();
    std::string newKey = key.substr(0, *shared);
    newKey.append(reinterpret_cast<const char *>(image.data() + keyAt),
                  *nonShared);
    if (!out.empty() && !(StringRef(out.back().key) < StringRef(newKey)))
      return fileError(file, at,
                       what + " key " + quoted(newKey) +
                           " is not after the previous key " +
                           quoted(out.back().key));
    key = std::move(newKey);
    ArrayRef<uint8_t> value = image.slice(keyAt + *nonShared, *valueLen);
    out.push_back({key, value, at});
    c = Cursor(file, image, keyAt + *nonShared + *valueLen, restartsAt);
    if (isRestart)
      ++nextRestart;
  }
  if (restartsAt != h.offset && nextRestart != restarts.size())
    return fileError(file, restartsAt + 4 * nextRestart,
                     what + " restart point " + Twine(nextRestart) +
                         " does not start an entry");
  return Error::success();
}

Expected<std::vector<TableEntry>> TableReader::readAll() {
  uint64_t size = image.size();
  if (size < kFooterSize)
    return fileError(file, 0,
                     "file is " + Twine(size) +
                         " bytes, shorter than the 48-byte table footer");
  uint64_t footer = size - kFooterSize;
  uint64_t magic = support::endian::read64le(image.data() + size - 8);
  if (magic != kTableMagic)
    return fileError(file, size - 8,
                     "bad table magic 0x" + Twine::utohexstr(magic) +
                         " (expected 0xdb4775248b80fb57): not a TensorBundle "
                         "index");
  Cursor fc(file, image, footer, footer + 2 * kMaxHandleSize);
  auto metaindex = decodeHandle(fc, footer, "metaindex block handle");
  if (!metaindex)
    return metaindex.takeError();
  auto index = decodeHandle(fc, footer, "index block handle");
  if (!index)
    return index.takeError();

  // The metaindex block is empty in TensorFlow's tables; only verify it.
  std::vector<TableEntry> meta;
  if (Error e = parseBlock(*metaindex, "metaindex block", meta))
    return std::move(e);

  std::vector<TableEntry> indexEntries;
  if (Error e = parseBlock(*index, "index block", indexEntries))
    return std::move(e);

  std::vector<TableEntry> entries;
  for (const TableEntry &ie : indexEntries) {
    uint64_t valueAt = ie.value.data() - image.data();
    Cursor hc(file, image, valueAt, valueAt + ie.value.size());
    auto h = decodeHandle(hc, footer, "data block handle");
    if (!h)
      return h.takeError();
    size_t before = entries.size();
    if (Error e = parseBlock(*h, "data block", entries))
      return std::move(e);
    // The index key separates blocks: >= every key of its block.
    if (entries.size() > before && StringRef(ie.key) < entries.back().key)
      return fileError(file, ie.offset,
                       "index key " + quoted(ie.key) + " sorts before key " +
                           quoted(entries.back().key) + " of its data block");
  }
  return entries;
}

//===----------------------------------------------------------------------===//
// Bundle entries
//===----------------------------------------------------------------------===//

/// Number of elements, or -1 on a negative dim or overflow.
int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d && n > std::numeric_limits<int64_t>::max() / d))
      return -1;
    n *= d;
  }
  return n;
}

Expected<CheckpointEntry> decodeEntry(StringRef file, const TableEntry &te,
                                      int32_t numShards) {
  tfproto::BundleEntryProto proto;
  if (!proto.ParseFromArray(te.value.data(), int(te.value.size())))
    return fileError(file, te.offset,
                     "cannot parse the BundleEntryProto of " + quoted(te.key));
  CheckpointEntry e;
  e.dtype = proto.dtype();
  e.shardId = proto.shard_id();
  e.offset = proto.offset();
  e.size = proto.size();
  e.maskedCrc32c = proto.crc32c();
  e.partitioned = proto.slices_size() > 0;
  e.indexOffset = te.offset;
  auto fail = [&](const Twine &msg) {
    return fileError(file, te.offset, "entry " + quoted(te.key) + ": " + msg);
  };
  if (e.dtype <= 0 || e.dtype > 100 || dtypeName(e.dtype) == "unknown")
    return fail("unknown dtype " + Twine(e.dtype));
  if (proto.shape().unknown_rank())
    return fail("shape has unknown rank");
  for (const auto &dim : proto.shape().dim()) {
    if (dim.size() < 0)
      return fail("shape has a negative dimension " + Twine(dim.size()));
    e.shape.push_back(dim.size());
  }
  int64_t elements = numElements(e.shape);
  if (elements < 0)
    return fail("shape " + shapeString(e.shape) + " overflows");
  if (e.partitioned)
    return e; // Location fields are unused; each slice has its own entry.
  if (e.shardId < 0 || e.shardId >= numShards)
    return fail("shard id " + Twine(e.shardId) + " is not below num_shards " +
                Twine(numShards));
  if (e.offset < 0 || e.size < 0)
    return fail("negative offset " + Twine(e.offset) + " or size " +
                Twine(e.size));
  if (int64_t width = dtypeSize(e.dtype)) {
    if (elements > std::numeric_limits<int64_t>::max() / width ||
        elements * width != e.size)
      return fail("size " + Twine(e.size) + " does not match " +
                  dtypeName(e.dtype) + " " + shapeString(e.shape) + " (" +
                  Twine(elements) + " elements of " + Twine(width) + " bytes)");
  } else if (e.dtype == tfproto::DT_STRING && e.size < elements + 4) {
    // At least one length byte per string plus the 4-byte length checksum.
    return fail("size " + Twine(e.size) + " is too small for " +
                Twine(elements) + " strings");
  }
  return e;
}

/// Decodes a DT_STRING tensor as TensorFlow writes it: varint64 lengths, a
/// masked CRC32C of the lengths (each as a little-endian uint32, or uint64 when
/// it does not fit), then the bytes. Returns the running CRC32C over lengths,
/// length checksum and bytes, which the entry's checksum covers.
Expected<uint32_t> decodeStrings(StringRef file, uint64_t base,
                                 ArrayRef<uint8_t> bytes, int64_t count,
                                 std::vector<std::string> &out) {
  Cursor c(file, bytes, 0, bytes.size());
  auto err = [&](uint64_t at, const Twine &msg) {
    return fileError(file, base + at, msg);
  };
  uint32_t crc = 0;
  std::vector<uint64_t> lengths;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t at = c.offset();
    auto len = c.varint64("string length");
    if (!len) {
      consumeError(len.takeError());
      return err(at, "bad string length varint");
    }
    uint8_t buf[8];
    if (*len <= std::numeric_limits<uint32_t>::max()) {
      support::endian::write32le(buf, uint32_t(*len));
      crc = crc32c(ArrayRef(buf, 4), crc);
    } else {
      support::endian::write64le(buf, *len);
      crc = crc32c(ArrayRef(buf, 8), crc);
    }
    lengths.push_back(*len);
  }
  uint64_t at = c.offset();
  if (c.remaining() < 4)
    return err(at, "string tensor ends before its length checksum");
  ArrayRef<uint8_t> rawSum = bytes.slice(at, 4);
  uint32_t stored = unmaskCrc32c(support::endian::read32le(rawSum.data()));
  if (stored != crc)
    return err(at, "string length checksum mismatch (stored " +
                       Twine::utohexstr(stored) + ", computed " +
                       Twine::utohexstr(crc) + ")");
  crc = crc32c(rawSum, crc);
  at += 4;
  for (uint64_t len : lengths) {
    if (len > bytes.size() - at)
      return err(at, "string of " + Twine(len) + " bytes runs past the tensor");
    ArrayRef<uint8_t> s = bytes.slice(at, len);
    crc = crc32c(s, crc);
    out.emplace_back(reinterpret_cast<const char *>(s.data()), s.size());
    at += len;
  }
  if (at != bytes.size())
    return err(at, "string tensor has " + Twine(bytes.size() - at) +
                       " trailing bytes");
  return crc;
}

} // namespace

//===----------------------------------------------------------------------===//
// Checkpoint
//===----------------------------------------------------------------------===//

std::string Checkpoint::shardPath(int32_t shard) const {
  std::string s;
  raw_string_ostream os(s);
  os << prefix << ".data-" << format("%05d", shard) << "-of-"
     << format("%05d", shardCount);
  return s;
}

const CheckpointEntry *Checkpoint::lookup(StringRef key) const {
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

Expected<Checkpoint> Checkpoint::open(StringRef prefix) {
  Checkpoint ckpt;
  ckpt.prefix = prefix.str();
  ckpt.indexFile = (prefix + ".index").str();
  StringRef file = ckpt.indexFile;

  auto buffer = MemoryBuffer::getFile(file, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(
        buffer.getError(),
        file + ": cannot open: " + buffer.getError().message());
  ArrayRef<uint8_t> image(
      reinterpret_cast<const uint8_t *>((*buffer)->getBufferStart()),
      (*buffer)->getBufferSize());

  auto table = TableReader(file, image).readAll();
  if (!table)
    return table.takeError();
  if (table->empty() || !table->front().key.empty())
    return fileError(file, table->empty() ? 0 : table->front().offset,
                     "missing the bundle header (the entry with key \"\")");

  // Header: shard count, endianness, format version.
  const TableEntry &headerEntry = table->front();
  tfproto::BundleHeaderProto header;
  if (!header.ParseFromArray(headerEntry.value.data(),
                             int(headerEntry.value.size())))
    return fileError(file, headerEntry.offset,
                     "cannot parse the BundleHeaderProto");
  if (header.num_shards() < 1)
    return fileError(file, headerEntry.offset,
                     "header has num_shards " + Twine(header.num_shards()));
  if (header.endianness() != tfproto::BundleHeaderProto::LITTLE)
    return fileError(file, headerEntry.offset,
                     "big-endian checkpoints are not supported");
  // Reader version 1, as TensorFlow's (kTensorBundleVersion).
  const auto &version = header.version();
  if (version.min_consumer() > 1 ||
      llvm::is_contained(version.bad_consumers(), 1))
    return fileError(file, headerEntry.offset,
                     "checkpoint format version (producer " +
                         Twine(version.producer()) + ", min_consumer " +
                         Twine(version.min_consumer()) +
                         ") is not readable by a version-1 reader");
  ckpt.shardCount = header.num_shards();

  // Entries, and the shards they point into.
  DenseMap<int32_t, uint64_t> shardSizes;
  for (const TableEntry &te : ArrayRef(*table).drop_front()) {
    auto entry = decodeEntry(file, te, ckpt.shardCount);
    if (!entry)
      return entry.takeError();
    if (!entry->partitioned) {
      std::string shard = ckpt.shardPath(entry->shardId);
      auto it = shardSizes.find(entry->shardId);
      if (it == shardSizes.end()) {
        uint64_t shardSize = 0;
        if (std::error_code ec = sys::fs::file_size(shard, shardSize))
          return createStringError(ec,
                                   shard + ": offset " + Twine(entry->offset) +
                                       ": cannot open the data shard of " +
                                       quoted(te.key) + ": " + ec.message());
        it = shardSizes.insert({entry->shardId, shardSize}).first;
      }
      if (uint64_t(entry->offset) > it->second ||
          uint64_t(entry->size) > it->second - entry->offset)
        return fileError(shard, entry->offset,
                         "tensor " + quoted(te.key) + " needs bytes [" +
                             Twine(entry->offset) + ", " +
                             Twine(entry->offset + entry->size) +
                             ") but the file has " + Twine(it->second));
    }
    ckpt.keyList.push_back(te.key);
    ckpt.entries.try_emplace(te.key, std::move(*entry));
  }
  return std::move(ckpt);
}

Expected<CheckpointTensor> Checkpoint::read(StringRef key) const {
  const CheckpointEntry *e = lookup(key);
  if (!e)
    return createStringError(inconvertibleErrorCode(),
                             indexFile + ": no entry for key " + quoted(key));
  if (e->partitioned)
    return fileError(indexFile, e->indexOffset,
                     quoted(key) + " is a partitioned tensor; not supported");
  if (e->dtype != tfproto::DT_STRING && !dtypeSize(e->dtype))
    return fileError(indexFile, e->indexOffset,
                     quoted(key) + " has dtype " + dtypeName(e->dtype) +
                         ", which cannot be read as data");

  std::string shard = shardPath(e->shardId);
  CheckpointTensor t;
  t.dtype = e->dtype;
  t.shape = e->shape;
  if (e->size > 0) {
    uint64_t shardSize = 0;
    if (std::error_code ec = sys::fs::file_size(shard, shardSize))
      return createStringError(ec, shard + ": offset " + Twine(e->offset) +
                                       ": cannot open: " + ec.message());
    if (uint64_t(e->offset) > shardSize ||
        uint64_t(e->size) > shardSize - e->offset)
      return fileError(shard, e->offset,
                       "tensor " + quoted(key) + " needs bytes [" +
                           Twine(e->offset) + ", " +
                           Twine(e->offset + e->size) + ") but the file has " +
                           Twine(shardSize));
    auto slice = MemoryBuffer::getFileSlice(shard, e->size, e->offset);
    if (!slice)
      return createStringError(
          slice.getError(), shard + ": offset " + Twine(e->offset) +
                                ": cannot read: " + slice.getError().message());
    t.data = (*slice)->getBuffer().str();
  }

  ArrayRef<uint8_t> bytes(reinterpret_cast<const uint8_t *>(t.data.data()),
                          t.data.size());
  uint32_t actual = 0;
  if (e->dtype == tfproto::DT_STRING) {
    auto crc = decodeStrings(shard, e->offset, bytes, numElements(e->shape),
                             t.strings);
    if (!crc)
      return crc.takeError();
    actual = *crc;
  } else {
    actual = crc32c(bytes);
  }
  uint32_t stored = unmaskCrc32c(e->maskedCrc32c);
  if (actual != stored)
    return fileError(shard, e->offset,
                     "checksum mismatch for " + quoted(key) + " (" +
                         Twine(e->size) + " bytes; stored " +
                         Twine::utohexstr(stored) + ", computed " +
                         Twine::utohexstr(actual) + ")");
  return t;
}

} // namespace kiln::tf
