// kiln-cuda-tile-contractions: f32 matmuls and NHWC convolutions become
// GPU kernels tiled through shared memory (a classic SIMT GEMM): each block
// computes a 64x64 tile of the output, staging 16-wide slices of the
// reduction of both operands in shared memory, and each of its 256 threads
// accumulates a 4x4 register tile.
#include "codegen/cuda/Gemm.h"
#include "codegen/cuda/Passes.h"
#include "codegen/cuda/SelectStrategy.h"
#include "dialects/kiln/AbiAttrs.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDATILECONTRACTIONS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;
using namespace mlir::kiln::cuda;

namespace {

// The tiling: block tile kTileM x kTileN, reduction slices of kTileK,
// kThreads threads, each kRegM x kRegN outputs (rows ty*kRegM + i, columns
// tx + i * kThreadsN: neighbouring threads write neighbouring columns).
constexpr int64_t kTileM = 64, kTileN = 64, kTileK = 16;
constexpr int64_t kThreads = 256, kRegM = 4, kRegN = 4;
constexpr int64_t kThreadsN = kTileN / kRegN; // 16 threads across columns
// A is staged row-major (As[m][k]); its rows are padded to 80 bytes
// (16-byte aligned rows for cp.async and vector stores).
constexpr int64_t kPadK = kTileK + 4;
static_assert(kThreads * kRegM * kRegN == kTileM * kTileN);
static_assert(kTileM * kTileK % kThreads == 0);
static_assert(kTileN * kTileK % kThreads == 0);

/// `load()` where `inside`, else 0.
Value loadOrZero(OpBuilder &b, Location loc, Value inside,
                 function_ref<Value()> load) {
  auto f32 = b.getF32Type();
  auto branch = scf::IfOp::create(b, loc, TypeRange{f32}, inside,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(b, loc, load());
  b.setInsertionPointToStart(branch.elseBlock());
  scf::YieldOp::create(
      b, loc,
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)).getResult());
  return branch.getResult(0);
}

