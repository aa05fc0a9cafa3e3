import Foundation
import GraftEngine
import Testing

/// Float tanh runs eight lanes at a time in Double and rounds once (tanh_lanes.h): every Float's tanh must
/// be libm's Double tanh rounded to Float, bit for bit. All 2³² Floats were checked once against it
/// (docs/performance.md); here a sample spread over every exponent, and the edges. glibc's own tanhf
/// fails this (it differs from the rounded value for about one Float in seven above 0.5).
@Suite("Float tanh eight lanes at a time")
struct TanhKernelTests {
  static func expected(_ x: Float) -> Float { Float(Foundation.tanh(Double(x))) }

  static func expectRoundedDoubleTanh(_ xs: [Float], _ ys: [Float]) {
    var wrong: [(Float, Float)] = []
    for (x, y) in zip(xs, ys) {
      let ok = x.isNaN ? y.isNaN : y.bitPattern == expected(x).bitPattern
      if !ok && wrong.count < 5 { wrong.append((x, y)) }
    }
    #expect(wrong.isEmpty, "tanh(x) ≠ Double tanh rounded: \(wrong.map { "tanh(\($0.0)) = \($0.1)" })")
  }

  /// Every 1021st bit pattern of all 2³² (4.2 million, both signs, NaNs and infinities among them), as one
  /// tensor, so that its chunks are split across the cores too.
  @Test func everyFloatOfASpreadSampleIsDoubleTanhRoundedOnce() {
    let xs = stride(from: UInt64(0), to: 1 << 32, by: 1021).map { Float(bitPattern: UInt32($0)) }
    let ys = Tensor(shape: [xs.count], scalars: xs).tanh().scalars
    Self.expectRoundedDoubleTanh(xs, ys)
  }

  /// The edges, in tensors of 1 to 17 elements (the lanes' tail): signed zeros, the smallest subnormal,
  /// where tanh becomes 1 in Float (9.01), the infinities and NaN.
  @Test func signsLimitsAndShortTensors() {
    let edges: [Float] = [
      0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-20, 0.5, -0.75, 1, 9, 9.01, 9.02, -9.5, 20,
      .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
    ]
    for count in 1...edges.count {
      let xs = Array(edges.prefix(count))
      let ys = Tensor(shape: [count], scalars: xs).tanh().scalars
      Self.expectRoundedDoubleTanh(xs, ys)
      #expect(zip(xs, ys).allSatisfy { $0.isNaN || $0.sign == $1.sign }, "\(ys)")
    }
    let ends = Tensor<Float>([-.infinity, .infinity, 9.5, -30]).tanh().scalars
    #expect(ends == [-1, 1, 1, -1])
  }
}
