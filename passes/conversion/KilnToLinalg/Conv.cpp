// kiln.conv_2d and pooling -> linalg convolution/pooling named ops on
// explicitly padded inputs; kiln.conv_transpose_2d -> kiln.conv_2d on a
// zero-dilated input with a flipped filter; the 3-D ops -> generics.
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnShapes.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Pads the spatial dims of a 4-D activation by [top, left, bottom, right].
Value padImage(OpBuilder &b, Location loc, Value input, bool channelsLast,
               ArrayRef<int64_t> pads, Value padValue) {
  ImageDims d = imageDims(channelsLast);
  SmallVector<int64_t> low(4, 0), high(4, 0);
  low[d.h] = pads[0];
  low[d.w] = pads[1];
  high[d.h] = pads[2];
  high[d.w] = pads[3];
  return padTensor(b, loc, input, low, high, padValue);
}

RankedTensorType withShape(RankedTensorType t, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, t.getElementType());
}

/// Output initialized with the bias broadcast along channels, or zeros.
Value convInit(OpBuilder &b, Location loc, RankedTensorType type, Value bias,
               unsigned channelDim) {
  if (!bias)
    return filledTensor(b, loc, type,
                        floatConstant(b, loc, type.getElementType(), 0.0));
  return channelGeneric(b, loc, type, Value(), {bias}, channelDim,
                        [](OpBuilder &, Location, ValueRange v) { return v[0]; });
}

/// Creates the channels-last or channels-first flavour of a linalg
/// convolution named op.
template <typename NhwcOp, typename NchwOp>
Value convolution(OpBuilder &b, Location loc, bool channelsLast,
                  RankedTensorType outType, Value input, Value filter,
                  Value init, Attribute strides, Attribute dilations) {
  if (channelsLast)
    return NhwcOp::create(b, loc, TypeRange{outType}, ValueRange{input, filter},
                          ValueRange{init}, strides, dilations)
        .getResult(0);
  return NchwOp::create(b, loc, TypeRange{outType}, ValueRange{input, filter},
                        ValueRange{init}, strides, dilations)
      .getResult(0);
}

struct Conv2DToLinalg : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    bool last = op.getLayout() == Layout::NHWC;
    ImageDims d = imageDims(last);
    RankedTensorType outType = op.getType();
    Type elem = outType.getElementType();
    Value input = padImage(rewriter, loc, op.getInput(), last, op.getPads(),
                           floatConstant(rewriter, loc, elem, 0.0));
    Value filter = op.getFilter();
    auto filterType = op.getFilter().getType();
    Attribute strides = rewriter.getI64TensorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64TensorAttr(op.getDilations());
    Value init = convInit(rewriter, loc, outType, op.getBias(), d.c);
    int64_t groups = op.getGroups();
    int64_t inC = op.getInput().getType().getDimSize(d.c);
    int64_t outC = outType.getDimSize(d.c);

    if (groups == 1) {
      rewriter.replaceOp(
          op, convolution<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNchwFchwOp>(
                  rewriter, loc, last, outType, input, filter, init, strides,
                  dilations));
      return success();
    }
    if (groups == inC && outC == inC) {
      // Depthwise: drop the unit "channels per group" filter dim.
      SmallVector<int64_t> fshape =
          last ? SmallVector<int64_t>{filterType.getDimSize(0),
                                      filterType.getDimSize(1), outC}
               : SmallVector<int64_t>{outC, filterType.getDimSize(2),
                                      filterType.getDimSize(3)};
      Value f = reshapeTensor(rewriter, loc, filter, withShape(filterType, fshape));
      rewriter.replaceOp(
          op, convolution<linalg::DepthwiseConv2DNhwcHwcOp,
                          linalg::DepthwiseConv2DNchwChwOp>(
                  rewriter, loc, last, outType, input, f, init, strides,
                  dilations));
      return success();
    }
    if (last)
      return rewriter.notifyMatchFailure(
          op, "grouped non-depthwise NHWC convolution is not supported yet");
    // General groups, NCHW: split channels into [G, C/G] and use the
    // grouped named op.
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t n = inType.getDimSize(0), h = inType.getDimSize(2),
            w = inType.getDimSize(3);
    Value in5 = reshapeTensor(
        rewriter, loc, input, withShape(inType, {n, groups, inC / groups, h, w}));
    Value f5 = reshapeTensor(
        rewriter, loc, filter,
        withShape(filterType, {groups, outC / groups, filterType.getDimSize(1),
                               filterType.getDimSize(2),
                               filterType.getDimSize(3)}));
    auto out5Type = withShape(outType, {n, groups, outC / groups,
                                        outType.getDimSize(2),
                                        outType.getDimSize(3)});
    Value init5 = reshapeTensor(rewriter, loc, init, out5Type);
    Value conv = linalg::Conv2DNgchwGfchwOp::create(
                     rewriter, loc, TypeRange{out5Type}, ValueRange{in5, f5},
                     ValueRange{init5}, strides, dilations)
                     .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, conv, outType));
    return success();
  }
};

