import GraftRun

/// Human names for the metric keys Graft writes; unknown keys are spelled out from camelCase.
public enum MetricLabels {
  static let known: [String: String] = [
    "fid": "FID",
    "kid": "KID",
    "kidStd": "KID std",
    "precision": "precision",
    "recall": "recall",
    "modesCovered": "modes covered",
    "modeCount": "modes",
    "highQualityShare": "high-quality share",
    "klToUniform": "KL to uniform",
    "modesRecovered": "modes recovered",
    "classesCovered": "classes covered",
    "classifierAccuracy": "classifier accuracy",
    "accuracy": "accuracy",
    "stepsPerSecond": "steps/s",
    "wallSeconds": "wall time (s)",
    "discriminatorLoss": "final loss_d",
    "generatorLoss": "final loss_g",
  ].merging(TrainingScalar.allCases.map { ($0.key, $0.key) }) { a, _ in a }

  /// The feature spaces beside the first classifier's post-ReLU features, by eval-key suffix.
  static let spaces = [("PreReLU", "pre-ReLU"), ("Seed1", "2nd classifier")]

  /// "mixture.highQualityShare" → "high-quality share"; "someNewMetric" → "some new metric".
  public static func label(_ key: String) -> String {
    let last = key.split(separator: ".").last.map(String.init) ?? key
    if let name = known[last] { return name }
    // Image metrics in the other feature spaces (GraftEval's ImageMetrics): "fidPreReLU" → "FID (pre-ReLU)".
    for (suffix, space) in spaces where last.hasSuffix(suffix) && last.count > suffix.count {
      return label(String(last.dropLast(suffix.count))) + " (\(space))"
    }
    var out = ""
    var previousUpper = true
    for c in last {
      if c.isUppercase && !previousUpper && !out.isEmpty { out += " " }
      previousUpper = c.isUppercase
      out += c == "_" ? " " : c.lowercased()
    }
    return out
  }
}