/// `load()` (`count` values) where `inside`, else zeros.
SmallVector<Value> loadOrZeros(OpBuilder &b, Location loc, Value inside,
                               int64_t count,
                               function_ref<SmallVector<Value>()> load) {
  auto f32 = b.getF32Type();
  auto branch = scf::IfOp::create(b, loc, SmallVector<Type>(count, f32), inside,
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(b, loc, load());
  b.setInsertionPointToStart(branch.elseBlock());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  scf::YieldOp::create(b, loc, SmallVector<Value>(count, zero));
  return SmallVector<Value>(branch.getResults());
}

/// What both GEMM kernels share: the launch (grid (M/tileM, N/tileN, batch
/// x split-K parts) of `threads`-thread blocks) with A's and B's shared slices,
/// the builder inside it, the block's tile origin and the bounds, and index
/// helpers.
struct Frame {
  OpBuilder &b;
  Location loc;
  const Gemm &g;
  int64_t threads, tileM, tileN, tileK;
  gpu::LaunchOp launch;
  Value as, bs, t, batch, m0, n0;
  // Split-K (g.splits > 1): this block's part of the reduction (grid z is
  // batch x parts) and where its partial sums go.
  Value part;

  Frame(OpBuilder &b, Location loc, const Gemm &g, int64_t threads,
        MemRefType aSlice, MemRefType bSlice, int64_t tileM = kTileM,
        int64_t tileN = kTileN, int64_t tileK = kTileK)
      : b(b), loc(loc), g(g), threads(threads), tileM(tileM), tileN(tileN),
        tileK(tileK) {
    auto grid = [&](int64_t size, int64_t tile) {
      return c((size + tile - 1) / tile);
    };
    launch =
        gpu::LaunchOp::create(b, loc, grid(g.m, tileM), grid(g.n, tileN),
                              c(g.batch * g.splits), c(threads), c(1), c(1));
    as = launch.addWorkgroupAttribution(aSlice, loc);
    bs = launch.addWorkgroupAttribution(bSlice, loc);
    // The caller keeps an InsertionGuard: the kernel is built inside.
    b.setInsertionPointToStart(&launch.getBody().front());
    t = launch.getThreadIds().x;
    batch = launch.getBlockIds().z;
    if (g.splits > 1) {
      part = arith::RemUIOp::create(b, loc, batch, c(g.splits));
      batch = arith::DivUIOp::create(b, loc, batch, c(g.splits));
    }
    m0 = mul(launch.getBlockIds().x, tileM);
    n0 = mul(launch.getBlockIds().y, tileN);
  }
  Value c(int64_t v) { return idx(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y));
  }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }

  /// The loop over the reduction's tileK-wide slices, double-buffered:
  /// the shared buffers hold two slices (halves 0 and 1, one above the
  /// other); while the block computes on slice s in half s % 2 (`compute`
  /// gets the half and the loop's values, returns the next ones), slice
  /// s + 1's global loads are already in flight, and are stored into the
  /// other half after it (`storeA(v, m, k, half)`, `storeB(v, k, n,
  /// half)`); one barrier per slice. Each thread stages `vectorA`
  /// (`vectorB`) neighbouring elements of a row of A (B), which NVPTX
  /// loads as one vector where the operand's alignment allows; zeros
  /// outside the operands. With `asyncA` (`asyncB`, asyncCopyWidth), A's
  /// (B's) rows go into its shared buffer (row m of half h at tileM h + m;
  /// B's k at tileK h + k) by asynchronous copies of that many elements
  /// instead (cp.async: no registers on the way), waited for after the
  /// computation.
  scf::ForOp
  slices(ValueRange init, int64_t vectorA, int64_t vectorB, int64_t asyncA,
         int64_t asyncB, function_ref<void(Value, Value, Value, Value)> storeA,
         function_ref<void(Value, Value, Value, Value)> storeB,
         function_ref<SmallVector<Value>(Value, ValueRange)> compute) {
    int64_t count = (g.k + tileK - 1) / tileK;
    // The slices [first, end) of this block's part of the reduction.
    Value first = c(0), end = c(count), last = c(count - 1);
    if (g.splits > 1) {
      first = mul(part, g.slicesPerSplit);
      end = arith::MinUIOp::create(b, loc, add(first, c(g.slicesPerSplit)),
                                   c(count));
      last = arith::SubIOp::create(b, loc, end, c(1));
    }
    // Slice k0: the elements staged through registers (A's, then B's) and
    // the group of the asynchronous copies into `half` (null: none).
    auto loadSlice = [&](Value k0, Value half) {
      SmallVector<Staged> staged;
      SmallVector<Value> copies;
      if (asyncA) {
        auto valid = [&](Value m, Value k) {
          return g.aValid(b, loc, batch, m, k);
        };
        copies = copyTile(
            tileM, tileK, m0, k0, g.m, g.k, asyncA, as, mul(half, tileM),
            g.aBuffer,
            [&](Value m, Value k) { return g.aIndices(b, loc, batch, m, k); },
            g.aValid ? function_ref<Value(Value, Value)>(valid) : nullptr);
      } else {
        staged = loadTile(
            tileM, tileK, m0, k0, g.m, g.k,
            [&](Value m, Value k) { return g.loadA(b, loc, batch, m, k); },
            vectorA,
            g.loadARun
                ? function_ref<SmallVector<Value>(Value, Value, int64_t)>(
                      [&](Value m, Value k, int64_t count) {
                        return g.loadARun(b, loc, batch, m, k, count);
                      })
                : nullptr);
        for (Staged &e : staged)
          e.isA = true;
      }
      if (asyncB) {
        SmallVector<Value> bCopies =
            copyTile(tileK, tileN, k0, n0, g.k, g.n, asyncB, bs,
                     mul(half, tileK), g.bBuffer, [&](Value k, Value n) {
                       return g.bIndices(b, loc, batch, k, n);
                     });
        copies.append(bCopies.begin(), bCopies.end());
      } else {
        SmallVector<Staged> bTile = loadTile(
            tileK, tileN, k0, n0, g.k, g.n,
            [&](Value k, Value n) { return g.loadB(b, loc, batch, k, n); },
            vectorB);
        staged.append(bTile.begin(), bTile.end());
      }
      Value group;
      if (!copies.empty())
        group = nvgpu::DeviceAsyncCreateGroupOp::create(
            b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), copies);
      return std::make_pair(staged, group);
    };
    auto storeSlice = [&](const std::pair<SmallVector<Staged>, Value> &slice,
                          Value half) {
      for (const Staged &e : slice.first)
        (e.isA ? storeA : storeB)(e.value, e.row, e.col, half);
      if (slice.second)
        nvgpu::DeviceAsyncWaitOp::create(b, loc, slice.second, IntegerAttr());
    };
    storeSlice(loadSlice(mul(first, tileK), c(0)), c(0));
    gpu::BarrierOp::create(b, loc);
    auto loop = scf::ForOp::create(b, loc, first, end, c(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value s = loop.getInductionVar();
    Value half = arith::RemUIOp::create(
        b, loc, g.splits > 1 ? arith::SubIOp::create(b, loc, s, first) : s,
        c(2));
    Value other = arith::SubIOp::create(b, loc, c(1), half);
    // The last slice loads itself again into the half nobody reads.
    Value next = arith::MinUIOp::create(b, loc, add(s, c(1)), last);
    auto staged = loadSlice(mul(next, tileK), other);
    SmallVector<Value> results = compute(half, loop.getRegionIterArgs());
    storeSlice(staged, other);
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, results);
    return loop;
  }

  /// Issues the asynchronous copies of a rows x cols tile at (row0, col0)
  /// of a rowSize x colSize operand, element (r, c) of which is
  /// `src`[srcIndices(r, c)], into `dst` at (dstRow0 + r, c): consecutive
  /// threads copy consecutive runs of `vector` elements of a row (zeros
  /// outside the operand, and where `valid(r, c)` is false (a padding),
  /// if given: a run lies inside or outside as a whole, asyncCopyWidth
  /// divides its columns); returns the copies.
  SmallVector<Value>
  copyTile(int64_t rows, int64_t cols, Value row0, Value col0, int64_t rowSize,
           int64_t colSize, int64_t vector, Value dst, Value dstRow0, Value src,
           function_ref<SmallVector<Value>(Value, Value)> srcIndices,
           function_ref<Value(Value, Value)> valid = nullptr) {
    auto token = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    auto type = cast<MemRefType>(src.getType());
    bool whole16 = vector * type.getElementTypeBitWidth() == 128;
    SmallVector<Value> copies;
    for (int64_t i = 0; i < rows * cols / threads / vector; ++i) {
      Value run = mul(add(t, c(i * threads)), vector);
      Value row = arith::DivUIOp::create(b, loc, run, c(cols));
      Value col = arith::RemUIOp::create(b, loc, run, c(cols));
      Value gr = add(row0, row), gc = add(col0, col), from;
      Value in = inside(gr, gc, rowSize, colSize, rows, cols);
      if (valid) {
        // (srcIndices keep a padding's element inside src.)
        Value real = valid(gr, gc);
        from = arith::SelectOp::create(b, loc, in ? both(in, real) : real,
                                       c(vector), c(0));
      }
      if (in) {
        // Outside: no bytes read (from element (0, 0), which exists), all
        // zero-filled.
        if (!valid)
          from = arith::SelectOp::create(b, loc, in, c(vector), c(0));
        gr = arith::SelectOp::create(b, loc, in, gr, c(0));
        gc = arith::SelectOp::create(b, loc, in, gc, c(0));
      }
      copies.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, token, dst, ValueRange{add(row, dstRow0), col}, src,
          srcIndices(gr, gc), b.getIndexAttr(vector), from,
          whole16 ? b.getUnitAttr() : UnitAttr()));
    }
    return copies;
  }

  /// Whether (r, c) lies inside a rows x cols operand, checking only the
  /// dimensions the tiles (tileRows x tileCols) do not divide; null when
  /// every tile lies inside.
  Value inside(Value r, Value cl, int64_t rows, int64_t cols, int64_t tileRows,
               int64_t tileCols) {
    Value cond;
    if (rows % tileRows)
      cond = lt(r, c(rows));
    if (cols % tileCols) {
      Value in = lt(cl, c(cols));
      cond = cond ? both(cond, in) : in;
    }
    return cond;
  }

  /// An element staged for shared memory: its value and its place in the
  /// tile.
  struct Staged {
    Value value, row, col;
    bool isA = false;
  };

  /// Loads one rows x cols tile at (row0, col0) of a rowSize x colSize
  /// operand: consecutive threads take consecutive runs of `vector`
  /// columns (where the tile's columns and each thread's share split that
  /// way, else single columns); zeros outside the operand.
  SmallVector<Staged>
  loadTile(int64_t rows, int64_t cols, Value row0, Value col0, int64_t rowSize,
           int64_t colSize, function_ref<Value(Value, Value)> load,
           int64_t vector,
           function_ref<SmallVector<Value>(Value, Value, int64_t)> loadRun =
               nullptr) {
    SmallVector<Staged> tile;
    int64_t perThread = rows * cols / threads;
    if (cols % vector != 0 || perThread % vector != 0)
      vector = 1;
    for (int64_t i = 0; i < perThread / vector; ++i) {
      Value run = mul(add(t, c(i * threads)), vector);
      Value row = arith::DivUIOp::create(b, loc, run, c(cols));
      Value first = arith::RemUIOp::create(b, loc, run, c(cols));
      if (loadRun && vector > 1 && colSize % vector == 0) {
        // The run lies inside or outside as a whole.
        Value gr = add(row0, row), gc = add(col0, first);
        Value cond = inside(gr, gc, rowSize, colSize, rows, cols);
        SmallVector<Value> values =
            cond ? loadOrZeros(b, loc, cond, vector,
                               [&] { return loadRun(gr, gc, vector); })
                 : loadRun(gr, gc, vector);
        for (int64_t j = 0; j < vector; ++j)
          tile.push_back({values[j], row, j ? add(first, c(j)) : first});
        continue;
      }
      for (int64_t j = 0; j < vector; ++j) {
        Value col = j ? add(first, c(j)) : first;
        Value gr = add(row0, row), gc = add(col0, col);
        Value cond = inside(gr, gc, rowSize, colSize, rows, cols);
        tile.push_back(
            {cond ? loadOrZero(b, loc, cond, [&] { return load(gr, gc); })
                  : load(gr, gc),
             row, col});
      }
    }
    return tile;
  }

  /// storeResult at (m, n) where it lies inside the output (split-K: the
  /// partial sum into the block's part of the workspace).
  void storeInside(Value m, Value n, Value acc) {
    auto store = [&] {
      if (g.splits > 1)
        memref::StoreOp::create(b, loc, acc, g.partials,
                                ValueRange{launch.getBlockIds().z, m, n});
      else
        storeResult(b, loc, g, batch, m, n, acc);
    };
    Value cond = inside(m, n, g.m, g.n, tileM, tileN);
    if (!cond)
      return store();
    auto in = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(in.thenBlock());
    store();
  }
};

