// RUN: kiln-opt %s -allow-unregistered-dialect -kiln-verify-linalg | FileCheck %s
// An op of an unregistered dialect has no Dialect object; it is not a kiln op,
// so the check passes (and must not dereference the missing dialect).

// CHECK-LABEL: func.func @unregistered
// CHECK: "foo.bar"() : () -> ()
func.func @unregistered() {
  "foo.bar"() : () -> ()
  return
}
