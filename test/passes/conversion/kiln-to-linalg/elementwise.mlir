// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// Binary ops become one parallel linalg.generic whose indexing maps broadcast
// by numpy rules; unary ops become a generic with the scalar function; constants
// become arith.constant; identity disappears.

// CHECK-LABEL: func.func @add_trailing_broadcast
// CHECK-SAME: (%[[LHS:.+]]: tensor<2x3xf32>, %[[RHS:.+]]: tensor<3xf32>)
func.func @add_trailing_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x3xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[SUM:.+]] = arith.addf %[[A]], %[[B]] : f32
  // CHECK: linalg.yield %[[SUM]] : f32
  // CHECK-NOT: kiln.
  // CHECK: return %[[R]]
  %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A size-1 dimension that stretches reads index 0.
// CHECK-LABEL: func.func @sub_unit_dim
// CHECK-SAME: (%[[LHS:.+]]: tensor<2x3xf32>, %[[RHS:.+]]: tensor<2x1xf32>)
func.func @sub_unit_dim(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<2x3xf32>, tensor<2x1xf32>)
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
  // CHECK: arith.subf %[[A]], %[[B]] : f32
  %0 = kiln.sub %a, %b : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Both operands broadcast: [3, 1] x [1, 4] -> [3, 4].
// CHECK-LABEL: func.func @mul_outer
// CHECK-SAME: (%[[LHS:.+]]: tensor<3x1xf32>, %[[RHS:.+]]: tensor<1x4xf32>)
func.func @mul_outer(%a: tensor<3x1xf32>, %b: tensor<1x4xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<3x4xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<3x1xf32>, tensor<1x4xf32>) outs(%[[INIT]] : tensor<3x4xf32>)
  // CHECK: arith.mulf
  %0 = kiln.mul %a, %b : tensor<3x1xf32>, tensor<1x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @div_max_min
func.func @div_max_min(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: linalg.generic
  // CHECK: arith.divf
  %0 = kiln.div %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // NaN-propagating max/min: maximumf/minimumf, not maxnumf/minnumf.
  // CHECK: linalg.generic
  // CHECK: arith.maximumf
  %1 = kiln.max %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.minimumf
  %2 = kiln.min %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x8xf32>)
func.func @relu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[X]] : tensor<1x8xf32>)
  // CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[MAX:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
  // CHECK: linalg.yield %[[MAX]]
  %0 = kiln.relu %x : tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// CHECK-LABEL: func.func @sigmoid_f16
func.func @sigmoid_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  // CHECK: ^bb0(%[[IN:.+]]: f16, %{{.+}}: f16):
  // CHECK: %[[NEG:.+]] = arith.negf %[[IN]] : f16
  // CHECK: %[[EXP:.+]] = math.exp %[[NEG]] : f16
  // CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f16
  // CHECK: %[[DEN:.+]] = arith.addf %[[ONE]], %[[EXP]] : f16
  // CHECK: %[[R:.+]] = arith.divf %[[ONE]], %[[DEN]] : f16
  // CHECK: linalg.yield %[[R]] : f16
  %0 = kiln.sigmoid %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @unary_math
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: linalg.generic
  // CHECK: math.tanh
  %0 = kiln.tanh %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.exp
  %1 = kiln.exp %0 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.log
  %2 = kiln.log %1 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.sqrt
  %3 = kiln.sqrt %2 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.negf
  %4 = kiln.neg %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Unsigned ops pick the unsigned arith op or predicate.
// CHECK-LABEL: func.func @unsigned_ops
func.func @unsigned_ops(%a: tensor<4xi8>, %b: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>) {
  // CHECK: ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
  // CHECK: arith.divui %[[A]], %[[B]] : i8
  %0 = kiln.div %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: arith.maxui
  %1 = kiln.max %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: arith.minsi
  %2 = kiln.min %a, %b : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: arith.cmpi ult
  %3 = kiln.less %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi1>
  // CHECK: arith.divsi
  %4 = kiln.div %a, %b : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  return %0, %1, %2, %3, %4 : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>
}

// -----