/// Builds the named pooling op for the layout: max or sum.
Value poolingOp(OpBuilder &b, Location loc, bool max, bool channelsLast,
                RankedTensorType outType, Value input, ArrayRef<int64_t> kernel,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                Value init) {
  Value window = tensor::EmptyOp::create(b, loc, kernel, outType.getElementType());
  Attribute s = b.getI64TensorAttr(strides), d = b.getI64TensorAttr(dilations);
  Type resultType = outType;
  TypeRange types(resultType);
  SmallVector<Value> ins = {input, window}, outs = {init};
  Operation *pool;
  if (max && channelsLast)
    pool = linalg::PoolingNhwcMaxOp::create(b, loc, types, ins, outs, s, d);
  else if (max)
    pool = linalg::PoolingNchwMaxOp::create(b, loc, types, ins, outs, s, d);
  else if (channelsLast)
    pool = linalg::PoolingNhwcSumOp::create(b, loc, types, ins, outs, s, d);
  else
    pool = linalg::PoolingNchwSumOp::create(b, loc, types, ins, outs, s, d);
  return pool->getResult(0);
}

struct MaxPoolToLinalg : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    bool last = op.getLayout() == Layout::NHWC;
    Type elem = op.getType().getElementType();
    Value lowest = lowestFloat(rewriter, loc, elem);
    Value input = padImage(rewriter, loc, op.getInput(), last, op.getPads(), lowest);
    Value init = filledTensor(rewriter, loc, op.getType(), lowest);
    rewriter.replaceOp(op, poolingOp(rewriter, loc, true, last, op.getType(),
                                     input, op.getKernel(), op.getStrides(),
                                     op.getDilations(), init));
    return success();
  }
};

struct AvgPoolToLinalg : OpRewritePattern<AvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    bool last = op.getLayout() == Layout::NHWC;
    ImageDims d = imageDims(last);
    RankedTensorType outType = op.getType();
    Type elem = outType.getElementType();
    Value zero = floatConstant(rewriter, loc, elem, 0.0);
    Value input = padImage(rewriter, loc, op.getInput(), last, op.getPads(), zero);
    Value sum = poolingOp(rewriter, loc, false, last, outType, input,
                          op.getKernel(), op.getStrides(), op.getDilations(),
                          filledTensor(rewriter, loc, outType, zero));
    // Divisor per output position: the window size, or (without
    // count_include_pad) the number of window taps inside the input.
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(),
                      dil = op.getDilations(), p = op.getPads();
    int64_t inH = op.getInput().getType().getDimSize(d.h);
    int64_t inW = op.getInput().getType().getDimSize(d.w);
    int64_t oh = outType.getDimSize(d.h), ow = outType.getDimSize(d.w);
    SmallVector<Attribute> counts;
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        int64_t c = 0;
        for (int64_t i = 0; i < k[0]; ++i)
          for (int64_t j = 0; j < k[1]; ++j) {
            int64_t iy = y * s[0] + i * dil[0] - p[0];
            int64_t ix = x * s[1] + j * dil[1] - p[1];
            bool inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            c += (inside || op.getCountIncludePad()) ? 1 : 0;
          }
        counts.push_back(rewriter.getFloatAttr(elem, static_cast<double>(c)));
      }
    auto countType = RankedTensorType::get({oh, ow}, elem);
    Value divisor = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(countType, counts));
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(4),
        AffineMap::get(4, 0, {getAffineDimExpr(d.h, ctx), getAffineDimExpr(d.w, ctx)},
                       ctx),
        rewriter.getMultiDimIdentityMap(4)};
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    auto div = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{sum, divisor},
        ValueRange{emptyTensor(rewriter, loc, outType)}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(
              b, l, arith::DivFOp::create(b, l, a[0], a[1]).getResult());
        });
    rewriter.replaceOp(op, div.getResult(0));
    return success();
  }
};

