// What the CUDA passes share: which buffers of a host function may share
// memory (the question kernel fusion and kernel parameter attributes ask
// about launch operands), and index math for kernels.
#include "codegen/cuda/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

std::optional<std::pair<Value, int64_t>> mlir::kiln::contiguousBase(Value v) {
  int64_t offset = 0;
  for (;;) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !type.getLayout().isIdentity() || !type.hasStaticShape())
      return std::nullopt;
    Operation *def = v.getDefiningOp();
    if (auto e = dyn_cast_or_null<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else if (auto c = dyn_cast_or_null<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto c = dyn_cast_or_null<memref::CastOp>(def))
      v = c.getSource();
    else if (auto view = dyn_cast_or_null<memref::ViewOp>(def)) {
      std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
      if (!shift || !view.getSizes().empty())
        return std::nullopt;
      offset += *shift;
      v = view.getSource();
    } else {
      return std::make_pair(v, offset);
    }
  }
}

bool mlir::kiln::sameElements(Value a, Value b) {
  auto ta = cast<MemRefType>(a.getType()), tb = cast<MemRefType>(b.getType());
  if (ta.getNumElements() != tb.getNumElements() ||
      ta.getElementType() != tb.getElementType())
    return false;
  auto ba = contiguousBase(a), bb = contiguousBase(b);
  return ba && bb && *ba == *bb;
}

Value mlir::kiln::rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Whether two different root buffers may still be the same memory. Each
/// allocation and each weight (a global) is its own memory. A model's
/// arguments are the caller's buffers: inputs may alias each other, but
/// outputs alias nothing and the arena is the model's own (abi.h); a
/// function that does not say which arguments are inputs
/// (kiln.num_inputs) may have any of them alias.
static bool mayBeSameMemory(Value a, Value b) {
  // Roots the question can be answered for: allocations, weights and
  // arguments; anything else (a select between buffers, a call's result)
  // may be any of them.
  auto known = [](Value v) {
    return isa<BlockArgument>(v) || v.getDefiningOp<memref::AllocOp>() ||
           v.getDefiningOp<memref::AllocaOp>() ||
           v.getDefiningOp<memref::GetGlobalOp>();
  };
  if (!known(a) || !known(b))
    return true;
  auto allocated = [](Value v) {
    return v.getDefiningOp<memref::AllocOp>() ||
           v.getDefiningOp<memref::AllocaOp>();
  };
  if (allocated(a) || allocated(b))
    return false;
  auto ga = a.getDefiningOp<memref::GetGlobalOp>();
  auto gb = b.getDefiningOp<memref::GetGlobalOp>();
  if (ga || gb)
    return ga && gb && ga.getName() == gb.getName();
  auto aa = cast<BlockArgument>(a), ab = cast<BlockArgument>(b);
  if (aa.getOwner() != ab.getOwner())
    return true;
  auto func = dyn_cast<func::FuncOp>(aa.getOwner()->getParentOp());
  auto inputs = func ? func->getAttrOfType<IntegerAttr>("kiln.num_inputs")
                     : IntegerAttr();
  if (!inputs || !aa.getOwner()->isEntryBlock())
    return true;
  return aa.getArgNumber() < inputs.getInt() &&
         ab.getArgNumber() < inputs.getInt();
}

bool mlir::kiln::mayOverlap(Value a, Value b) {
  Value ra = rootBuffer(a), rb = rootBuffer(b);
  if (ra != rb)
    return mayBeSameMemory(ra, rb);
  auto ba = contiguousBase(a), bb = contiguousBase(b);
  if (!ba || !bb || ba->first != bb->first)
    return true;
  // As the arena holds them: whole bytes per element (i1 takes one).
  auto bytes = [](Value v) {
    auto t = cast<MemRefType>(v.getType());
    return t.getNumElements() * ((t.getElementTypeBitWidth() + 7) / 8);
  };
  return ba->second < bb->second + bytes(b) &&
         bb->second < ba->second + bytes(a);
}

SmallVector<Value> mlir::kiln::delinearize(OpBuilder &b, Location loc, Value v,
                                           ArrayRef<int64_t> sizes) {
  SmallVector<Value> out(sizes.size());
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    if (i == 0) {
      out[0] = v;
      break;
    }
    Value size = arith::ConstantIndexOp::create(b, loc, sizes[i]);
    out[i] = arith::RemUIOp::create(b, loc, v, size);
    v = arith::DivUIOp::create(b, loc, v, size);
  }
  return out;
}

Operation *mlir::kiln::effectfulNeighbour(Operation *op, bool after) {
  Operation *n = after ? op->getNextNode() : op->getPrevNode();
  while (n && isMemoryEffectFree(n))
    n = after ? n->getNextNode() : n->getPrevNode();
  return n;
}

int64_t mlir::kiln::pointerAlignment(Value v) {
  int64_t shift = 0;
  for (;;) {
    Operation *def = v.getDefiningOp();
    if (auto view = dyn_cast_or_null<memref::ViewOp>(def)) {
      std::optional<int64_t> s = getConstantIntValue(view.getByteShift());
      if (!s)
        return 1;
      shift += *s;
      v = view.getSource();
    } else if (isa_and_nonnull<memref::SubViewOp, memref::ExpandShapeOp,
                               memref::CollapseShapeOp, memref::CastOp,
                               memref::ReinterpretCastOp>(def)) {
      v = def->getOperand(0);
    } else {
      break;
    }
  }
  int64_t base = 1;
  if (v.getDefiningOp<memref::GetGlobalOp>()) {
    base = 256;
  } else if (auto arg = dyn_cast<BlockArgument>(v)) {
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (func && arg.getOwner()->isEntryBlock() &&
        func.getArgAttr(arg.getArgNumber(), "kiln.arena"))
      if (auto a = func->getAttrOfType<IntegerAttr>("kiln.arena_alignment"))
        base = a.getInt();
  }
  while (base > 1 && shift % base != 0)
    base /= 2;
  return base;
}
