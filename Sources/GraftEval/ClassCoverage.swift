import Foundation
import GraftEngine

/// How generated images spread over Fashion-MNIST's classes under the classifier (PAPER.md, "Metrics"):
/// the histogram of predicted classes, the classes that get at least a minimum share of the samples, the
/// KL divergence of the histogram to the uniform one, and the classifier's mean confidence.
public struct ClassCoverage: Codable, Equatable, Sendable {
  /// Classes predicted for at least `minimumShare` of the samples (and at least one sample).
  public var classesCovered: Int
  /// The number of classes K.
  public var classCount: Int
  /// The share a class needs to count as covered.
  public var minimumShare: Double
  /// Samples predicted in each class (argmax of the probabilities).
  public var counts: [Int]
  /// KL(histogram ‖ uniform) = Σ p_k log(K p_k), in nats: 0 when balanced, log K when all in one class.
  public var klToUniform: Double
  /// The mean over samples of the largest class probability.
  public var meanConfidence: Double
  /// Number of samples N.
  public var sampleCount: Int

  /// The coverage of samples whose class probabilities are `probabilities` [N, K] (rows summing to 1).
  public init(probabilities: Tensor<Float>, minimumShare: Double = 0.01) {
    precondition(probabilities.rank == 2, "ClassCoverage: probabilities must be [N, K], got \(probabilities.shape)")
    let (n, k) = (probabilities.shape[0], probabilities.shape[1])
    var counts = [Int](repeating: 0, count: k)
    var confidence = 0.0
    probabilities.scalars.withUnsafeBufferPointer { p in
      for i in 0..<n {
        var best = 0
        for j in 1..<max(k, 1) where p[i * k + j] > p[i * k + best] { best = j }
        if k > 0 {
          counts[best] += 1
          confidence += Double(p[i * k + best])
        }
      }
    }
    self.init(counts: counts, confidenceSum: confidence, minimumShare: minimumShare)
  }

  /// The coverage of a class histogram `counts`, with the sum over samples of their top probability.
  public init(counts: [Int], confidenceSum: Double, minimumShare: Double = 0.01) {
    let n = counts.reduce(0, +)
    let k = counts.count
    self.counts = counts
    classCount = k
    sampleCount = n
    self.minimumShare = minimumShare
    classesCovered = counts.filter { $0 > 0 && Double($0) >= minimumShare * Double(n) }.count
    meanConfidence = n == 0 ? 0 : confidenceSum / Double(n)
    if n == 0 {
      klToUniform = k == 0 ? 0 : Foundation.log(Double(k))
    } else {
      klToUniform = counts.reduce(0.0) { acc, c in
        guard c > 0 else { return acc }
        let p = Double(c) / Double(n)
        return acc + p * Foundation.log(p * Double(k))
      }
    }
  }

  /// The coverage of `images` [N, 1, 32, 32] under `classifier`, computed in batches.
  public init(
    images: Tensor<Float>, classifier: FashionClassifier, minimumShare: Double = 0.01, batchSize: Int = 500
  ) throws(EvalError) {
    let logits = try classifier.outputs(images, batchSize: batchSize).logits
    self.init(probabilities: withoutGradients { softmax(logits) }, minimumShare: minimumShare)
  }

  /// Each class's share of the samples.
  public var shares: [Double] {
    counts.map { sampleCount == 0 ? 0 : Double($0) / Double(sampleCount) }
  }
}
