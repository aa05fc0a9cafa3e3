import Foundation
import GraftIO

/// One number among a run's results, declared beside the file type it comes from (summary.json,
/// eval.json, metrics.jsonl's `eval` lines), so that tables, charts and seed intervals read it without
/// spelling its key: the key it has in the file (nested keys joined with "."), the label readers see,
/// its decimals, and the range its values lie in (a bounded measure gets a bootstrap interval over seeds).
public struct Measure: Sendable, Equatable {
  public var key: String
  public var label: String
  public var value: Double
  /// Decimals in tables of means over seeds.
  public var digits: Int
  /// The range the measure's values lie in (modes covered: 0…K; shares: 0…1), nil when unbounded.
  public var bounds: ClosedRange<Double>?
  /// The total a count is out of (the K of "3 / 8 modes covered"), nil for other measures.
  public var total: Double?
  /// For image metrics measured in several feature spaces (FID, KID, precision, recall): the space,
  /// e.g. "pre-ReLU"; nil for the others.
  public var featureSpace: String?

  public init(
    key: String, label: String, value: Double, digits: Int = 3, bounds: ClosedRange<Double>? = nil,
    total: Double? = nil, featureSpace: String? = nil
  ) {
    self.key = key
    self.label = label
    self.value = value
    self.digits = digits
    self.bounds = bounds
    self.total = total
    self.featureSpace = featureSpace
  }

  /// A count out of `total` (modes, classes): one decimal over seeds, bounded by 0…total.
  static func count(_ key: String, _ label: String, _ value: Int, of total: Int) -> Measure {
    Measure(key: key, label: label, value: Double(value), digits: 1, bounds: 0...Double(total), total: Double(total))
  }

  /// A share in 0…1.
  static func share(_ key: String, _ label: String, _ value: Double) -> Measure {
    Measure(key: key, label: label, value: value, bounds: 0...1)
  }

  /// The measure as part of an enclosing object: `prefix.key`.
  func nested(in prefix: String) -> Measure {
    var m = self
    m.key = prefix + "." + key
    return m
  }

  /// The numbers of a JSON object Graft does not know the type of (an older run's evaluation): every
  /// numeric leaf, labelled from its key ("someNewMetric" → "some new metric"), unbounded.
  public static func leaves(of object: [String: Double]) -> [Measure] {
    object.keys.sorted().map { Measure(key: $0, label: label(fromKey: $0), value: object[$0]!) }
  }

  /// "mixture.highQualityShare" → "high quality share": the last key spelled out from camelCase.
  public static func label(fromKey key: String) -> String {
    let last = key.split(separator: ".").last.map(String.init) ?? key
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

extension Sequence<Measure> {
  /// Each key once, its first measure kept, in the order they come (the columns or charts of several
  /// runs' or evaluations' measures).
  public func firstOfEachKey() -> [Measure] {
    var seen: Set<String> = []
    return filter { seen.insert($0.key).inserted }
  }
}

extension MixtureCoverage {
  /// The key of modes covered in summary.json's `mixture` and eval.json, and in experiments' measure names.
  public static let modesCoveredKey = "modesCovered"

  /// Modes covered (of the mixture's), the high-quality share and the KL to uniform.
  public var measures: [Measure] {
    [
      .count(Self.modesCoveredKey, "modes covered", modesCovered, of: modeCount),
      .share("highQualityShare", "high-quality share", Double(highQualityShare)),
      Measure(key: "klToUniform", label: "KL to uniform", value: Double(klToUniform)),
    ]
  }
}

extension TheoryRecovery {
  /// Modes recovered (of the setting's).
  public var measures: [Measure] { [.count("modesRecovered", "modes recovered", modesRecovered, of: bestCosines.count)] }
}

extension TrainingSummary {
  /// The run's results (not its bookkeeping: steps, speed, losses, memory): the mixture's coverage or the
  /// synthetic setting's recovered modes, as summary.json holds them.
  public var measures: [Measure] {
    (mixture?.measures.map { $0.nested(in: CodingKeys.mixture.stringValue) } ?? [])
      + (theory?.measures.map { $0.nested(in: CodingKeys.theory.stringValue) } ?? [])
  }
}

extension Evaluation {
  /// What the evaluation measured: the mixture's or the synthetic setting's measures, an image
  /// evaluator's (`ImageMetrics`), or, for an evaluation of a kind this build does not know, every number in it.
  public var measures: [Measure] {
    switch self {
    case .mixture(let m): return m.measures
    case .theory(let t): return t.measures
    case .images(let metrics): return metrics.measures
    case .other: return Measure.leaves(of: numbers)
    }
  }
}
