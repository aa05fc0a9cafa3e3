import Foundation

/// The image metrics of a generator's samples, as `graft evaluate` writes them to eval.json for
/// Fashion-MNIST runs: "FID" in the classifier's features against the test set, class coverage, and the
/// classifier's own test accuracy beside them (PAPER.md, "Metrics"); KID and precision/recall in two
/// feature spaces (after and before the penultimate ReLU).
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
  // Beside FID, in the same penultimate (post-ReLU) features, centred on the reference's mean and divided by
  // one common scale (`FeatureScaling`). Absent for evaluators built from stored statistics only.
  /// KID: unbiased polynomial-kernel MMD², mean and std over 10 subsets of min(1000, N) samples.
  public var kid: Double? = nil
  public var kidStd: Double? = nil
  /// Improved precision (quality: samples inside the reference's 3-NN manifold) and recall (coverage:
  /// reference images inside the samples' manifold), on equal counts (the first min(N, reference) of each).
  public var precision: Double? = nil
  public var recall: Double? = nil
  /// The same four and FID in the second feature space: the penultimate layer before its ReLU.
  public var fidPreReLU: Double? = nil
  public var kidPreReLU: Double? = nil
  public var kidStdPreReLU: Double? = nil
  public var precisionPreReLU: Double? = nil
  public var recallPreReLU: Double? = nil
  /// FID, KID and precision/recall in a third space: the penultimate (post-ReLU) features of a second
  /// classifier of another seed and width (`FashionClassifier.secondResourceName`), when its weights exist.
  public var fidSeed1: Double? = nil
  public var kidSeed1: Double? = nil
  public var kidStdSeed1: Double? = nil
  public var precisionSeed1: Double? = nil
  public var recallSeed1: Double? = nil

  public init(
    fid: Double, classesCovered: Int, classCount: Int, klToUniform: Double, meanConfidence: Double,
    classCounts: [Int], minimumClassShare: Double, classifierAccuracy: Double, sampleCount: Int, referenceCount: Int
  ) {
    self.fid = fid
    self.classesCovered = classesCovered
    self.classCount = classCount
    self.klToUniform = klToUniform
    self.meanConfidence = meanConfidence
    self.classCounts = classCounts
    self.minimumClassShare = minimumClassShare
    self.classifierAccuracy = classifierAccuracy
    self.sampleCount = sampleCount
    self.referenceCount = referenceCount
  }

  /// Its numbers as tables show them: FID, KID and precision/recall in each feature space measured,
  /// then class coverage and the classifier's accuracy, then the counts behind them.
  public var measures: [Measure] {
    var out: [Measure] = []
    let spaces: [(suffix: String, space: String, fid: Double?, kid: Double?, kidStd: Double?, precision: Double?, recall: Double?)] = [
      ("", "classifier", fid, kid, kidStd, precision, recall),
      ("PreReLU", "pre-ReLU", fidPreReLU, kidPreReLU, kidStdPreReLU, precisionPreReLU, recallPreReLU),
      ("Seed1", "2nd classifier", fidSeed1, kidSeed1, kidStdSeed1, precisionSeed1, recallSeed1),
    ]
    for s in spaces {
      let named = s.suffix.isEmpty ? "" : " (\(s.space))"
      func add(_ key: String, _ label: String, _ value: Double?, digits: Int = 3, bounds: ClosedRange<Double>? = nil) {
        guard let value else { return }
        out.append(
          Measure(
            key: key + s.suffix, label: label + named, value: value, digits: digits, bounds: bounds, featureSpace: s.space))
      }
      add("fid", "FID", s.fid, digits: 1)
      add("kid", "KID", s.kid, digits: 4)
      add("kidStd", "KID std", s.kidStd, digits: 4)
      add("precision", "precision", s.precision, bounds: 0...1)
      add("recall", "recall", s.recall, bounds: 0...1)
    }
    out += [
      .count("classesCovered", "classes covered", classesCovered, of: classCount),
      Measure(key: "klToUniform", label: "KL to uniform", value: klToUniform),
      .share("meanConfidence", "mean confidence", meanConfidence),
      .share("classifierAccuracy", "classifier accuracy", classifierAccuracy),
      Measure(key: "sampleCount", label: "samples", value: Double(sampleCount), digits: 0),
      Measure(key: "referenceCount", label: "reference images", value: Double(referenceCount), digits: 0),
    ]
    return out
  }
}