/// How many elements each asynchronous copy of an operand staged as
/// `staged` takes, copying runs along the innermost dimension of `buffer`
/// in `tileElems`-element slices among `threads` threads: 16 bytes where
/// the buffer holds `staged` (no conversion on the way), its innermost
/// dimension and the operand's `cols` (which the tile bounds check) are
/// multiples of the copy, its other strides and offset whole multiples of
/// 16 bytes and its pointer so aligned in every launch, and each thread's
/// share splits into such copies; 0 where it is staged through registers.
int64_t asyncCopyWidth(Value buffer, Type staged, int64_t cols,
                       int64_t tileElems, int64_t threads) {
  if (!buffer)
    return 0;
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getElementType() != staged || type.getElementTypeBitWidth() % 8)
    return 0;
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  int64_t width = 16 / bytes;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (cols % width || tileElems / threads % width ||
      type.getShape().back() % width ||
      failed(type.getStridesAndOffset(strides, offset)) || strides.empty() ||
      strides.back() != 1 || ShapedType::isDynamic(offset) ||
      offset * bytes % 16 || pointerAlignment(buffer) < 16)
    return 0;
  for (int64_t stride : ArrayRef(strides).drop_back())
    if (ShapedType::isDynamic(stride) || stride * bytes % 16)
      return 0;
  return width;
}

