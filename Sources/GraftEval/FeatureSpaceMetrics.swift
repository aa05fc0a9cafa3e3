import COpenBLAS
import Foundation
import GraftEngine

// Quality and coverage metrics beside FID: KID (Bińkowski et al. 2018) and improved precision and recall
// (Kynkäänniemi et al. 2019). FID mixes both into one number; these report them apart. Golden values:
// Scripts/feature_metrics_reference.py.

/// A feature set [N, F] as row-major doubles, after checking its shape and values.
func doubleRows(_ x: Tensor<Float>, what: String) throws(EvalError) -> (values: [Double], rows: Int, columns: Int) {
  guard x.rank == 2 else { throw .badShape(what: what, shape: x.shape, expected: "[N, F]") }
  let values = x.scalars.map(Double.init)
  guard values.allSatisfy(\.isFinite) else { throw .nonFinite(what: what) }
  return (values, x.shape[0], x.shape[1])
}

/// An affine map fitted on the real features: x ↦ (x − μ) / s, with μ the real features' mean and one
/// scale s for every dimension, the root mean square of their per-dimension standard deviations
/// (unbiased), so that the real features have unit variance on average and KID's kernel (xᵀy / F + 1)³
/// sees terms of order one. One scale, not one per dimension: a unit that is nearly constant on the real
/// images (a ReLU unit active on a handful of them) would get a tiny σ, and generated samples that do
/// activate it would land thousands of σ away, where the cubic kernel's terms reach 10¹⁸ and the unbiased
/// MMD² is lost to rounding (it read −600,000 for one DCGAN run). A common scale keeps the network's own
/// weighting of the units, as KID on raw features does, and leaves precision/recall (k-NN relations)
/// exactly as on raw features.
public struct FeatureScaling: Equatable, Sendable {
  /// μ: the real features' per-dimension mean [F].
  public var mean: [Double]
  /// s: the root mean square of the real features' per-dimension standard deviations (1 when all are 0).
  public var scale: Double

  /// The scaling of `real` [N, F] (N ≥ 2). Throws `.badShape` or `.nonFinite`.
  public init(real: Tensor<Float>) throws(EvalError) {
    let (x, n, f) = try doubleRows(real, what: "the real feature set")
    guard n >= 2 else {
      throw .badShape(what: "the real feature set", shape: real.shape, expected: "[N, F] with N ≥ 2")
    }
    var mean = [Double](repeating: 0, count: f)
    for i in 0..<n { for j in 0..<f { mean[j] += x[i * f + j] } }
    for j in 0..<f { mean[j] /= Double(n) }
    var sumOfSquares = 0.0
    for i in 0..<n {
      for j in 0..<f {
        let d = x[i * f + j] - mean[j]
        sumOfSquares += d * d
      }
    }
    let meanVariance = sumOfSquares / Double(n - 1) / Double(max(f, 1))
    self.mean = mean
    scale = meanVariance > 0 ? meanVariance.squareRoot() : 1
  }

  /// The input dimension F.
  public var inputDimension: Int { mean.count }

  /// `features` [N, F] centred on the real mean and divided by the common scale: [N, F].
  public func callAsFunction(_ features: Tensor<Float>) throws(EvalError) -> Tensor<Float> {
    let (x, n, f) = try doubleRows(features, what: "the feature set")
    guard f == inputDimension else {
      throw .badShape(what: "the feature set", shape: features.shape, expected: "[N, \(inputDimension)]")
    }
    var out = [Float](repeating: 0, count: n * f)
    for i in 0..<n {
      for j in 0..<f { out[i * f + j] = Float((x[i * f + j] - mean[j]) / scale) }
    }
    return Tensor(shape: [n, f], scalars: out)
  }
}

/// C = A·Bᵀ for row-major A [m, d] and B [n, d]: C [m, n].
private func gram(_ a: [Double], _ m: Int, _ b: [Double], _ n: Int, _ d: Int) -> [Double] {
  var c = [Double](repeating: 0, count: m * n)
  guard m > 0, n > 0, d > 0 else { return c }
  cblas_dgemm(
    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(d), 1, a, Int32(d), b, Int32(d), 0, &c, Int32(n))
  return c
}

