import Foundation
import GraftEngine
import GraftEval
import Testing

/// Golden values from Scripts/feature_metrics_reference.py (numpy), on inputs exact in float32.
@Suite("KID and precision/recall against numpy, and their properties")
struct FeatureSpaceMetricsTests {
  /// rows(n, d, a, b, mod, off, shift)[i, j] = ((i·a + j·b) mod `mod` − off) / 4 + shift, as in the script.
  func rows(_ n: Int, _ d: Int, _ a: Int, _ b: Int, _ mod: Int, _ off: Int, _ shift: Float) -> Tensor<Float> {
    Tensor(
      shape: [n, d],
      scalars: (0..<(n * d)).map { k in Float(((k / d) * a + (k % d) * b) % mod - off) / 4 + shift })
  }

  func gaussian(_ n: Int, _ d: Int, shift: Float, seed: UInt64) -> Tensor<Float> {
    var rng = RandomGenerator(seed: seed)
    return Tensor<Float>(randomNormal: [n, d], generator: &rng) + shift
  }

  @Test func kidOfWholeSetsMatchesNumpy() throws {
    // Subsets as large as the sets are permutations of them, and MMD² ignores order: every subset gives
    // numpy's mmd2(x, y) and the spread is 0.
    let x = rows(12, 5, 37, 11, 17, 8, 0)
    let y = rows(12, 5, 29, 13, 19, 9, 0.5)
    let kid = try kernelInceptionDistance(real: x, fake: y, subsets: 4, subsetSize: 1000)
    #expect(kid.subsetSize == 12 && kid.subsets == 4)
    #expect(abs(kid.mean - 1.8109793023003498) < 1e-12, "\(kid.mean)")
    #expect(kid.std < 1e-12)
  }

  @Test func scalingCentresAndDividesByOneScale() throws {
    var values = rows(12, 5, 37, 11, 17, 8, 0).scalars
    for i in 0..<12 { values[i * 5 + 2] = 1.5 }  // a constant dimension: kept, it costs nothing
    let x = Tensor<Float>(shape: [12, 5], scalars: values)
    let scaling = try FeatureScaling(real: x)
    #expect(abs(scaling.scale - 1.1572400552411524) < 1e-12, "\(scaling.scale)")
    let sx = try scaling(x)
    #expect(sx.shape == [12, 5])
    let kid = try kernelInceptionDistance(real: sx, fake: try scaling(rows(12, 5, 29, 13, 19, 9, 0.5)), subsets: 1)
    // Float32 scaled features: agreement to single precision.
    #expect(abs(kid.mean - 3.6039163187141696) < 1e-5, "\(kid.mean)")
    // All dimensions constant: scale 1, so the map only centres.
    #expect(try FeatureScaling(real: Tensor(shape: [3, 2], repeating: 2)).scale == 1)
  }

  /// The failure this scaling replaced: per-dimension standardization put generated samples that activate a
  /// unit the reference almost never uses thousands of σ away, and the cubic kernel's rounding then swamped
  /// KID (a DCGAN run read −600,000). Under one common scale such a unit moves a sample as far as it does
  /// in the raw features, and KID stays of the order of the raw features' KID.
  @Test func aNearlyDeadReferenceUnitDoesNotBlowUpKID() throws {
    var rng = RandomGenerator(seed: 11)
    let n = 2000
    // Post-ReLU-like features: 15 busy units and one active on a single reference image, faintly.
    func features(deadUnit: (Int) -> Float) -> Tensor<Float> {
      let busy = Tensor<Float>(randomNormal: [n, 15], generator: &rng).relu().scalars
      var values: [Float] = []
      for i in 0..<n { values += busy[(i * 15)..<((i + 1) * 15)] + [deadUnit(i)] }
      return Tensor(shape: [n, 16], scalars: values)
    }
    let real = features { $0 == 0 ? 1e-3 : 0 }
    let fake = features { $0 % 2 == 0 ? 1 : 0 }  // half the samples use the unit at a normal level
    let scaling = try FeatureScaling(real: real)
    let scaled = try scaling(fake)
    #expect(scaled.scalars.map(abs).max()! < 20, "scaled coordinates stay of the raw features' order")
    let kid = try kernelInceptionDistance(real: try scaling(real), fake: scaled, subsetSize: 1000)
    #expect(kid.mean.isFinite && kid.mean > 0 && kid.mean < 1, "\(kid)")
    // The same up to the kernel's scale as KID on raw features divided by the scale (MMD² of an affine
    // image): both positive and far from the old failure's magnitude.
    let raw = try kernelInceptionDistance(real: real, fake: fake, subsetSize: 1000)
    #expect(raw.mean > 0 && raw.mean < 1, "\(raw)")
  }