MemRefType sharedSlice(ArrayRef<int64_t> shape, Type elem) {
  return MemRefType::get(shape, elem, MemRefLayoutAttrInterface(),
                         gpu::AddressSpaceAttr::get(
                             elem.getContext(), gpu::AddressSpace::Workgroup));
}

/// The SIMT (fp32) kernel computing `g`, at the builder's insertion point.
void buildKernel(OpBuilder &b, Location loc, const Gemm &g) {
  MLIRContext *ctx = b.getContext();
  auto f32 = b.getF32Type();
  auto contract =
      arith::FastMathFlagsAttr::get(ctx, arith::FastMathFlags::contract);
  OpBuilder::InsertionGuard guard(b);
  // A is staged as it is (as[m][k]), its rows padded to 80 bytes (16-byte
  // aligned for cp.async); two slices each (A's rows m and kTileM + m, B's
  // k and kTileK + k).
  Frame f(b, loc, g, kThreads, sharedSlice({2 * kTileM, kPadK}, f32),
          sharedSlice({2 * kTileK, kTileN}, f32));
  Value as = f.as, bs = f.bs;
  Value tx = arith::RemUIOp::create(b, loc, f.t, f.c(kThreadsN));
  Value ty = arith::DivUIOp::create(b, loc, f.t, f.c(kThreadsN));
  auto add = [&](Value x, Value y) { return f.add(x, y); };
  // Row `k` of a slice in `half`.
  auto sliceRow = [&](Value k, Value half) {
    return add(k, f.mul(half, kTileK));
  };

  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> init(kRegM * kRegN, zero);
  auto compute = [&](Value half, ValueRange acc) {
    // The thread's rows of A (a warp reads two addresses: broadcasts).
    Value aRow0 = add(f.mul(half, kTileM),
                      arith::MulIOp::create(b, loc, ty, idx(b, loc, kRegM)));
    auto steps = scf::ForOp::create(b, loc, idx(b, loc, 0), idx(b, loc, kTileK),
                                    idx(b, loc, 1), acc);
    OpBuilder::InsertionGuard step(b);
    b.setInsertionPointToStart(steps.getBody());
    Value k = sliceRow(steps.getInductionVar(), half);
    SmallVector<Value> a, bv;
    for (int64_t i = 0; i < kRegM; ++i)
      a.push_back(memref::LoadOp::create(
          b, loc, as,
          ValueRange{add(aRow0, idx(b, loc, i)), steps.getInductionVar()}));
    for (int64_t j = 0; j < kRegN; ++j)
      bv.push_back(memref::LoadOp::create(
          b, loc, bs, ValueRange{k, add(tx, idx(b, loc, j * kThreadsN))}));
    SmallVector<Value> next;
    for (int64_t i = 0; i < kRegM; ++i)
      for (int64_t j = 0; j < kRegN; ++j) {
        Value prod = arith::MulFOp::create(b, loc, a[i], bv[j], contract);
        next.push_back(arith::AddFOp::create(
            b, loc, steps.getRegionIterArgs()[i * kRegN + j], prod, contract));
      }
    scf::YieldOp::create(b, loc, next);
    return SmallVector<Value>(steps.getResults());
  };
  auto slices = f.slices(
      init,
      // Both along their rows, 4 wide (a convolution's gather: runs of 4
      // channels at one input position), copied asynchronously where they
      // can be.
      /*vectorA=*/4, /*vectorB=*/4,
      asyncCopyWidth(g.aBuffer, f32, g.k, kTileM * kTileK, kThreads),
      asyncCopyWidth(g.bBuffer, f32, g.n, kTileK * kTileN, kThreads),
      [&](Value v, Value m, Value k, Value half) {
        memref::StoreOp::create(b, loc, v, as,
                                ValueRange{add(m, f.mul(half, kTileM)), k});
      },
      [&](Value v, Value k, Value n, Value half) {
        memref::StoreOp::create(b, loc, v, bs,
                                ValueRange{sliceRow(k, half), n});
      },
      compute);
  // The results, inside the output.
  for (int64_t i = 0; i < kRegM; ++i)
    for (int64_t j = 0; j < kRegN; ++j) {
      Value gm = f.add(f.m0, f.add(f.mul(ty, kRegM), f.c(i)));
      Value gn = f.add(f.n0, f.add(tx, f.c(j * kThreadsN)));
      f.storeInside(gm, gn, slices.getResult(i * kRegN + j));
    }
  gpu::TerminatorOp::create(b, loc);
}

