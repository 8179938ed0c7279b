// Offset assignment for buffers with known sizes and live ranges: the pure
// arithmetic behind kiln-memory-plan-arena, testable without IR.
#ifndef KILN_PASSES_MEMORY_ARENALAYOUT_H
#define KILN_PASSES_MEMORY_ARENALAYOUT_H

#include <cstdint>
#include <vector>

namespace kiln {

struct BufferLifetime {
  uint64_t size;  // bytes
  int64_t first;  // index of the op that defines the buffer
  int64_t last;   // index of the last op that uses it (inclusive)
};

struct ArenaLayout {
  std::vector<uint64_t> offsets; // one per buffer, multiples of `alignment`
  uint64_t size = 0;             // bytes the arena needs
};

/// Greedy best-fit by decreasing size: each buffer takes the lowest aligned
/// offset that overlaps no buffer live at the same time.
ArenaLayout layoutArena(const std::vector<BufferLifetime> &buffers,
                        uint64_t alignment);

} // namespace kiln

#endif // KILN_PASSES_MEMORY_ARENALAYOUT_H
