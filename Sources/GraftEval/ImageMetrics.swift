import Foundation
import GraftData
import GraftEngine

/// The image metrics of a generator's samples, as `graft evaluate` writes them to eval.json for
/// Fashion-MNIST runs: "FID" in the classifier's features against the test set, class coverage, and the
/// classifier's own test accuracy beside them (PAPER.md, "Metrics").
public struct ImageMetrics: Codable, Equatable, Sendable {
  /// Fréchet distance between the penultimate features of the samples and of the reference (test) images.
  public var fid: Double
  /// Classes that get at least `minimumClassShare` of the samples.
  public var classesCovered: Int
  public var classCount: Int
  /// KL divergence of the samples' class histogram to the uniform one (nats).
  public var klToUniform: Double
  /// Mean largest class probability of the samples.
  public var meanConfidence: Double
  /// Samples predicted in each class.
  public var classCounts: [Int]
  public var minimumClassShare: Double
  /// The classifier's accuracy on the reference images (the Fashion-MNIST test set).
  public var classifierAccuracy: Double
  /// Generated samples measured.
  public var sampleCount: Int
  /// Reference images behind the FID statistics.
  public var referenceCount: Int
}

/// Measures generated images against a labelled reference set (the Fashion-MNIST test set) with one
/// classifier. The reference's feature statistics and the classifier's accuracy are computed once, at
/// creation; `evaluate(samples:)` then costs one pass of the classifier over the samples.
/// `ImageEvaluator.fashionMNIST(...)` keeps one evaluator per data directory for the whole process.
public struct ImageEvaluator {
  public let classifier: FashionClassifier
  /// Mean and covariance of the reference images' features.
  public let reference: FeatureStatistics
  /// The classifier's accuracy on the reference images.
  public let classifierAccuracy: Double

  /// An evaluator against `images` [N, 1, 32, 32] with their `labels`.
  public init(classifier: FashionClassifier, images: Tensor<Float>, labels: [Int], batchSize: Int = 500)
    throws(EvalError)
  {
    guard images.rank >= 1, images.shape[0] == labels.count else {
      throw .badShape(
        what: "the reference images", shape: images.shape, expected: "one image per label (\(labels.count))")
    }
    let (features, logits) = try classifier.outputs(images, batchSize: batchSize)
    let predicted = argmaxRows(logits)
    self.classifier = classifier
    reference = try FeatureStatistics(features: features)
    classifierAccuracy =
      labels.isEmpty ? 0 : Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// An evaluator with known reference statistics (stored earlier) and accuracy.
  public init(classifier: FashionClassifier, reference: FeatureStatistics, classifierAccuracy: Double) {
    self.classifier = classifier
    self.reference = reference
    self.classifierAccuracy = classifierAccuracy
  }

  /// The metrics of generated `samples` [N, 1, 32, 32] in [−1, 1] (N ≥ 2).
  public func evaluate(samples: Tensor<Float>, minimumClassShare: Double = 0.01, batchSize: Int = 500) throws(EvalError)
    -> ImageMetrics
  {
    let (features, logits) = try classifier.outputs(samples, batchSize: batchSize)
    let distance = try frechetDistance(try FeatureStatistics(features: features), reference)
    let coverage = ClassCoverage(probabilities: withoutGradients { softmax(logits) }, minimumShare: minimumClassShare)
    return ImageMetrics(
      fid: distance, classesCovered: coverage.classesCovered, classCount: coverage.classCount,
      klToUniform: coverage.klToUniform, meanConfidence: coverage.meanConfidence, classCounts: coverage.counts,
      minimumClassShare: minimumClassShare, classifierAccuracy: classifierAccuracy, sampleCount: coverage.sampleCount,
      referenceCount: reference.count)
  }

  // MARK: - The Fashion-MNIST evaluator

  /// The evaluator of the committed classifier against the Fashion-MNIST test set in `directory` (its
  /// first `limit` images, all by default). Building it runs the classifier over the test set: keep it
  /// for all the evaluations of a run.
  ///
  /// Throws `EvalError.classifierWeightsMissing` without the weights, GraftData's `DataError` without the
  /// data set.
  public static func fashionMNIST(directory: String = FashionMNIST.defaultDirectory, limit: Int? = nil) throws
    -> ImageEvaluator
  {
    let classifier = try FashionClassifier.pretrained()
    let test = try FashionMNIST(
      split: .test, directory: directory, limit: limit, imageSize: FashionClassifier.imageSize)
    return try ImageEvaluator(classifier: classifier, images: test.images, labels: test.labels)
  }
}