// ---- Tensor cores (--precision=tf32|fp16|bf16) ----------------------------
// mma.sync on sm_80+: a 64x64 block tile, 4 warps of 32x32 (2 x 4 tiles of
// 16x8 per warp, f32 accumulators), or 128x128 of 8 warps of 64x32;
// reduction slices of 16 (or 32: CudaGemmStrategy's tileK) staged in
// shared memory in the multiplication type (A row-major tileM x tileK, B
// tileK x tileN).
// Fragments follow the PTX ISA's layouts for mma.m16n8k16 (f16, bf16) and
// mma.m16n8k8 (tf32): with lane = 4 * g + t,
//   A (16 x 16, f16): a[2r + h] = A[g + 8 (r & 1)][2t + h + 8 (r >> 1)]
//   B (16 x 8, f16):  b[2r + h] = B[2t + h + 8 r][g]
//   A (16 x 8, tf32): a[r] = A[g + 8 (r & 1)][t + 4 (r >> 1)]
//   B (8 x 8, tf32):  b[r] = B[t + 4 r][g]
//   C, D (16 x 8):    c[2r + h] = C[g + 8 r][2t + h]
// Row pads: A's fragment loads (ldmatrix's 8 rows of 16 bytes; tf32: row
// g, column t) then hit distinct banks: 8 elements for 16-bit types (row
// strides of 12 or 20 words), 4 for tf32 (20 words); B's rows 8 elements
// longer than the tile.
constexpr int64_t kMmaPadK16 = 8, kMmaPadK32 = 4;
constexpr int64_t kMmaPadN = 8;

