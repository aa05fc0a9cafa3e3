import Foundation
import GraftData
import GraftEngine
import GraftRun

/// A reference feature space for KID and precision/recall: the reference's scaling, its scaled features
/// and, for FID, its statistics (unscaled).
public struct ReferenceFeatureSpace {
  public let statistics: FeatureStatistics
  public let scaling: FeatureScaling
  /// The reference features after `scaling` [N, F].
  public let scaled: Tensor<Float>

  public init(features: Tensor<Float>) throws(EvalError) {
    statistics = try FeatureStatistics(features: features)
    scaling = try FeatureScaling(real: features)
    scaled = try scaling(features)
  }

  /// FID, KID (mean, std) and precision/recall of `features` [M, F] against this reference.
  public func compare(_ features: Tensor<Float>, seed: UInt64 = 0) throws(EvalError) -> (
    fid: Double, kid: KernelDistance, precisionRecall: PrecisionRecall
  ) {
    let fid = try frechetDistance(try FeatureStatistics(features: features), statistics)
    let fake = try scaling(features)
    let kid = try kernelInceptionDistance(real: scaled, fake: fake, subsets: 10, subsetSize: 1000, seed: seed)
    // k-NN radii shrink as a set grows: compare equal counts.
    let count = min(scaled.shape[0], fake.shape[0])
    let pr = try precisionRecall(real: scaled[0..<count], fake: fake[0..<count], k: 3)
    return (fid, kid, pr)
  }
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
  /// The reference in the penultimate features after and before their ReLU (nil from stored statistics).
  public let penultimate: ReferenceFeatureSpace?
  public let preReLU: ReferenceFeatureSpace?
  /// A second classifier and the reference in its penultimate features (the third space), if given.
  public let second: (classifier: FashionClassifier, reference: ReferenceFeatureSpace)?

  /// An evaluator against `images` [N, 1, 32, 32] with their `labels`.
  public init(
    classifier: FashionClassifier, images: Tensor<Float>, labels: [Int], second: FashionClassifier? = nil,
    batchSize: Int = 500
  ) throws(EvalError) {
    guard images.rank >= 1, images.shape[0] == labels.count else {
      throw .badShape(
        what: "the reference images", shape: images.shape, expected: "one image per label (\(labels.count))")
    }
    let (preActivation, features, logits) = try classifier.allOutputs(images, batchSize: batchSize)
    let predicted = argmaxRows(logits)
    self.classifier = classifier
    penultimate = try ReferenceFeatureSpace(features: features)
    preReLU = try ReferenceFeatureSpace(features: preActivation)
    reference = penultimate!.statistics
    if let second {
      let features = try second.outputs(images, batchSize: batchSize).features
      self.second = (second, try ReferenceFeatureSpace(features: features))
    } else {
      self.second = nil
    }
    classifierAccuracy =
      labels.isEmpty ? 0 : Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// An evaluator with known reference statistics (stored earlier) and accuracy.
  public init(classifier: FashionClassifier, reference: FeatureStatistics, classifierAccuracy: Double) {
    self.classifier = classifier
    self.reference = reference
    self.classifierAccuracy = classifierAccuracy
    penultimate = nil
    preReLU = nil
    second = nil
  }

  /// The metrics of generated `samples` [N, 1, 32, 32] in [−1, 1] (N ≥ 2).
  public func evaluate(samples: Tensor<Float>, minimumClassShare: Double = 0.01, batchSize: Int = 500) throws(EvalError)
    -> ImageMetrics
  {
    let (preActivation, features, logits) = try classifier.allOutputs(samples, batchSize: batchSize)
    let distance = try frechetDistance(try FeatureStatistics(features: features), reference)
    let coverage = ClassCoverage(probabilities: withoutGradients { softmax(logits) }, minimumShare: minimumClassShare)
    var metrics = ImageMetrics(
      fid: distance, classesCovered: coverage.classesCovered, classCount: coverage.classCount,
      klToUniform: coverage.klToUniform, meanConfidence: coverage.meanConfidence, classCounts: coverage.counts,
      minimumClassShare: minimumClassShare, classifierAccuracy: classifierAccuracy, sampleCount: coverage.sampleCount,
      referenceCount: reference.count)
    if let penultimate {
      let (_, kid, pr) = try penultimate.compare(features)
      (metrics.kid, metrics.kidStd, metrics.precision, metrics.recall) = (kid.mean, kid.std, pr.precision, pr.recall)
    }
    if let preReLU {
      let (fid, kid, pr) = try preReLU.compare(preActivation)
      (metrics.fidPreReLU, metrics.kidPreReLU, metrics.kidStdPreReLU) = (fid, kid.mean, kid.std)
      (metrics.precisionPreReLU, metrics.recallPreReLU) = (pr.precision, pr.recall)
    }
    if let second {
      let features = try second.classifier.outputs(samples, batchSize: batchSize).features
      let (fid, kid, pr) = try second.reference.compare(features)
      (metrics.fidSeed1, metrics.kidSeed1, metrics.kidStdSeed1) = (fid, kid.mean, kid.std)
      (metrics.precisionSeed1, metrics.recallSeed1) = (pr.precision, pr.recall)
    }
    return metrics
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
    // The second classifier is optional: without its weights the third space's keys are absent.
    let second = try? FashionClassifier.load(from: FashionClassifier.resourceURL(FashionClassifier.secondResourceName))
    let test = try FashionMNIST(
      split: .test, directory: directory, limit: limit, imageSize: FashionClassifier.imageSize)
    return try ImageEvaluator(classifier: classifier, images: test.images, labels: test.labels, second: second)
  }
}
