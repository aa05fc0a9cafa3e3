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

  /// A feature space the sample metrics are measured in.
  public enum FeatureSpace: CaseIterable, Sendable {
    /// The committed classifier's penultimate features, after the ReLU (FID's space since the start).
    case classifier
    /// The same layer before its ReLU.
    case preReLU
    /// A second classifier's penultimate (post-ReLU) features, of another seed and width.
    case secondClassifier

    /// The suffix of its keys in eval.json and metrics.jsonl ("fid", "fidPreReLU", "fidSeed1").
    public var keySuffix: String {
      switch self {
      case .classifier: ""
      case .preReLU: "PreReLU"
      case .secondClassifier: "Seed1"
      }
    }
    /// Its name in measures (`Measure.featureSpace`) and labels: "classifier", "pre-ReLU", "2nd classifier".
    public var name: String {
      switch self {
      case .classifier: "classifier"
      case .preReLU: "pre-ReLU"
      case .secondClassifier: "2nd classifier"
      }
    }
    /// Its name beside the other two in the experiments' tables: "post-ReLU", "pre-ReLU", "2nd classifier".
    public var shortName: String { self == .classifier ? "post-ReLU" : name }
    /// What it is, in a sentence's words.
    public var summary: String {
      switch self {
      case .classifier: "the classifier's penultimate features (after the ReLU)"
      case .preReLU: "the same classifier's penultimate features before the ReLU"
      case .secondClassifier: "a second classifier's penultimate features (another seed and width)"
      }
    }
  }

  /// A metric of the samples measured in each feature space.
  public enum SpaceMetric: String, CaseIterable, Sendable {
    case fid, kid, kidStd, precision, recall

    /// Its key in eval.json and metrics.jsonl for `space`: "kid", "kidPreReLU", "kidSeed1".
    public func key(in space: FeatureSpace) -> String { rawValue + space.keySuffix }
    public var label: String {
      switch self {
      case .fid: "FID"
      case .kid: "KID"
      case .kidStd: "KID std"
      case .precision: "precision"
      case .recall: "recall"
      }
    }
    /// Decimals shown.
    public var digits: Int { self == .fid ? 1 : self == .kid || self == .kidStd ? 4 : 3 }
    /// Precision and recall are shares; FID and KID are unbounded.
    public var bounds: ClosedRange<Double>? { self == .precision || self == .recall ? 0...1 : nil }
    /// FID and KID are distances (lower is better); precision and recall shares (higher is better).
    public var lowerIsBetter: Bool { self != .precision && self != .recall }
  }

  /// The value of `metric` in `space`, nil where it was not measured.
  public func value(_ metric: SpaceMetric, in space: FeatureSpace) -> Double? {
    switch (metric, space) {
    case (.fid, .classifier): fid
    case (.kid, .classifier): kid
    case (.kidStd, .classifier): kidStd
    case (.precision, .classifier): precision
    case (.recall, .classifier): recall
    case (.fid, .preReLU): fidPreReLU
    case (.kid, .preReLU): kidPreReLU
    case (.kidStd, .preReLU): kidStdPreReLU
    case (.precision, .preReLU): precisionPreReLU
    case (.recall, .preReLU): recallPreReLU
    case (.fid, .secondClassifier): fidSeed1
    case (.kid, .secondClassifier): kidSeed1
    case (.kidStd, .secondClassifier): kidStdSeed1
    case (.precision, .secondClassifier): precisionSeed1
    case (.recall, .secondClassifier): recallSeed1
    }
  }

  /// The key of classes covered in eval.json and metrics.jsonl.
  public static let classesCoveredKey = "classesCovered"

  /// Its numbers as tables show them: FID, KID and precision/recall in each feature space measured,
  /// then class coverage and the classifier's accuracy, then the counts behind them.
  public var measures: [Measure] {
    var out: [Measure] = []
    for space in FeatureSpace.allCases {
      let named = space == .classifier ? "" : " (\(space.name))"
      for metric in SpaceMetric.allCases {
        guard let value = value(metric, in: space) else { continue }
        out.append(
          Measure(
            key: metric.key(in: space), label: metric.label + named, value: value, digits: metric.digits,
            bounds: metric.bounds, featureSpace: space.name))
      }
    }
    out += [
      .count(Self.classesCoveredKey, "classes covered", classesCovered, of: classCount),
      Measure(key: "klToUniform", label: "KL to uniform", value: klToUniform),
      .share("meanConfidence", "mean confidence", meanConfidence),
      .share("classifierAccuracy", "classifier accuracy", classifierAccuracy),
      Measure(key: "sampleCount", label: "samples", value: Double(sampleCount), digits: 0),
      Measure(key: "referenceCount", label: "reference images", value: Double(referenceCount), digits: 0),
    ]
    return out
  }
}