// An integer remainder never traps: a divisor of 0 or -1 becomes 1.
// CHECK-LABEL: func.func @rem_signed
func.func @rem_signed(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
  // CHECK: %[[ISZ:.+]] = arith.cmpi eq, %[[B]], %[[ZERO]] : i32
  // CHECK: %[[MONE:.+]] = arith.constant -1 : i32
  // CHECK: %[[ISM:.+]] = arith.cmpi eq, %[[B]], %[[MONE]] : i32
  // CHECK: %[[BAD:.+]] = arith.ori %[[ISZ]], %[[ISM]] : i1
  // CHECK: %[[ONE:.+]] = arith.constant 1 : i32
  // CHECK: %[[D:.+]] = arith.select %[[BAD]], %[[ONE]], %[[B]] : i32
  // CHECK: %[[R:.+]] = arith.remsi %[[A]], %[[D]] : i32
  // CHECK: linalg.yield %[[R]]
  %0 = kiln.rem %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// floor_mod adds the divisor when the truncated remainder is non-zero and
// has the other sign; unsigned it is the plain remainder.
// CHECK-LABEL: func.func @floor_mod
func.func @floor_mod(%a: tensor<4xi32>, %b: tensor<4xi32>, %x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xf32>) {
  // CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
  // CHECK: %[[R:.+]] = arith.remsi %[[A]], %{{.+}} : i32
  // CHECK: %[[NZ:.+]] = arith.cmpi ne, %[[R]], %{{.+}} : i32
  // CHECK: %[[RN:.+]] = arith.cmpi slt, %[[R]], %{{.+}} : i32
  // CHECK: %[[BN:.+]] = arith.cmpi slt, %[[B]], %{{.+}} : i32
  // CHECK: %[[DIFF:.+]] = arith.xori %[[RN]], %[[BN]] : i1
  // CHECK: %[[FIX:.+]] = arith.andi %[[NZ]], %[[DIFF]] : i1
  // CHECK: %[[SUM:.+]] = arith.addi %[[R]], %[[B]] : i32
  // CHECK: arith.select %[[FIX]], %[[SUM]], %[[R]] : i32
  %0 = kiln.floor_mod %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  // CHECK: linalg.generic
  // CHECK: %[[UR:.+]] = arith.remui
  // CHECK-NEXT: linalg.yield %[[UR]]
  %1 = kiln.floor_mod %a, %b {is_unsigned} : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  // CHECK: linalg.generic
  // CHECK: %[[FR:.+]] = arith.remf
  // CHECK: arith.cmpf one, %[[FR]]
  // CHECK: arith.addf %[[FR]]
  %2 = kiln.floor_mod %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xi32>, tensor<4xi32>, tensor<4xf32>
}

// -----

// Shifts by the bit width or more give 0 (logical) or the sign fill.
// CHECK-LABEL: func.func @shifts
func.func @shifts(%a: tensor<4xi8>, %b: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>) {
  // CHECK: ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
  // CHECK-DAG: %[[W:.+]] = arith.constant 8 : i8
  // CHECK-DAG: %[[FAR:.+]] = arith.cmpi uge, %[[B]], %[[W]] : i8
  // CHECK: %[[AMT:.+]] = arith.select %[[FAR]], %{{.+}}, %[[B]] : i8
  // CHECK: %[[SH:.+]] = arith.shli %[[A]], %[[AMT]] : i8
  // CHECK: arith.select %[[FAR]], %{{.+}}, %[[SH]] : i8
  %0 = kiln.shift_left %a, %b : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: linalg.generic
  // CHECK: arith.shrui
  %1 = kiln.shift_right %a, %b {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: linalg.generic
  // CHECK-DAG: %[[SEVEN:.+]] = arith.constant 7 : i8
  // CHECK: %[[SA:.+]] = arith.select %{{.+}}, %[[SEVEN]], %{{.+}} : i8
  // CHECK: arith.shrsi %{{.+}}, %[[SA]] : i8
  %2 = kiln.shift_right %a, %b : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  return %0, %1, %2 : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @logical
func.func @logical(%a: tensor<2x3xi1>, %b: tensor<3xi1>) -> tensor<2x3xi1> {
  // CHECK: arith.andi
  %0 = kiln.and %a, %b : tensor<2x3xi1>, tensor<3xi1> -> tensor<2x3xi1>
  // CHECK: arith.ori
  %1 = kiln.or %0, %b : tensor<2x3xi1>, tensor<3xi1> -> tensor<2x3xi1>
  // CHECK: arith.xori
  %2 = kiln.xor %1, %a : tensor<2x3xi1>, tensor<2x3xi1> -> tensor<2x3xi1>
  // CHECK: linalg.generic
  // CHECK: ^bb0(%[[IN:.+]]: i1, %{{.+}}: i1):
  // CHECK: %[[TRUE:.+]] = arith.constant true
  // CHECK: arith.xori %[[IN]], %[[TRUE]] : i1
  %3 = kiln.not %2 : tensor<2x3xi1>
  return %3 : tensor<2x3xi1>
}

// -----

// CHECK-LABEL: func.func @trig_round
func.func @trig_round(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: math.tan
  %0 = kiln.tan %x : tensor<4xf32>
  // CHECK: math.asin
  %1 = kiln.asin %0 : tensor<4xf32>
  // CHECK: math.acos
  %2 = kiln.acos %1 : tensor<4xf32>
  // CHECK: math.atan
  %3 = kiln.atan %2 : tensor<4xf32>
  // CHECK: math.sinh
  %4 = kiln.sinh %3 : tensor<4xf32>
  // CHECK: math.cosh
  %5 = kiln.cosh %4 : tensor<4xf32>
  // CHECK: math.asinh
  %6 = kiln.asinh %5 : tensor<4xf32>
  // CHECK: math.acosh
  %7 = kiln.acosh %6 : tensor<4xf32>
  // CHECK: math.atanh
  %8 = kiln.atanh %7 : tensor<4xf32>
  // Halves round to even.
  // CHECK: math.roundeven
  %9 = kiln.round %8 : tensor<4xf32>
  return %9 : tensor<4xf32>
}

// -----

// sign: 1 above 0, -1 below, else the input (0 or NaN).
// CHECK-LABEL: func.func @sign
func.func @sign(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  // CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[POS:.+]] = arith.cmpf ogt, %[[X]]
  // CHECK: %[[NEG:.+]] = arith.cmpf olt, %[[X]]
  // CHECK: %[[MONE:.+]] = arith.constant -1.000000e+00 : f32
  // CHECK: %[[IN:.+]] = arith.select %[[NEG]], %[[MONE]], %[[X]] : f32
  // CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
  // CHECK: arith.select %[[POS]], %[[ONE]], %[[IN]] : f32
  %0 = kiln.sign %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.cmpi sgt
  // CHECK: arith.cmpi slt
  %1 = kiln.sign %i : tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// Unsigned casts zero-extend and convert with the unsigned ops; f64 to bf16
// goes through f32.
// CHECK-LABEL: func.func @casts
func.func @casts(%a: tensor<4xi8>, %x: tensor<4xf32>, %d: tensor<4xf64>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xi8>, tensor<4xbf16>) {
  // CHECK: arith.uitofp %{{.+}} : i8 to f32
  %0 = kiln.cast %a {unsigned_input} : tensor<4xi8> -> tensor<4xf32>
  // CHECK: arith.extui %{{.+}} : i8 to i32
  %1 = kiln.cast %a {unsigned_input} : tensor<4xi8> -> tensor<4xi32>
  // CHECK: arith.fptoui %{{.+}} : f32 to i8
  %2 = kiln.cast %x {unsigned_result} : tensor<4xf32> -> tensor<4xi8>
  // CHECK: %[[F:.+]] = arith.truncf %{{.+}} : f64 to f32
  // CHECK: arith.truncf %[[F]] : f32 to bf16
  %3 = kiln.cast %d : tensor<4xf64> -> tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xi32>, tensor<4xi8>, tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: return %[[X]] : tensor<4xf32>
  %0 = kiln.identity %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Constants keep their value, including resource-backed weights.
// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<4xf32>, tensor<2xi64>) {
  // CHECK: %[[W:.+]] = arith.constant dense_resource<weights> : tensor<4xf32>
  %0 = kiln.constant dense_resource<weights> : tensor<4xf32>
  // CHECK: %[[S:.+]] = arith.constant dense<[1, 2]> : tensor<2xi64>
  %1 = kiln.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: return %[[W]], %[[S]]
  return %0, %1 : tensor<4xf32>, tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