void buildMmaKernel(OpBuilder &b, Location loc, const Gemm &g,
                    StringRef precision, const CudaGemmStrategy &tiles) {
  auto f32 = b.getF32Type();
  bool tf32 = precision == "tf32";
  Type elem = tf32 ? Type(f32) : cudaNarrowType(b.getContext(), precision);
  int64_t mmaK = tf32 ? 8 : 16;
  OpBuilder::InsertionGuard guard(b);
  // A row-major (as[m][k]), B as[k][n], both padded.
  int64_t warpM = tiles.warpM, warpN = tiles.warpN;
  int64_t warpsN = tiles.tileN / warpN;
  // Two slices each (double buffering): A's rows m and tileM + m, B's k and
  // tileK + k.
  Frame f(b, loc, g, tiles.threads(),
          sharedSlice({2 * tiles.tileM,
                       tiles.tileK + (tf32 ? kMmaPadK32 : kMmaPadK16)},
                      elem),
          sharedSlice({2 * tiles.tileK, tiles.tileN + kMmaPadN}, elem),
          tiles.tileM, tiles.tileN, tiles.tileK);
  Value as = f.as, bs = f.bs, t = f.t;
  auto c = [&](int64_t v) { return f.c(v); };
  auto add = [&](Value x, Value y) { return f.add(x, y); };
  auto mul = [&](Value x, int64_t y) { return f.mul(x, y); };
  Value m0 = f.m0, n0 = f.n0;
  Value lane = arith::RemUIOp::create(b, loc, t, c(32));
  Value warp = arith::DivUIOp::create(b, loc, t, c(32));
  Value gid = arith::DivUIOp::create(b, loc, lane, c(4));
  Value tig = arith::RemUIOp::create(b, loc, lane, c(4));
  // Warp w: rows (w / warpsN) * warpM, columns (w % warpsN) * warpN of the
  // block tile.
  Value wm = mul(arith::DivUIOp::create(b, loc, warp, c(warpsN)), warpM);
  Value wn = mul(arith::RemUIOp::create(b, loc, warp, c(warpsN)), warpN);
  const int64_t tilesM = warpM / 16, tilesN = warpN / 8;
  // Accumulators as scalars (4 per mma tile) across the loop: no vector
  // value crosses the kernel's boundary or the loop's.
  auto accType = VectorType::get({2, 2}, f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> init(tilesM * tilesN * 4, zero);
  // fp16/bf16: rounded to nearest; tf32: rounded to its 10 mantissa
  // bits (half away from zero, as cvt.rna.tf32.f32), which the tensor
  // cores would otherwise truncate.
  auto narrow = [&](Value v) -> Value {
    if (!tf32)
      return arith::TruncFOp::create(b, loc, elem, v).getResult();
    auto i32 = b.getI32Type();
    Value bits = arith::BitcastOp::create(b, loc, i32, v);
    auto k = [&](int64_t x) {
      return arith::ConstantIntOp::create(b, loc, i32, x);
    };
    Value up = arith::AddIOp::create(b, loc, bits, k(0x1000));
    Value kept = arith::AndIOp::create(b, loc, up, k(0xffffe000));
    // NaN and infinity keep their bits.
    Value exponent = arith::AndIOp::create(b, loc, bits, k(0x7f800000));
    Value special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          exponent, k(0x7f800000));
    Value rounded = arith::SelectOp::create(b, loc, special, bits, kept);
    return arith::BitcastOp::create(b, loc, b.getF32Type(), rounded);
  };
  auto compute = [&](Value half, ValueRange accIn) {
    // The slice's rows in the shared buffers' halves.
    Value aHalf = mul(half, tiles.tileM), bHalf = mul(half, tiles.tileK);
    SmallVector<Value> acc;
    for (int64_t tile = 0; tile < tilesM * tilesN; ++tile)
      acc.push_back(vector::FromElementsOp::create(b, loc, accType,
                                                   accIn.slice(4 * tile, 4)));
    for (int64_t ks = 0; ks < tiles.tileK; ks += mmaK) {
      // Fragments of the warp's 2 row tiles and 4 column tiles.
      SmallVector<Value> aFrag, bFrag;
      for (int64_t mi = 0; mi < tilesM; ++mi) {
        Value r0 = add(add(add(wm, aHalf), c(mi * 16)), gid);
        SmallVector<Value> elems;
        if (tf32) {
          for (int64_t r = 0; r < 4; ++r)
            elems.push_back(memref::LoadOp::create(
                b, loc, as,
                ValueRange{add(r0, c(8 * (r & 1))),
                           add(tig, c(ks + 4 * (r >> 1)))}));
          aFrag.push_back(vector::FromElementsOp::create(
              b, loc, VectorType::get({4, 1}, elem), elems));
        } else {
          // ldmatrix.x4: lanes 8q .. 8q + 7 give the rows of 8x8 matrix q
          // (rows 8 (q & 1) + lane % 8, columns 8 (q >> 1) of the 16x16
          // tile); register q of lane 4g + t is matrix q's row g, columns
          // 2t and 2t + 1: the fragment's a[2q], a[2q + 1].
          Value q = arith::DivUIOp::create(b, loc, lane, c(8));
          Value row = add(add(add(add(wm, aHalf), c(mi * 16)),
                              mul(arith::RemUIOp::create(b, loc, q, c(2)), 8)),
                          arith::RemUIOp::create(b, loc, lane, c(8)));
          Value col =
              add(mul(arith::DivUIOp::create(b, loc, q, c(2)), 8), c(ks));
          aFrag.push_back(nvgpu::LdMatrixOp::create(
              b, loc, VectorType::get({4, 2}, elem), as, ValueRange{row, col},
              /*transpose=*/false, /*numTiles=*/4));
        }
      }
      for (int64_t ni = 0; ni < tilesN; ++ni) {
        Value col = add(add(wn, c(ni * 8)), gid);
        SmallVector<Value> elems;
        if (tf32) {
          for (int64_t r = 0; r < 2; ++r)
            elems.push_back(memref::LoadOp::create(
                b, loc, bs,
                ValueRange{add(add(tig, bHalf), c(ks + 4 * r)), col}));
          bFrag.push_back(vector::FromElementsOp::create(
              b, loc, VectorType::get({2, 1}, elem), elems));
        } else {
          // ldmatrix.x2.trans: lanes 0 .. 15 give rows k = ks + lane of the
          // 16x8 tile (B is stored k-major), read transposed: register r of
          // lane 4g + t is B[2t + 8r][g], B[2t + 8r + 1][g], the fragment's
          // b[2r], b[2r + 1]. (Lanes 16 .. 31 repeat 0 .. 15: ignored.)
          Value k = add(add(arith::RemUIOp::create(b, loc, lane, c(16)), bHalf),
                        c(ks));
          bFrag.push_back(
              nvgpu::LdMatrixOp::create(b, loc, VectorType::get({2, 2}, elem),
                                        bs, ValueRange{k, add(wn, c(ni * 8))},
                                        /*transpose=*/true, /*numTiles=*/2));
        }
      }
      for (int64_t mi = 0; mi < tilesM; ++mi)
        for (int64_t ni = 0; ni < tilesN; ++ni) {
          Value &d = acc[mi * tilesN + ni];
          d = nvgpu::MmaSyncOp::create(b, loc, aFrag[mi], bFrag[ni], d,
                                       ArrayRef<int64_t>{16, 8, mmaK}, tf32);
        }
    }
    SmallVector<Value> out;
    for (Value d : acc)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t h = 0; h < 2; ++h)
          out.push_back(
              vector::ExtractOp::create(b, loc, d, ArrayRef<int64_t>{r, h}));
    return out;
  };
  auto slices = f.slices(
      init,
      // Both stored along their rows: 4-wide runs (16-byte f32 loads);
      // each copied asynchronously where it already is of the staged type
      // (a narrowed weight or activation; tf32 rounds when staging).
      /*vectorA=*/4, /*vectorB=*/4,
      tf32 ? 0
           : asyncCopyWidth(g.aBuffer, elem, g.k, tiles.tileM * tiles.tileK,
                            tiles.threads()),
      tf32 ? 0
           : asyncCopyWidth(g.bBuffer, elem, g.n, tiles.tileK * tiles.tileN,
                            tiles.threads()),
      [&](Value v, Value m, Value k, Value half) {
        memref::StoreOp::create(b, loc, narrow(v), as,
                                ValueRange{add(m, mul(half, tiles.tileM)), k});
      },
      [&](Value v, Value k, Value n, Value half) {
        memref::StoreOp::create(b, loc, narrow(v), bs,
                                ValueRange{add(k, mul(half, tiles.tileK)), n});
      },
      compute);
  // The results, inside the output.
  for (int64_t mi = 0; mi < tilesM; ++mi)
    for (int64_t ni = 0; ni < tilesN; ++ni)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t h = 0; h < 2; ++h) {
          Value gm = add(m0, add(add(wm, c(mi * 16 + 8 * r)), gid));
          Value gn = add(n0, add(add(wn, c(ni * 8 + h)), mul(tig, 2)));
          f.storeInside(gm, gn,
                        slices.getResult((mi * tilesN + ni) * 4 + 2 * r + h));
        }
  gpu::TerminatorOp::create(b, loc);
}