/// Transposed convolution as a stride-1 convolution: the input is spread
/// onto a `strides` grid with zeros between, padded by dilation * (k - 1)
/// minus the crop, and convolved with the spatially flipped filter whose
/// in/out channel roles are swapped (per group).
struct ConvTransposeToConv : OpRewritePattern<ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTranspose2DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    bool last = op.getLayout() == Layout::NHWC;
    ImageDims d = imageDims(last);
    RankedTensorType inType = op.getInput().getType();
    RankedTensorType fType = op.getFilter().getType();
    Type elem = inType.getElementType();
    ArrayRef<int64_t> s = op.getStrides(), dl = op.getDilations(),
                      p = op.getPads(), outPad = op.getOutputPadding();
    int64_t groups = op.getGroups();
    int64_t kh = fType.getDimSize(last ? 0 : 2), kw = fType.getDimSize(last ? 1 : 3);
    int64_t fg = fType.getDimSize(last ? 2 : 1); // output channels per group
    int64_t c = inType.getDimSize(d.c), cg = c / groups, f = fg * groups;

    // 1. Spread the input onto the stride grid.
    Value x = op.getInput();
    if (s[0] > 1 || s[1] > 1) {
      SmallVector<int64_t> shape(inType.getShape());
      shape[d.h] = (shape[d.h] - 1) * s[0] + 1;
      shape[d.w] = (shape[d.w] - 1) * s[1] + 1;
      auto spreadType = withShape(inType, shape);
      Value zeros = filledTensor(rewriter, loc, spreadType,
                                 floatConstant(rewriter, loc, elem, 0.0));
      SmallVector<int64_t> offsets(4, 0), strides(4, 1);
      strides[d.h] = s[0];
      strides[d.w] = s[1];
      x = tensor::InsertSliceOp::create(rewriter, loc, x, zeros, ValueRange{},
                                        ValueRange{}, ValueRange{}, offsets,
                                        inType.getShape(), strides);
    }
    // 2. Full padding minus the crop; a crop larger than the padding cuts.
    int64_t edge[4] = {dl[0] * (kh - 1) - p[0], dl[1] * (kw - 1) - p[1],
                       dl[0] * (kh - 1) - p[2] + outPad[0],
                       dl[1] * (kw - 1) - p[3] + outPad[1]};
    int64_t grow[4], cut[4];
    for (int i = 0; i < 4; ++i) {
      grow[i] = std::max<int64_t>(edge[i], 0);
      cut[i] = std::max<int64_t>(-edge[i], 0);
    }
    x = padImage(rewriter, loc, x, last, grow,
                 floatConstant(rewriter, loc, elem, 0.0));
    if (cut[0] || cut[1] || cut[2] || cut[3]) {
      auto t = cast<RankedTensorType>(x.getType());
      SmallVector<int64_t> offsets(4, 0), sizes(t.getShape()), strides(4, 1);
      offsets[d.h] = cut[0];
      offsets[d.w] = cut[1];
      sizes[d.h] -= cut[0] + cut[2];
      sizes[d.w] -= cut[1] + cut[3];
      x = tensor::ExtractSliceOp::create(rewriter, loc, withShape(t, sizes), x,
                                         ValueRange{}, ValueRange{},
                                         ValueRange{}, offsets, sizes, strides);
    }
    // 3. The equivalent forward filter (FCHW or HWCF), flipped.
    AffineExpr o, ci, y, z;
    SmallVector<int64_t> wShape;
    SmallVector<AffineExpr> src;
    if (last) {
      bindDims(ctx, y, z, ci, o);
      wShape = {kh, kw, cg, f};
    } else {
      bindDims(ctx, o, ci, y, z);
      wShape = {f, cg, kh, kw};
    }
    AffineExpr inChannel = o.floorDiv(fg) * cg + ci, outChannel = o % fg;
    AffineExpr fy = getAffineConstantExpr(kh - 1, ctx) - y;
    AffineExpr fx = getAffineConstantExpr(kw - 1, ctx) - z;
    if (last)
      src = {fy, fx, outChannel, inChannel};
    else
      src = {inChannel, outChannel, fy, fx};
    auto wType = withShape(fType, wShape);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, src, ctx),
                                   rewriter.getMultiDimIdentityMap(4)};
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    Value w = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{wType}, ValueRange{op.getFilter()},
                  ValueRange{emptyTensor(rewriter, loc, wType)}, maps,
                  iterators,
                  [](OpBuilder &b, Location l, ValueRange a) {
                    linalg::YieldOp::create(b, l, a[0]);
                  })
                  .getResult(0);
    // 4. A plain stride-1 convolution.
    rewriter.replaceOpWithNewOp<Conv2DOp>(
        op, op.getType(), x, w, op.getBias(), op.getLayoutAttr(),
        rewriter.getDenseI64ArrayAttr({1, 1}), op.getDilationsAttr(),
        rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}), op.getGroupsAttr());
    return success();
  }
};

