// Reader for TensorFlow TensorBundle checkpoints, the variables of a TF2
// SavedModel: "<prefix>.index" (a LevelDB-format table of BundleEntryProto)
// and "<prefix>.data-NNNNN-of-MMMMM" shards. Assumes a little-endian host and
// uncompressed tables, which is what TensorFlow writes.
#ifndef KILN_COMPILER_FRONTENDS_TF_CHECKPOINT_H
#define KILN_COMPILER_FRONTENDS_TF_CHECKPOINT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::tf {

/// One tensor read from a checkpoint.
struct CheckpointTensor {
  /// TensorFlow DataType enum value (kiln::tfproto::DataType).
  int dtype = 0;
  /// Dimensions; empty for a scalar.
  std::vector<int64_t> shape;
  /// The tensor's bytes as stored: row-major little-endian elements for
  /// fixed-size dtypes; for DT_STRING the on-disk encoding (varint64 lengths,
  /// a 4-byte checksum, then the bytes), decoded into `strings`.
  std::string data;
  /// DT_STRING only: the decoded elements, row-major.
  std::vector<std::string> strings;
};

/// Metadata of one checkpoint entry, from the .index table.
struct CheckpointEntry {
  int dtype = 0;
  std::vector<int64_t> shape;
  int32_t shardId = 0;
  int64_t offset = 0;
  int64_t size = 0;
  /// Masked CRC32C of the tensor bytes, as stored.
  uint32_t maskedCrc32c = 0;
  /// True for a partitioned tensor (slices); read() rejects those.
  bool partitioned = false;
  /// Offset of the entry in the .index file, for messages.
  uint64_t indexOffset = 0;
};

/// An opened checkpoint. open() reads and verifies the whole .index table
/// (block checksums, key order, entry consistency, shard files present and
/// long enough); read() fetches and checksums one tensor. Thread-safe after
/// open(): read() keeps no state.
class Checkpoint {
public:
  /// `prefix` is "<savedmodel>/variables/variables".
  static llvm::Expected<Checkpoint> open(llvm::StringRef prefix);

  /// Checkpoint keys in sorted (bytewise) order, without the header key "".
  llvm::ArrayRef<std::string> keys() const { return keyList; }
  /// The entry for `key`, or null.
  const CheckpointEntry *lookup(llvm::StringRef key) const;
  /// Reads and checksums one tensor. Errors name the shard file and offset.
  llvm::Expected<CheckpointTensor> read(llvm::StringRef key) const;

  int32_t numShards() const { return shardCount; }
  /// "<prefix>.index".
  const std::string &indexPath() const { return indexFile; }
  /// "<prefix>.data-<shard>-of-<numShards>", both 5-digit, zero-padded.
  std::string shardPath(int32_t shard) const;

private:
  Checkpoint() = default;

  std::string prefix;
  std::string indexFile;
  int32_t shardCount = 0;
  std::vector<std::string> keyList;
  llvm::StringMap<CheckpointEntry> entries;
};

/// Bytes per element of a fixed-size dtype; 0 for DT_STRING, DT_RESOURCE,
/// DT_VARIANT and unknown values. 4-bit and 2-bit integers take one byte.
int64_t dtypeSize(int dtype);
/// TensorFlow's Python name of a dtype ("float32", "int64"...), or "unknown".
llvm::StringRef dtypeName(int dtype);

/// CRC32C (Castagnoli) of `data`, continuing from `crc` (0 to start).
uint32_t crc32c(llvm::ArrayRef<uint8_t> data, uint32_t crc = 0);
/// LevelDB/TensorFlow checksum masking, and its inverse.
uint32_t maskCrc32c(uint32_t crc);
uint32_t unmaskCrc32c(uint32_t masked);

} // namespace kiln::tf

#endif // KILN_COMPILER_FRONTENDS_TF_CHECKPOINT_H
