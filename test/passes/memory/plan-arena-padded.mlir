// RUN: kiln-opt %s -pass-pipeline='builtin.module(func.func(kiln-memory-plan-arena))' | FileCheck %s --check-prefix=REUSE
// RUN: kiln-opt %s -pass-pipeline='builtin.module(func.func(kiln-memory-plan-arena{keep-padded-sources=true}))' | FileCheck %s --check-prefix=KEEP
// A buffer copied into the interior of a padded one: by default dead after
// the copy (the next buffer takes its bytes); with keep-padded-sources
// (the GPU path, whose convolutions read the source through the padding)
// alive as long as the padded buffer, so the next buffer goes elsewhere.
// REUSE-LABEL: func.func @padded
// REUSE: arith.constant [[OFF:[0-9]+]] : index
// REUSE-NEXT: memref.view {{.*}} to memref<4x4xf32>
// REUSE: arith.constant [[OFF]] : index
// REUSE-NEXT: memref.view {{.*}} to memref<16xf32>
// KEEP-LABEL: func.func @padded
// KEEP: arith.constant [[OFF:[0-9]+]] : index
// KEEP-NEXT: memref.view {{.*}} to memref<4x4xf32>
// KEEP-NOT: arith.constant [[OFF]] : index
// KEEP: memref.view {{.*}} to memref<16xf32>
func.func @padded(%in: memref<4x4xf32>, %out: memref<16xf32>, %arena: memref<?xi8> {kiln.arena})
    attributes {kiln.entry} {
  %zero = arith.constant 0.0 : f32
  %src = memref.alloc() : memref<4x4xf32>
  linalg.copy ins(%in : memref<4x4xf32>) outs(%src : memref<4x4xf32>)
  %pad = memref.alloc() : memref<6x6xf32>
  linalg.fill ins(%zero : f32) outs(%pad : memref<6x6xf32>)
  %interior = memref.subview %pad[1, 1] [4, 4] [1, 1] : memref<6x6xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  memref.copy %src, %interior : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  %next = memref.alloc() : memref<16xf32>
  linalg.fill ins(%zero : f32) outs(%next : memref<16xf32>)
  %flat = memref.collapse_shape %pad [[0, 1]] : memref<6x6xf32> into memref<36xf32>
  %part = memref.subview %flat[0] [16] [1] : memref<36xf32> to memref<16xf32, strided<[1]>>
  linalg.copy ins(%part : memref<16xf32, strided<[1]>>) outs(%next : memref<16xf32>)
  linalg.copy ins(%next : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}
