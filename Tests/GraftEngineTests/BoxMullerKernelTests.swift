import Foundation
import GraftEngine
import Testing

/// The four-lane Box–Muller: its polynomials measured against glibc, and the Float values it gives
/// checked bit for bit against the scalar transform's normals rounded the same way.
@Suite("Box–Muller four pairs at a time")
struct BoxMullerKernelTests {
  /// Random words, then the edges: all zero bits, all one bits, the top bit alone, one bit below it.
  static func words(_ count: Int, seed: UInt64) -> [UInt64] {
    var g = RandomGenerator(seed: seed)
    return (0..<count).map { _ in g.next() } + [0, .max, 1 << 63, (1 << 63) - 1, 1 << 11, 2047]
  }

  /// The logarithm on (0, 1]: values 1 − u a draw can give, the smallest (2⁻⁵³) and 1 itself (log 0).
  @Test func logarithmIsWithinTwoUnitsOfGlibcs() {
    let xs =
      Self.words(400_000, seed: 2).map { 1 - Double($0 >> 11) * 0x1p-53 } + [0x1p-53, 0.5, 1, 2.0.squareRoot() / 2]
    let approximations = BoxMullerKernel.log(xs)
    var worst = 0.0
    for (x, y) in zip(xs, approximations) {
      let exact = Foundation.log(x)
      if exact == 0 { #expect(y == 0) } else { worst = max(worst, abs(y - exact) / abs(exact)) }
    }
    #expect(worst < 4e-16, "worst relative error \(worst)")
  }

  /// Sine and cosine on [0, 2π): the draws' angles, and angles next to every multiple of π/4.
  @Test func sineAndCosineAreWithinTwoUnitsOfGlibcs() {
    var angles = Self.words(400_000, seed: 3).map { 2 * Double.pi * (Double($0 >> 11) * 0x1p-53) }
    for k in 0..<8 {
      let a = Double(k) * Double.pi / 4
      angles += [a, a.nextUp, a.nextDown, a + 1e-9, a - 1e-9].filter { $0 >= 0 && $0 < 2 * Double.pi }
    }
    let (sines, cosines) = BoxMullerKernel.sinCos(angles)
    var worst = 0.0
    for (i, a) in angles.enumerated() {
      worst = max(worst, abs(sines[i] - Foundation.sin(a)), abs(cosines[i] - Foundation.cos(a)))
    }
    #expect(worst < 4e-16, "worst absolute error \(worst)")
  }

  /// The certificate's premise: each lane normal (and radius) is within certifiedError·r of the scalar
  /// one, with a margin of a thousand; the uniform draws inside are exact, so a pair with u₁ = 1 has r = 0.
  @Test func lanePairsAreWithinAThousandthOfTheCertifiedError() {
    // An odd number of pairs, so that the padded last group is measured too.
    let w = Self.words(400_000, seed: 4) + [12345]
    let pairs = w.count / 2
    var radii = [Double](repeating: 0, count: pairs)
    var cosines = radii
    var sines = radii
    BoxMullerKernel.pairs(w, count: pairs, radius: &radii, cosine: &cosines, sine: &sines)
    var worst = 0.0
    for i in 0..<pairs {
      let u1 = 1 - Double(w[2 * i] >> 11) * 0x1p-53
      let u2 = Double(w[2 * i + 1] >> 11) * 0x1p-53
      let r = (-2 * Foundation.log(u1)).squareRoot()
      if r == 0 {
        #expect(radii[i] == 0)
        continue
      }
      let z0 = r * Foundation.cos(2 * Double.pi * u2)
      let z1 = r * Foundation.sin(2 * Double.pi * u2)
      worst = max(worst, abs(cosines[i] - z0) / r, abs(sines[i] - z1) / r, abs(radii[i] - r) / r)
    }
    #expect(worst < BoxMullerKernel.certifiedError / 1000, "worst error over r \(worst)")
  }

  /// The data samplers' values, Float(scale·z) and Float(offset + scale·z), equal the scalar normals
  /// rounded so, bit for bit, on one thread and on two, with the generator left in the same state. The
  /// scales include 0 and tiny ones (every value at a sign or subnormal boundary: the scalar fallback).
  @Test(arguments: [1, 2])
  func roundedRowsAreTheScalarNormalsRounded(threads: Int) {
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    Runtime.setThreads(threads)
    let cases: [(rows: Int, count: Int, scale: Double)] = [
      (3, 5, 0.01), (64, 100, 0.01), (1000, 2, 0.02), (7, 1, 1.0), (40_000, 7, -3.0), (50, 9, 0.0),
      (50, 9, 1e-45), (50, 9, 1e300),
    ]
    for (rows, count, scale) in cases {
      var g = RandomGenerator(seed: UInt64(rows * count))
      var reference = g
      let (draws, values) = g.normalRows(rows, count: count, scale: scale) { $0.next() & 7 }
      let (referenceDraws, normals) = reference.normalRows(rows, count: count) { $0.next() & 7 }
      #expect(draws == referenceDraws)
      #expect(g == reference)
      let expected = normals.map { Float(scale * $0) }
      #expect(values.map(\.bitPattern) == expected.map(\.bitPattern), "rows \(rows), count \(count), scale \(scale)")

      let offsets = (0..<8).map { k in (0..<count).map { j in Double(k) * 0.75 - Double(j) * 1e-3 } }
      var h = RandomGenerator(seed: 99)
      var hReference = h
      let (modes, shifted) = h.normalRows(
        rows, count: count, scale: scale, after: { $0.next() & 7 }, offset: { k, j in offsets[Int(k)][j] })
      let (_, hNormals) = hReference.normalRows(rows, count: count) { $0.next() & 7 }
      let hExpected = hNormals.enumerated().map { i, z in
        Float(offsets[Int(modes[i / count])][i % count] + scale * z)
      }
      #expect(shifted.map(\.bitPattern) == hExpected.map(\.bitPattern), "offsets, rows \(rows), scale \(scale)")
    }
  }

  /// Float tensors of normals (latent batches, initial weights) come through the same certified lanes:
  /// their values are Float(mean + std·z) of the scalar normals, bit for bit, with the generator left
  /// where `normals(count:)` leaves it. Odd counts end on a cosine-only pair.
  @Test func floatNormalTensorsAreTheScalarNormalsRounded() {
    let cases: [(shape: [Int], mean: Float, std: Float)] = [
      ([256, 2], 0, 1), ([64, 100], 0, 1), ([5, 3], 0.5, 2), ([1], -1, 0.1), ([33, 7], 0, 0), ([9], 2, -1e-3),
    ]
    for (shape, mean, std) in cases {
      var g = RandomGenerator(seed: UInt64(shape.reduce(1, *)))
      var reference = g
      let tensor = Tensor<Float>(randomNormal: shape, mean: mean, standardDeviation: std, generator: &g)
      let expected = reference.normals(count: shape.reduce(1, *)).map { Float(Double(mean) + Double(std) * $0) }
      #expect(tensor.shape == shape)
      #expect(tensor.scalars.map(\.bitPattern) == expected.map(\.bitPattern), "\(shape) mean \(mean) std \(std)")
      #expect(g == reference)
    }
  }
}