//===- Volumetric (3-D) windows ------------------------------------------===//

/// Pads the D, H, W dims of an NCDHW volume by [front, top, left, back,
/// bottom, right].
Value padVolume(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> pads,
                Value padValue) {
  SmallVector<int64_t> low = {0, 0, pads[0], pads[1], pads[2]};
  SmallVector<int64_t> high = {0, 0, pads[3], pads[4], pads[5]};
  return padTensor(b, loc, input, low, high, padValue);
}

/// The input map of a strided, dilated 3-D window: loop dims `n`, `c`, the
/// output positions `o0..o2` and the window taps `k0..k2`.
AffineMap windowInputMap(MLIRContext *ctx, unsigned numDims, unsigned n,
                         unsigned c, unsigned o0, unsigned k0,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  SmallVector<AffineExpr> exprs = {getAffineDimExpr(n, ctx),
                                   getAffineDimExpr(c, ctx)};
  for (unsigned i = 0; i < 3; ++i)
    exprs.push_back(getAffineDimExpr(o0 + i, ctx) * strides[i] +
                    getAffineDimExpr(k0 + i, ctx) * dilations[i]);
  return AffineMap::get(numDims, 0, exprs, ctx);
}

AffineMap dimsMap(MLIRContext *ctx, unsigned numDims,
                  ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// Grouped 3-D convolution as one generic over
/// (n, g, f, od, oh, ow | c, kd, kh, kw) on [N, G, C/G, D, H, W] views.
struct Conv3DToLinalg : OpRewritePattern<Conv3DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv3DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType outType = op.getType();
    Type elem = outType.getElementType();
    int64_t g = op.getGroups();
    Value zero = floatConstant(rewriter, loc, elem, 0.0);
    Value x = padVolume(rewriter, loc, op.getInput(), op.getPads(), zero);
    auto xt = cast<RankedTensorType>(x.getType());
    auto ft = op.getFilter().getType();
    int64_t c = ft.getDimSize(1), fpg = ft.getDimSize(0) / g;
    ArrayRef<int64_t> o = outType.getShape();
    // Group views.
    x = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({xt.getDimSize(0), g, c, xt.getDimSize(2),
                               xt.getDimSize(3), xt.getDimSize(4)},
                              elem),
        x, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}, {5}});
    Value w = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({g, fpg, c, ft.getDimSize(2), ft.getDimSize(3),
                               ft.getDimSize(4)},
                              elem),
        op.getFilter(),
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}, {5}});
    auto groupedOut =
        RankedTensorType::get({o[0], g, fpg, o[2], o[3], o[4]}, elem);
    Value init;
    if (Value bias = op.getBias()) {
      Value gb = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, fpg}, elem), bias,
          SmallVector<ReassociationIndices>{{0, 1}});
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{groupedOut}, ValueRange{gb},
                 ValueRange{emptyTensor(rewriter, loc, groupedOut)},
                 SmallVector<AffineMap>{dimsMap(ctx, 6, {1, 2}),
                                        rewriter.getMultiDimIdentityMap(6)},
                 SmallVector<utils::IteratorType>(
                     6, utils::IteratorType::parallel),
                 [](OpBuilder &b, Location l, ValueRange a) {
                   linalg::YieldOp::create(b, l, a[0]);
                 })
                 .getResult(0);
    } else {
      init = filledTensor(rewriter, loc, groupedOut, zero);
    }
    // Loops: n g f od oh ow | c kd kh kw.
    SmallVector<AffineMap> maps = {
        windowInputMap(ctx, 10, 0, 6, 3, 7, op.getStrides(), op.getDilations()),
        dimsMap(ctx, 10, {1, 2, 6, 7, 8, 9}),
        dimsMap(ctx, 10, {0, 1, 2, 3, 4, 5})};
    // The input map reads (n, c) as its first two dims, but the grouped
    // input is [N, G, C/G, ...]: insert g.
    {
      AffineMap in = maps[0];
      SmallVector<AffineExpr> exprs = {in.getResult(0),
                                       getAffineDimExpr(1, ctx)};
      for (unsigned i = 1; i < in.getNumResults(); ++i)
        exprs.push_back(in.getResult(i));
      maps[0] = AffineMap::get(10, 0, exprs, ctx);
    }
    SmallVector<utils::IteratorType> iterators(10,
                                               utils::IteratorType::parallel);
    for (unsigned i = 6; i < 10; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value conv =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{groupedOut}, ValueRange{x, w},
            ValueRange{init}, maps, iterators,
            [](OpBuilder &b, Location l, ValueRange a) {
              Value p = arith::MulFOp::create(b, l, a[0], a[1]);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, a[2], p).getResult());
            })
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, outType, conv,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}, {5}});
    return success();
  }
};

