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

/// The squared Euclidean norm of each row of v [rows, d].
private func squaredNorms(_ v: [Double], _ rows: Int, _ d: Int) -> [Double] {
  (0..<rows).map { i in (0..<d).reduce(0.0) { $0 + v[i * d + $1] * v[i * d + $1] } }
}

/// Calls `body(start, rows, first, distances)` for consecutive blocks of a's rows, where `distances`
/// [rows, n − first] holds the squared Euclidean distances, clamped at 0, from rows start..<start + rows
/// of a [m, d] to rows first..<n of b [n, d]: every row of b (first = 0), or with `fromDiagonal` (a and b
/// the same set) only the rows from the block's own on (first = start), so that each pair of rows is
/// met once. One buffer of at most 2²¹ numbers (16 MB) serves every block: a fresh block of
/// 1024 × 10,000 numbers for each call went through mmap, and its page faults and zeroing were a tenth
/// of a 10,000-sample evaluation.
private func forEachDistanceBlock(
  _ a: [Double], _ m: Int, _ b: [Double], _ n: Int, _ d: Int, fromDiagonal: Bool = false,
  _ body: (_ start: Int, _ rows: Int, _ first: Int, _ distances: UnsafeBufferPointer<Double>) -> Void
) {
  guard m > 0, n > 0 else { return }
  let na = squaredNorms(a, m, d)
  let nb = fromDiagonal ? na : squaredNorms(b, n, d)
  let block = max(1, min(m, (1 << 21) / n))
  let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: block * n)
  defer { buffer.deallocate() }
  let g = buffer.baseAddress!
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      for start in stride(from: 0, to: m, by: block) {
        let rows = min(block, m - start)
        let first = fromDiagonal ? start : 0
        let columns = n - first
        // g = a[start..<start + rows]·b[first..<n]ᵀ, then ‖aᵢ‖² + ‖bⱼ‖² − 2·aᵢ·bⱼ in place.
        if d > 0 {
          Double._gemmOneThread(
            transA: false, transB: true, m: rows, n: columns, k: d, alpha: 1, a: a.baseAddress! + start * d,
            lda: d, b: b.baseAddress! + first * d, ldb: d, beta: 0, c: g, ldc: columns)
        } else {
          g.update(repeating: 0, count: rows * columns)
        }
        for r in 0..<rows {
          let (row, normA) = (g + r * columns, na[start + r])
          for t in 0..<columns { row[t] = max(0, normA + nb[first + t] - 2 * row[t]) }
        }
        body(start, rows, first, UnsafeBufferPointer(start: g, count: rows * columns))
      }
    }
  }
}

/// The squared k-NN radius of each row of x [n, d] within x (excluding itself), 1 ≤ k < n. Each distance
/// is computed once and counted for both rows it joins: a radius is an order statistic, so the order in
/// which a row meets its distances does not change it.
private func squaredRadii(_ x: [Double], _ n: Int, _ d: Int, k: Int) -> [Double] {
  // Row i's k smallest distances so far, ascending, at best[i·k ..< (i + 1)·k].
  var best = [Double](repeating: .infinity, count: n * k)
  best.withUnsafeMutableBufferPointer { best in
    let slots = best.baseAddress!
    forEachDistanceBlock(x, n, x, n, d, fromDiagonal: true) { start, rows, first, distances in
      let (columns, end) = (n - first, start + rows)
      for r in 0..<rows {
        let (i, row) = (start + r, distances.baseAddress! + r * columns)
        for t in 0..<columns where first + t != i {
          keepSmallest(row[t], in: slots + i * k, k: k)
          // A row past this block meets its distances to the block only here.
          if first + t >= end { keepSmallest(row[t], in: slots + (first + t) * k, k: k) }
        }
      }
    }
  }
  return (0..<n).map { best[$0 * k + k - 1] }
}

/// Puts `value` among the k smallest values kept at best[0..<k] (ascending) if it is below the largest
/// of them: the k-th smallest of a row in one pass, a selection rather than a sort (sorting each row of
/// 10,000 distances took most of an evaluation).
@inline(__always)
private func keepSmallest(_ value: Double, in best: UnsafeMutablePointer<Double>, k: Int) {
  guard value < best[k - 1] else { return }
  var slot = k - 1
  while slot > 0 && best[slot - 1] > value {
    best[slot] = best[slot - 1]
    slot -= 1
  }
  best[slot] = value
}

/// Which rows of y [m, d] lie within the k-NN ball of some row of x [n, d], and which rows of x within
/// that of some row of y (squared radii given): both from one pass over the distances between them.
private func insideEachOther(
  _ y: [Double], _ m: Int, radiiY: [Double], _ x: [Double], _ n: Int, radiiX: [Double], _ d: Int
) -> (yInsideX: [Bool], xInsideY: [Bool]) {
  var (yInside, xInside) = ([Bool](repeating: false, count: m), [Bool](repeating: false, count: n))
  forEachDistanceBlock(y, m, x, n, d) { start, rows, _, distances in
    for r in 0..<rows {
      let (i, row) = (start + r, distances.baseAddress! + r * n)
      let radiusY = radiiY[i]
      for j in 0..<n {
        if row[j] <= radiiX[j] { yInside[i] = true }
        if row[j] <= radiusY { xInside[j] = true }
      }
    }
  }
  return (yInside, xInside)
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
  let (fakeInside, realInside) = insideEachOther(y, m, radiiY: fakeRadii, x, n, radiiX: realRadii, f)
  let share = { (inside: [Bool]) in Double(inside.count { $0 }) / Double(inside.count) }
  return PrecisionRecall(precision: share(fakeInside), recall: share(realInside), k: k)
}