// ---- A thread per element -------------------------------------------------

/// A kernel of a thread per element of `total`: a 1-D grid of 256-thread
/// blocks. Returns the launch and the thread's element, the builder inside
/// the bounds guard (the caller ends the body with the terminator).
std::pair<gpu::LaunchOp, Value> launchPerElement(OpBuilder &b, Location loc,
                                                 int64_t total) {
  constexpr int64_t threads = 256;
  auto c = [&](int64_t v) { return idx(b, loc, v); };
  auto launch =
      gpu::LaunchOp::create(b, loc, c((total + threads - 1) / threads), c(1),
                            c(1), c(threads), c(1), c(1));
  b.setInsertionPointToStart(&launch.getBody().front());
  Value i = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, c(threads)),
      launch.getThreadIds().x);
  if (total % threads) {
    auto in = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, c(total)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(in.thenBlock());
  }
  return {launch, i};
}

// ---- Depthwise convolutions --------------------------------------------------

/// The kernel of depthwise convolution `g` (g.sum): a thread per output,
/// neighbouring threads on neighbouring channels (coalesced NHWC loads and
/// stores), each summing its window and storing it as a GEMM stores its
/// result (bias or fill, fused epilogue).
void buildDepthwiseKernel(OpBuilder &b, Location loc, const Gemm &g) {
  OpBuilder::InsertionGuard guard(b);
  auto c = [&](int64_t v) { return idx(b, loc, v); };
  auto [launch, i] = launchPerElement(b, loc, g.m * g.n);
  Value row = arith::DivUIOp::create(b, loc, i, c(g.n));
  Value col = arith::RemUIOp::create(b, loc, i, c(g.n));
  storeResult(b, loc, g, c(0), row, col, g.sum(b, loc, row, col));
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

// ---- Split-K ---------------------------------------------------------------

/// The second kernel of a split GEMM: each output element's partial sums
/// added in the parts' order (the same result every run), then stored as
/// the unsplit kernel stores its sum (storeResult: initial value, fused
/// epilogue). A thread per element.
void buildSplitSum(OpBuilder &b, Location loc, const Gemm &g) {
  OpBuilder::InsertionGuard guard(b);
  auto c = [&](int64_t v) { return idx(b, loc, v); };
  auto [launch, i] = launchPerElement(b, loc, g.batch * g.m * g.n);
  SmallVector<Value> at = delinearize(b, loc, i, {g.batch, g.m, g.n});
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  auto parts =
      scf::ForOp::create(b, loc, c(0), c(g.splits), c(1), ValueRange{zero});
  {
    OpBuilder::InsertionGuard body(b);
    b.setInsertionPointToStart(parts.getBody());
    Value z = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, at[0], c(g.splits)),
        parts.getInductionVar());
    Value v =
        memref::LoadOp::create(b, loc, g.partials, ValueRange{z, at[1], at[2]});
    scf::YieldOp::create(
        b, loc,
        arith::AddFOp::create(b, loc, parts.getRegionIterArgs()[0], v)
            .getResult());
  }
  storeResult(b, loc, g, at[0], at[1], at[2], parts.getResult(0));
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

