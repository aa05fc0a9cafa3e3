/// eval.json's `inception` object: the metrics in pytorch-fid's Inception features, and what they came from.
public struct InceptionMetrics: Codable, Sendable, Equatable {
  public var fid: Double
  public var kid: Double
  public var kidStd: Double
  public var precision: Double
  public var recall: Double
  public var inceptionScore: Double
  public var inceptionScoreStd: Double
  public var inceptionScoreSplits: Int
  public var sampleCount: Int
  public var referenceCount: Int
  /// The weights file.
  public var weights: String
  /// The cached features of the reference images.
  public var referenceFeatures: String

  public init(
    fid: Double, kid: Double, kidStd: Double, precision: Double, recall: Double, inceptionScore: Double,
    inceptionScoreStd: Double, inceptionScoreSplits: Int, sampleCount: Int, referenceCount: Int, weights: String,
    referenceFeatures: String
  ) {
    self.fid = fid
    self.kid = kid
    self.kidStd = kidStd
    self.precision = precision
    self.recall = recall
    self.inceptionScore = inceptionScore
    self.inceptionScoreStd = inceptionScoreStd
    self.inceptionScoreSplits = inceptionScoreSplits
    self.sampleCount = sampleCount
    self.referenceCount = referenceCount
    self.weights = weights
    self.referenceFeatures = referenceFeatures
  }

  /// FID, KID, precision/recall and the Inception Score, as tables show them, with the spreads of KID's
  /// and the Inception Score's estimates over subsets.
  public var measures: [Measure] {
    [fidMeasure, kidMeasure, kidStdMeasure, precisionMeasure, recallMeasure, scoreMeasure, scoreStdMeasure]
  }

  /// The scores papers compare runs by: `measures` without the spreads of the estimates.
  public var scores: [Measure] { [fidMeasure, kidMeasure, precisionMeasure, recallMeasure, scoreMeasure] }

  private static let space = "Inception"
  private var fidMeasure: Measure {
    Measure(key: "fid", label: "FID (Inception)", value: fid, digits: 1, featureSpace: Self.space)
  }
  private var kidMeasure: Measure {
    Measure(key: "kid", label: "KID (Inception)", value: kid, digits: 4, featureSpace: Self.space)
  }
  private var kidStdMeasure: Measure {
    Measure(key: "kidStd", label: "KID std (Inception)", value: kidStd, digits: 4, featureSpace: Self.space)
  }
  private var precisionMeasure: Measure {
    Measure(key: "precision", label: "precision (Inception)", value: precision, bounds: 0...1, featureSpace: Self.space)
  }
  private var recallMeasure: Measure {
    Measure(key: "recall", label: "recall (Inception)", value: recall, bounds: 0...1, featureSpace: Self.space)
  }
  private var scoreMeasure: Measure {
    Measure(key: "inceptionScore", label: "Inception Score", value: inceptionScore, digits: 2)
  }
  private var scoreStdMeasure: Measure {
    Measure(key: "inceptionScoreStd", label: "Inception Score std", value: inceptionScoreStd, digits: 2)
  }

}