  @Test func kidIsNearZeroForOneDistributionAndGrowsWithAShift() throws {
    let real = gaussian(600, 16, shift: 0, seed: 1)
    let same = try kernelInceptionDistance(real: real, fake: gaussian(600, 16, shift: 0, seed: 2), subsetSize: 300)
    let shifted = try kernelInceptionDistance(real: real, fake: gaussian(600, 16, shift: 0.5, seed: 3), subsetSize: 300)
    let further = try kernelInceptionDistance(real: real, fake: gaussian(600, 16, shift: 1, seed: 4), subsetSize: 300)
    #expect(abs(same.mean) < 3 * same.std / (10.0).squareRoot() + 1e-3, "\(same)")
    #expect(shifted.mean > 10 * abs(same.mean) && further.mean > 2 * shifted.mean, "\(same) \(shifted) \(further)")
    // Same seed, same answer.
    #expect(try kernelInceptionDistance(real: real, fake: real, subsetSize: 300) == kernelInceptionDistance(
      real: real, fake: real, subsetSize: 300))
  }

  @Test func precisionAndRecallMatchNumpy() throws {
    let real = rows(20, 3, 37, 11, 17, 8, 0)
    let fake = rows(15, 3, 29, 13, 19, 9, 1.5)
    let pr = try precisionRecall(real: real, fake: fake, k: 3)
    #expect(pr.precision == 0.4 && pr.recall == 0.5, "\(pr)")
  }

  /// The k-NN radii are found by selection, not by sorting each row, and both shares from one pass over
  /// the fake-to-real distances, a block of rows at a time: the same precision and recall as the
  /// definition computed directly (every distance, each row sorted), on integer features with many tied
  /// distances, for several k.
  @Test func precisionAndRecallEqualTheDefinitionComputedBySorting() throws {
    func definition(real: [[Double]], fake: [[Double]], k: Int) -> (Double, Double) {
      func d2(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
      func radii(_ x: [[Double]]) -> [Double] {
        x.indices.map { i in x.indices.filter { $0 != i }.map { d2(x[i], x[$0]) }.sorted()[k - 1] }
      }
      func share(_ y: [[Double]], inside x: [[Double]], _ r: [Double]) -> Double {
        Double(y.filter { p in x.indices.contains { d2(p, x[$0]) <= r[$0] } }.count) / Double(y.count)
      }
      return (share(fake, inside: real, radii(real)), share(real, inside: fake, radii(fake)))
    }
    var rng = RandomGenerator(seed: 11)
    func integerRows(_ n: Int, _ d: Int, _ range: ClosedRange<Int>) -> [[Double]] {
      (0..<n).map { _ in (0..<d).map { _ in Double(Int.random(in: range, using: &rng)) } }
    }
    // The last case spans more than one block of distances (2²¹ numbers), in both directions.
    for (k, n, m, range) in [(1, 40, 30, 0...3), (3, 120, 90, -2...2), (5, 70, 110, 0...4), (3, 1600, 1500, -6...6)] {
      let real = integerRows(n, 3, range)
      let fake = integerRows(m, 3, range).map { $0.map { $0 + 1 } }
      let tensor = { (x: [[Double]]) in Tensor<Float>(shape: [x.count, 3], scalars: x.flatMap { $0.map(Float.init) }) }
      let pr = try precisionRecall(real: tensor(real), fake: tensor(fake), k: k)
      let (precision, recall) = definition(real: real, fake: fake, k: k)
      #expect(pr.precision == precision && pr.recall == recall, "k \(k): \(pr) against \((precision, recall))")
      #expect(precision > 0 && precision < 1 || recall > 0 && recall < 1, "a case that tells apart")
    }
  }

  @Test func identicalSetsAreFullyPreciseAndCoveredFarClustersNotAtAll() throws {
    let x = gaussian(300, 8, shift: 0, seed: 5)
    let same = try precisionRecall(real: x, fake: x)
    #expect(same.precision == 1 && same.recall == 1)
    let far = try precisionRecall(real: x, fake: gaussian(200, 8, shift: 50, seed: 6))
    #expect(far.precision == 0 && far.recall == 0)
    // Half the samples on the real data, half far away: precision at most 1/2.
    let half = Tensor.concatenated(
      [gaussian(150, 8, shift: 0, seed: 7), gaussian(150, 8, shift: 50, seed: 8)], alongAxis: 0)
    let mixed = try precisionRecall(real: x, fake: half)
    #expect(mixed.precision > 0.3 && mixed.precision <= 0.5 && mixed.recall > 0.3, "\(mixed)")
  }

  @Test func badShapesThrow() {
    #expect(throws: EvalError.self) { try precisionRecall(real: Tensor(zeros: [3, 2]), fake: Tensor(zeros: [9, 2])) }
    #expect(throws: EvalError.self) {
      try kernelInceptionDistance(real: Tensor(zeros: [5, 2]), fake: Tensor(zeros: [5, 3]))
    }
  }
}