/// Grows `func`'s arena by `bytes` (256-byte aligned, past everything
/// memory planning put there: the header's arena size is the attribute's)
/// and returns the arena and where they start; none if it has no arena.
std::optional<std::pair<Value, int64_t>> growArena(func::FuncOp func,
                                                   int64_t bytes) {
  for (BlockArgument arg : func.getArguments()) {
    if (!func.getArgAttr(arg.getArgNumber(), kArenaAttr))
      continue;
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != 1)
      return std::nullopt;
    int64_t base = (type.getNumElements() + 255) / 256 * 256;
    auto grown = MemRefType::get({base + bytes}, type.getElementType());
    arg.setType(grown);
    SmallVector<Type> inputs(func.getBody().getArgumentTypes());
    func.setType(
        FunctionType::get(func.getContext(), inputs, func.getResultTypes()));
    func->setAttr(kArenaSizeAttr,
                  Builder(func).getI64IntegerAttr(base + bytes));
    return std::make_pair(Value(arg), base);
  }
  return std::nullopt;
}

struct CudaTileContractionsPass
    : kiln::impl::CudaTileContractionsBase<CudaTileContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(verifyCudaPrecision(getOperation(), precision)))
      return signalPassFailure();
    // The 16-bit type the tensor cores take, which a narrowed weight must
    // have to be read instead of its f32 original.
    Type staged = cudaNarrowType(&getContext(), precision);
    if (!tile.empty() && !isCudaGemmTile(tile)) {
      getOperation().emitError("unknown GEMM tile '")
          << tile << "' (expected 128x128x16, 128x128x32, 64x64x16 or "
          << "64x64x32)";
      return signalPassFailure();
    }
    struct Work {
      linalg::LinalgOp op;
      Gemm g;
      CudaGemmStrategy tiles;
    };
    std::vector<Work> work;
    func::FuncOp func = getOperation();
    func.walk([&](linalg::LinalgOp op) {
      // Kernels are launched from the function's top level.
      if (op->getParentOp() != func.getOperation())
        return;
      // (An empty reduction leaves the output its initial value: the
      // generic path computes that.)
      if (std::optional<Gemm> g = asGemm(op, staged); g && g->k > 0)
        work.push_back({op, *g, {}});
    });
    // Split-K where the tiles leave SMs idle: one workspace past the
    // arena's end for all (the kernels run one after another).
    int64_t sms = cudaMultiprocessors(chip);
    int64_t scratch = 0;
    for (auto &[op, g, tiles] : work) {
      if (g.sum)
        continue; // a depthwise convolution: a thread per output
      tiles = precision == "fp32"
                  ? CudaGemmStrategy{kTileM, kTileN, 0, 0, kTileK}
                  : selectGemmStrategy(g.batch, g.m, g.n, g.k,
                                       precision == "tf32" ? 32 : 16, sms,
                                       tile);
      int64_t blocks = g.batch * ((g.m + tiles.tileM - 1) / tiles.tileM) *
                       ((g.n + tiles.tileN - 1) / tiles.tileN);
      int64_t slices = (g.k + tiles.tileK - 1) / tiles.tileK;
      int64_t parts = selectSplitK(blocks, slices, sms);
      g.slicesPerSplit = (slices + parts - 1) / parts;
      // Every part some slices.
      g.splits = (slices + g.slicesPerSplit - 1) / g.slicesPerSplit;
      if (g.splits > 1)
        scratch = std::max(scratch, g.splits * g.batch * g.m * g.n * 4);
    }
    std::optional<std::pair<Value, int64_t>> workspace;
    if (scratch)
      workspace = growArena(func, scratch);
    for (auto &[op, g, tiles] : work) {
      SmallVector<Operation *> replaced = fuseNeighbours(op, g);
      // The kernel goes where the last op it replaces was: the epilogue's
      // operands are ready there.
      OpBuilder b(g.epilogue ? g.epilogue.getOperation() : op.getOperation());
      bool empty = g.batch * g.m * g.n == 0;
      if (g.splits > 1 && workspace) {
        auto [arena, base] = *workspace;
        g.partials = memref::ViewOp::create(
            b, op.getLoc(),
            MemRefType::get({g.splits * g.batch, g.m, g.n}, b.getF32Type()),
            arena, idx(b, op.getLoc(), base), ValueRange{});
      } else {
        g.splits = 1;
      }
      if (!empty && g.sum)
        buildDepthwiseKernel(b, op.getLoc(), g);
      else if (!empty && precision == "fp32")
        buildKernel(b, op.getLoc(), g);
      else if (!empty)
        buildMmaKernel(b, op.getLoc(), g, precision, tiles);
      if (!empty && g.splits > 1)
        buildSplitSum(b, op.getLoc(), g);
      op->erase();
      for (Operation *r : replaced)
        r->erase();
      // The padded input's fill and copy (read through instead).
      for (Operation *p : llvm::reverse(g.padOps))
        p->erase();
    }
  }
};

} // namespace
