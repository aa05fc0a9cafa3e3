import Foundation
import GraftEngine

/// The Inception Score of a sample set: exp E_x KL(p(y|x) ‖ p(y)), averaged over splits.
public struct InceptionScore: Codable, Equatable, Sendable {
  /// The mean of the splits' scores.
  public var mean: Double
  /// Their population standard deviation (NumPy's `np.std`, as torch-fidelity reports it).
  public var std: Double
  /// The number of splits.
  public var splits: Int
}

/// The Inception Score of `logits` [N, C] as torch-fidelity computes it (`isc_features_to_metric`):
/// the rows shuffled by `np.random.RandomState(shuffleSeed).permutation(N)` (nil: not shuffled), then
/// for each of `splits` consecutive splits (rows ⌊iN/s⌋ ..< ⌊(i+1)N/s⌋), p = softmax of each row,
/// q = the split's mean p, score = exp(mean over rows of Σ p·(log p − log q)); in Double.
///
/// torch-fidelity scores the Inception's logits without the fc bias (its `logits_unbiased`): pass
/// `FIDInceptionV3.unbiasedLogits` for the number papers report.
/// Throws `EvalError.badShape` unless N ≥ splits ≥ 1, `.nonFinite` for NaN or infinite logits.
public func inceptionScore(logits: Tensor<Float>, splits: Int = 10, shuffleSeed: UInt32? = 2020) throws(EvalError)
  -> InceptionScore
{
  guard logits.rank == 2, splits >= 1, logits.shape[0] >= splits, logits.shape[1] >= 1 else {
    throw .badShape(what: "the logits", shape: logits.shape, expected: "[N, C] with N ≥ \(max(splits, 1)) (the splits)")
  }
  guard logits.scalars.allSatisfy(\.isFinite) else { throw .nonFinite(what: "the logits") }
  let (n, c) = (logits.shape[0], logits.shape[1])
  let order = shuffleSeed.map { NumPyLegacyPermutation.permutation(n, seed: $0) } ?? Array(0..<n)
  // log softmax of each row, in Double.
  var logP = [Double](repeating: 0, count: n * c)
  for (row, source) in order.enumerated() {
    let values = logits.scalars[(source * c)..<((source + 1) * c)].map(Double.init)
    let top = values.max()!
    let logSum = top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
    for j in 0..<c { logP[row * c + j] = values[j] - logSum }
  }
  var scores: [Double] = []
  for i in 0..<splits {
    let rows = (i * n / splits)..<((i + 1) * n / splits)
    var q = [Double](repeating: 0, count: c)
    for r in rows {
      for j in 0..<c { q[j] += Foundation.exp(logP[r * c + j]) }
    }
    let logQ = q.map { Foundation.log($0 / Double(rows.count)) }
    var klSum = 0.0
    for r in rows {
      var kl = 0.0
      for j in 0..<c {
        let lp = logP[r * c + j]
        kl += Foundation.exp(lp) * (lp - logQ[j])
      }
      klSum += kl
    }
    scores.append(Foundation.exp(klSum / Double(rows.count)))
  }
  let mean = scores.reduce(0, +) / Double(splits)
  let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)
  return InceptionScore(mean: mean, std: variance.squareRoot(), splits: splits)
}