/// The unbiased MMD² estimate between row sets x [m, d] and y [n, d] (m, n ≥ 2) with the cubic polynomial
/// kernel k(a, b) = (aᵀb / d + 1)³: mean off-diagonal k(x, x) + mean off-diagonal k(y, y) − 2 mean k(x, y).
func polynomialMMD2(_ x: [Double], _ m: Int, _ y: [Double], _ n: Int, _ d: Int) -> Double {
  func kernelSum(_ g: [Double], skipDiagonal: Bool, columns: Int) -> Double {
    var total = 0.0
    for (index, v) in g.enumerated() where !(skipDiagonal && index / columns == index % columns) {
      let t = v / Double(d) + 1
      total += t * t * t
    }
    return total
  }
  let xx = kernelSum(gram(x, m, x, m, d), skipDiagonal: true, columns: m) / Double(m * (m - 1))
  let yy = kernelSum(gram(y, n, y, n, d), skipDiagonal: true, columns: n) / Double(n * (n - 1))
  let xy = kernelSum(gram(x, m, y, n, d), skipDiagonal: false, columns: n) / Double(m * n)
  return xx + yy - 2 * xy
}

/// KID: the mean and standard deviation (unbiased, over subsets) of the unbiased polynomial-kernel MMD².
public struct KernelDistance: Codable, Equatable, Sendable {
  public var mean: Double
  public var std: Double
  public var subsets: Int
  public var subsetSize: Int
}

/// The Kernel Inception Distance between feature sets `real` [N, F] and `fake` [M, F]: the unbiased MMD² with
/// kernel (xᵀy / F + 1)³, over `subsets` pairs of random subsets (without replacement) of
/// min(`subsetSize`, N, M) rows each, drawn from `seed`. Unscaled: apply a `FeatureScaling` first.
/// Expected value 0 when both come from one distribution (single estimates can be negative).
///
/// Throws `.badShape` (ranks, dimensions, fewer than 2 rows) or `.nonFinite`.
public func kernelInceptionDistance(
  real: Tensor<Float>, fake: Tensor<Float>, subsets: Int = 10, subsetSize: Int = 1000, seed: UInt64 = 0
) throws(EvalError) -> KernelDistance {
  let (x, n, f) = try doubleRows(real, what: "the real feature set")
  let (y, m, g) = try doubleRows(fake, what: "the generated feature set")
  guard g == f else { throw .badShape(what: "the generated feature set", shape: fake.shape, expected: "[M, \(f)]") }
  let size = min(subsetSize, n, m)
  guard size >= 2, subsets >= 1 else {
    throw .badShape(what: "the feature sets", shape: [n, m], expected: "at least 2 rows each, 1 subset")
  }
  var rng = RandomGenerator(seed: seed)
  /// `size` distinct rows of `rows` (partial Fisher–Yates), as a row-major block.
  func subset(_ values: [Double], rows: Int) -> [Double] {
    var order = Array(0..<rows)
    for i in 0..<size { order.swapAt(i, Int.random(in: i..<rows, using: &rng)) }
    return order[0..<size].flatMap { values[($0 * f)..<(($0 + 1) * f)] }
  }
  var estimates: [Double] = []
  for _ in 0..<subsets {
    let a = subset(x, rows: n)
    let b = subset(y, rows: m)
    estimates.append(polynomialMMD2(a, size, b, size, max(f, 1)))
  }
  let mean = estimates.reduce(0, +) / Double(subsets)
  let spread = subsets > 1 ? estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets - 1) : 0
  return KernelDistance(mean: mean, std: spread.squareRoot(), subsets: subsets, subsetSize: size)
}

/// Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of balls
/// around its samples with radius the distance to the sample's k-th nearest other sample.
public struct PrecisionRecall: Codable, Equatable, Sendable {
  /// Share of generated samples inside the real manifold (quality).
  public var precision: Double
  /// Share of real samples inside the generated manifold (coverage).
  public var recall: Double
  public var k: Int
}

