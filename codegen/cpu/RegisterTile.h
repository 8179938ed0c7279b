// Register tiles of kiln's matmul-shaped micro-kernels: how many output
// rows (mr) by how many columns (nr, whole vectors) one tile keeps in
// registers. Shared by kiln-cpu-select-strategy (tile sizes) and
// kiln-cpu-pack-weights (panel widths).
#ifndef KILN_CODEGEN_CPU_REGISTERTILE_H
#define KILN_CODEGEN_CPU_REGISTERTILE_H

#include <algorithm>
#include <cstdint>

namespace mlir::kiln {

/// Register tile of a matmul: mr rows of the output times nr columns (a
/// multiple of the vector length), one reduction step at a time. The
/// mr * nr / lanes accumulators plus one row of B and one broadcast must
/// fit the registers; among the tiles that divide M and N, the one with the
/// most FMAs per load (mr * v / (mr + v)) wins.
struct RegisterTile {
  int64_t mr = 0, nr = 0;
};

/// The best tile with at most `maxRows` rows (see chooseRegisterTile).
inline RegisterTile bestRegisterTile(int64_t m, int64_t n, int64_t lanes,
                                     int64_t registers, bool wholeN,
                                     bool dividingM, int64_t maxRows) {
  RegisterTile best;
  double bestScore = 0;
  // Whole numbers of vectors per row, as powers of two: LLVM splits a
  // 3-vector row into a shuffled mess instead of three registers.
  for (int64_t v : {1, 2, 4}) {
    if (n % (v * lanes) != 0 || (wholeN && n != v * lanes))
      continue;
    for (int64_t mr = 1; mr <= std::min<int64_t>(maxRows, m); ++mr) {
      // mr * v accumulators, v vectors of B and one broadcast of A.
      if ((dividingM && m % mr != 0) || mr * v + v + 1 > registers)
        continue;
      double score = double(mr * v) / double(mr + v);
      if (score > bestScore) {
        bestScore = score;
        best = {mr, v * lanes};
      }
    }
  }
  return best;
}

inline double tileScore(RegisterTile t, int64_t lanes) {
  int64_t v = t.nr / lanes;
  return t.mr ? double(t.mr * v) / double(t.mr + v) : 0.0;
}

/// With `wholeN`, the tile spans all of `n` (a packed panel). With
/// `dividingM`, mr divides `m`; otherwise mr is only at most `m` (the rows
/// left over are peeled into an op of their own). Up to 8 rows; up to 16
/// only where that does over 10% more FMAs per load than the best 8-row
/// tile: 2 vectors x 13 rows for a convolution's rows of 26, 2 x 14 (28
/// accumulators) for rows of 14 rather than 2 x 7 (ResNet-50's 3x3
/// convolutions at 14x14, 256 channels: 140 -> 154 GFLOP/s on one core).
inline RegisterTile chooseRegisterTile(int64_t m, int64_t n, int64_t lanes,
                                       int64_t registers, bool wholeN,
                                       bool dividingM) {
  RegisterTile small =
      bestRegisterTile(m, n, lanes, registers, wholeN, dividingM, 8);
  RegisterTile tall =
      bestRegisterTile(m, n, lanes, registers, wholeN, dividingM, 16);
  return tileScore(tall, lanes) > 1.1 * tileScore(small, lanes) ? tall : small;
}

} // namespace mlir::kiln

#endif // KILN_CODEGEN_CPU_REGISTERTILE_H
