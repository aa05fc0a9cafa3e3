import Foundation
import GraftRun

/// Per-layer learning-rate scales read off a reference run: for each parameter group, its mean update norm
/// over the last `window` of the logged steps divided by the mean of those means over all groups. So the
/// scales average 1, and nSGDA at a learning rate equal to that overall mean (`referenceRate`) moves every
/// group by the reference run's settled step (the paper's motivation for nSGDA: Adam's per-layer steps
/// settle to roughly constant sizes).
public struct LayerScaleDerivation: Sendable {
  /// Group name → scale, sorted by name.
  public var scales: [(name: String, scale: Double)]
  /// The mean over groups of their mean update norms: the nSGDA rate that reproduces the reference steps.
  public var referenceRate: Double
  /// Logged steps averaged.
  public var steps: Int

  /// Derives the scales of a player from a run's metrics; nil when the log has no update norms for it.
  public init?(log: MetricsLog, player: Player, window: Double = 0.25) {
    let logged = log.entries.compactMap { $0[player][.update] }
    guard !logged.isEmpty else { return nil }
    let count = max(1, Int((Double(logged.count) * window).rounded(.up)))
    let tail = logged.suffix(count)
    var sums: [String: (total: Double, n: Int)] = [:]
    for norms in tail {
      for (group, norm) in norms where norm.isFinite {
        sums[group, default: (0, 0)].total += norm
        sums[group, default: (0, 0)].n += 1
      }
    }
    let means = sums.mapValues { $0.total / Double($0.n) }
    guard !means.isEmpty else { return nil }
    let overall = means.values.reduce(0, +) / Double(means.count)
    guard overall > 0 else { return nil }
    scales = means.keys.sorted().map { ($0, means[$0]! / overall) }
    referenceRate = overall
    steps = tail.count
  }

  /// The scales as a config file's object, under `key` (`generatorLayerScales`), ready for `--config`.
  public func configJSON(key: String) -> String {
    let lines = scales.map { "    \"\($0.name)\": \(String(format: "%.6g", $0.scale))" }
    return "{\n  \"\(key)\": {\n" + lines.joined(separator: ",\n") + "\n  }\n}\n"
  }
}
