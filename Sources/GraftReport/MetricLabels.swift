/// Human names for the metric keys Graft writes; unknown keys are spelled out from camelCase.
public enum MetricLabels {
  static let known: [String: String] = [
    "fid": "FID",
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
    "loss_d": "loss_d",
    "loss_g": "loss_g",
  ]

  /// "mixture.highQualityShare" → "high-quality share"; "someNewMetric" → "some new metric".
  public static func label(_ key: String) -> String {
    let last = key.split(separator: ".").last.map(String.init) ?? key
    if let name = known[last] { return name }
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
