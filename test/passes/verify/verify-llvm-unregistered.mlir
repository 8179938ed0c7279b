// RUN: kiln-opt %s -allow-unregistered-dialect -verify-diagnostics -kiln-verify-llvm
// An op of an unregistered dialect (no Dialect object) is reported like any
// other op that is not LLVM, not dereferenced.

llvm.func @unregistered() {
  // expected-error @+1 {{'foo.bar' was not lowered to the LLVM dialect}}
  "foo.bar"() : () -> ()
  llvm.return
}
