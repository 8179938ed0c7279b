// Offset assignment for buffers with known sizes and live ranges.
#include "passes/memory/ArenaLayout.h"

#include <algorithm>
#include <numeric>

using namespace kiln;

static uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

ArenaLayout kiln::layoutArena(const std::vector<BufferLifetime> &buffers,
                              uint64_t alignment) {
  ArenaLayout layout;
  layout.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by definition order keep the result deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].size > buffers[b].size;
  });
  std::vector<size_t> placed;
  for (size_t i : order) {
    const BufferLifetime &buf = buffers[i];
    // Intervals [offset, offset+size) of placed buffers live at the same
    // time, sorted by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed) {
      const BufferLifetime &other = buffers[j];
      if (other.first <= buf.last && buf.first <= other.last)
        busy.push_back({layout.offsets[j], layout.offsets[j] + other.size});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + buf.size <= lo)
        break;
      offset = std::max(offset, alignUp(hi, alignment));
    }
    layout.offsets[i] = offset;
    layout.size = std::max(layout.size, alignUp(offset + buf.size, alignment));
    placed.push_back(i);
  }
  return layout;
}