/// Squared Euclidean distances between rows of a [m, d] and b [n, d]: [m, n], clamped at 0.
private func squaredDistances(_ a: [Double], _ m: Int, _ b: [Double], _ n: Int, _ d: Int) -> [Double] {
  let norms = { (v: [Double], rows: Int) in
    (0..<rows).map { i in (0..<d).reduce(0.0) { $0 + v[i * d + $1] * v[i * d + $1] } }
  }
  let (na, nb) = (norms(a, m), norms(b, n))
  var g = gram(a, m, b, n, d)
  for i in 0..<m { for j in 0..<n { g[i * n + j] = max(0, na[i] + nb[j] - 2 * g[i * n + j]) } }
  return g
}

/// The squared k-NN radius of each row of x [n, d] within x (excluding itself), in blocks of rows.
private func squaredRadii(_ x: [Double], _ n: Int, _ d: Int, k: Int, block: Int = 1024) -> [Double] {
  var radii = [Double](repeating: 0, count: n)
  for start in stride(from: 0, to: n, by: block) {
    let rows = min(block, n - start)
    let distances = squaredDistances(Array(x[(start * d)..<((start + rows) * d)]), rows, x, n, d)
    distances.withUnsafeBufferPointer { all in
      for r in 0..<rows {
        let row = UnsafeBufferPointer(rebasing: all[(r * n)..<((r + 1) * n)])
        radii[start + r] = kthSmallest(row, excluding: start + r, k: k)
      }
    }
  }
  return radii
}

/// The k-th smallest value of `row` leaving out index `excluding` (1 ≤ k < row.count): the value sorting
/// the others ascending puts at index k − 1, found in one pass (a selection, not a sort: the radii of
/// 10,000 samples took most of an evaluation when each row was sorted).
func kthSmallest(_ row: UnsafeBufferPointer<Double>, excluding skip: Int, k: Int) -> Double {
  precondition(k >= 1 && k < row.count, "k-th smallest needs 1 ≤ k < count")
  // The k smallest seen so far, ascending; a value enters only when below the largest of them.
  return withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { best in
    best.initialize(repeating: .infinity)
    for (index, value) in row.enumerated() where index != skip && value < best[k - 1] {
      var slot = k - 1
      while slot > 0 && best[slot - 1] > value {
        best[slot] = best[slot - 1]
        slot -= 1
      }
      best[slot] = value
    }
    return best[k - 1]
  }
}

/// Share of rows of y [m, d] within the k-NN ball of some row of x (squared radii given).
private func shareInside(
  _ y: [Double], _ m: Int, of x: [Double], _ n: Int, radii: [Double], _ d: Int, block: Int = 1024
) -> Double {
  var inside = 0
  for start in stride(from: 0, to: m, by: block) {
    let rows = min(block, m - start)
    let distances = squaredDistances(Array(y[(start * d)..<((start + rows) * d)]), rows, x, n, d)
    for r in 0..<rows where (0..<n).contains(where: { distances[r * n + $0] <= radii[$0] }) { inside += 1 }
  }
  return m == 0 ? 0 : Double(inside) / Double(m)
}

/// Improved precision and recall of `fake` [M, F] against `real` [N, F] with k-NN manifolds (N, M > k).
/// Unscaled: apply a `FeatureScaling` first. Both sets should have similar sizes (radii shrink as a set grows).
///
/// Throws `.badShape` or `.nonFinite`.
public func precisionRecall(real: Tensor<Float>, fake: Tensor<Float>, k: Int = 3) throws(EvalError) -> PrecisionRecall {
  let (x, n, f) = try doubleRows(real, what: "the real feature set")
  let (y, m, g) = try doubleRows(fake, what: "the generated feature set")
  guard g == f else { throw .badShape(what: "the generated feature set", shape: fake.shape, expected: "[M, \(f)]") }
  guard k >= 1, n > k, m > k else {
    throw .badShape(what: "the feature sets", shape: [n, m], expected: "more than k = \(k) rows each")
  }
  let realRadii = squaredRadii(x, n, f, k: k)
  let fakeRadii = squaredRadii(y, m, f, k: k)
  return PrecisionRecall(
    precision: shareInside(y, m, of: x, n, radii: realRadii, f),
    recall: shareInside(x, n, of: y, m, radii: fakeRadii, f), k: k)
}