/// Max or sum over a 3-D window: one generic over (n, c, od, oh, ow | kd, kh,
/// kw) with a shape-only window operand.
Value pool3D(OpBuilder &b, Location loc, bool max, RankedTensorType outType,
             Value input, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations, Value init) {
  MLIRContext *ctx = b.getContext();
  Value window = tensor::EmptyOp::create(b, loc, kernel, outType.getElementType());
  SmallVector<AffineMap> maps = {
      windowInputMap(ctx, 8, 0, 1, 2, 5, strides, dilations),
      dimsMap(ctx, 8, {5, 6, 7}), dimsMap(ctx, 8, {0, 1, 2, 3, 4})};
  SmallVector<utils::IteratorType> iterators(8, utils::IteratorType::parallel);
  for (unsigned i = 5; i < 8; ++i)
    iterators[i] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{input, window},
             ValueRange{init}, maps, iterators,
             [max](OpBuilder &bb, Location l, ValueRange a) {
               Value r = max ? arith::MaximumFOp::create(bb, l, a[2], a[0])
                                   .getResult()
                             : arith::AddFOp::create(bb, l, a[2], a[0])
                                   .getResult();
               linalg::YieldOp::create(bb, l, r);
             })
      .getResult(0);
}

struct MaxPool3DToLinalg : OpRewritePattern<MaxPool3DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool3DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value lowest = lowestFloat(rewriter, loc, op.getType().getElementType());
    Value input = padVolume(rewriter, loc, op.getInput(), op.getPads(), lowest);
    rewriter.replaceOp(
        op, pool3D(rewriter, loc, true, op.getType(), input, op.getKernel(),
                   op.getStrides(), op.getDilations(),
                   filledTensor(rewriter, loc, op.getType(), lowest)));
    return success();
  }
};

struct AvgPool3DToLinalg : OpRewritePattern<AvgPool3DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool3DOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType outType = op.getType();
    Type elem = outType.getElementType();
    Value zero = floatConstant(rewriter, loc, elem, 0.0);
    Value input = padVolume(rewriter, loc, op.getInput(), op.getPads(), zero);
    Value sum = pool3D(rewriter, loc, false, outType, input, op.getKernel(),
                       op.getStrides(), op.getDilations(),
                       filledTensor(rewriter, loc, outType, zero));
    // Divisor per output position, known at compile time.
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(),
                      dil = op.getDilations(), p = op.getPads();
    ArrayRef<int64_t> in = op.getInput().getType().getShape().drop_front(2);
    ArrayRef<int64_t> out = outType.getShape().drop_front(2);
    auto taps = [&](int64_t axis, int64_t pos) {
      int64_t inside = 0;
      for (int64_t t = 0; t < k[axis]; ++t) {
        int64_t i = pos * s[axis] + t * dil[axis] - p[axis];
        inside += (i >= 0 && i < in[axis]) ? 1 : 0;
      }
      return op.getCountIncludePad() ? k[axis] : inside;
    };
    SmallVector<Attribute> counts;
    for (int64_t z = 0; z < out[0]; ++z)
      for (int64_t y = 0; y < out[1]; ++y)
        for (int64_t x = 0; x < out[2]; ++x)
          counts.push_back(rewriter.getFloatAttr(
              elem, double(taps(0, z) * taps(1, y) * taps(2, x))));
    auto countType = RankedTensorType::get(out, elem);
    Value divisor = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(countType, counts));
    auto div = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{sum, divisor},
        ValueRange{emptyTensor(rewriter, loc, outType)},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(5),
                               dimsMap(ctx, 5, {2, 3, 4}),
                               rewriter.getMultiDimIdentityMap(5)},
        SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(
              b, l, arith::DivFOp::create(b, l, a[0], a[1]).getResult());
        });
    rewriter.replaceOp(op, div.getResult(0));
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DToLinalg, ConvTransposeToConv, MaxPoolToLinalg,
               AvgPoolToLinalg, Conv3DToLinalg, MaxPool3DToLinalg,
               AvgPool3DToLinalg>(
      patterns.getContext());
}
