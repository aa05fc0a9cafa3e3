import Foundation
import GraftOptimizers
import GraftRun

/// The paper's magnitude figure: the ratio of the generator's to the discriminator's update norm,
/// per layer, over training (with Adam it settles to a roughly constant value: nSGDA's motivation).
///
/// Layers are the players' weight matrices and convolution kernels when the parameter shapes are
/// known (from the run's checkpoint), else the groups named `weight` (`GroupOrdering.layers`: biases
/// left out; every group under module or global grouping), in network order, and they are
/// **paired by position**: the i-th layer of G with the i-th layer of D, for i up to the smaller
/// layer count (G and D need not have the same depth; the pairing compares the i-th layer from the
/// input of each network). `aggregate` is the mean update norm over G's layers divided by the mean
/// over D's, at each step: one curve per run that compares runs of different architectures too.
/// A step where a norm is missing, non-finite, or D's is zero gives NaN there (a gap in the plot).
public struct MagnitudeRatio: Sendable {
  public struct Layer: Sendable {
    /// 1-based position of the layer in both networks.
    public var index: Int
    public var generatorGroup: String
    public var discriminatorGroup: String
    public var points: [SVGPlot.Point]

    public var label: String {
      generatorGroup == discriminatorGroup
        ? "layer \(index) (\(generatorGroup))" : "layer \(index): G \(generatorGroup) / D \(discriminatorGroup)"
    }
  }

  public var layers: [Layer]
  public var aggregate: [SVGPlot.Point]

  /// The ratio of the players' `kind` norms in `log` (default the applied update norms; pass
  /// `.component("magnitude")` for the grafted optimizers' magnitude part).
  /// `shapes`: the run's parameter shapes (`RunRecord.parameterShapes`, keyed `generator.NAME` and
  /// `discriminator.NAME`), to pick the layers; empty to go by group names alone.
  public init(_ log: MetricsLog, kind: NormKind = .update, shapes: [String: [Int]] = [:]) {
    let gLayers = GroupOrdering.layers(
      log.groupNames(.generator, kind), shapes: ParameterShapes.player(shapes, "generator"))
    let dLayers = GroupOrdering.layers(
      log.groupNames(.discriminator, kind), shapes: ParameterShapes.player(shapes, "discriminator"))
    func ratio(_ g: Double?, _ d: Double?) -> Double {
      guard let g, let d, g.isFinite, d.isFinite, d > 0 else { return .nan }
      return g / d
    }
    layers = zip(gLayers, dLayers).enumerated().map { i, pair in
      Layer(
        index: i + 1, generatorGroup: pair.0, discriminatorGroup: pair.1,
        points: log.entries.map { e in
          SVGPlot.Point(Double(e.step), ratio(e.generator[kind]?[pair.0], e.discriminator[kind]?[pair.1]))
        })
    }
    aggregate =
      (gLayers.isEmpty || dLayers.isEmpty)
      ? []
      : log.entries.map { e in
        let r = GroupOrdering.meanRatio(
          e.generator[kind], layers: gLayers, over: e.discriminator[kind], layers: dLayers)
        return SVGPlot.Point(Double(e.step), r)
      }
  }

  /// Mean and coefficient of variation (standard deviation / mean) of the aggregate ratio over the
  /// last `fraction` of the logged steps: how constant the ratio stays once training has settled.
  public func settled(lastFraction fraction: Double = 0.5) -> (mean: Double, variation: Double)? {
    let finite = aggregate.map(\.y).filter(\.isFinite)
    let tail = Array(finite.suffix(max(Int((Double(finite.count) * fraction).rounded(.up)), 1)))
    guard !finite.isEmpty else { return nil }
    let mean = tail.reduce(0, +) / Double(tail.count)
    let variance = tail.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(tail.count)
    return (mean, mean != 0 ? variance.squareRoot() / abs(mean) : .nan)
  }
}

extension MagnitudeRatio {
  /// The band a run's drift must lie in for its ratio to count as "roughly constant": symmetric in
  /// log scale (log 1.25 either way), so growth and shrinkage are judged alike.
  public static let driftBand: ClosedRange<Double> = 0.8...1.25

  /// The moving-average window, in logged steps (21 entries: ±10 around each; 200 steps at logEvery 10).
  public static let smoothingWindow = 21

  /// `points` without non-finite values, each replaced by the mean over a centered window of `window`
  /// logged points. Near the ends the window shrinks symmetrically (to ±i points at index i), so a
  /// linear series stays exactly linear: the smoothing removes step noise without bending trends.
  public static func smoothed(_ points: [SVGPlot.Point], window: Int = smoothingWindow) -> [SVGPlot.Point] {
    let finite = points.filter(\.y.isFinite)
    let n = finite.count
    let half = max(window, 1) / 2
    var prefix = [0.0]
    prefix.reserveCapacity(n + 1)
    for p in finite { prefix.append(prefix[prefix.count - 1] + p.y) }
    return finite.indices.map { i in
      let h = min(half, i, n - 1 - i)
      return SVGPlot.Point(finite[i].x, (prefix[i + h + 1] - prefix[i - h]) / Double(2 * h + 1))
    }
  }

  /// How far the ratio moves late in training: the mean of the smoothed ratio over the fourth
  /// quarter of its logged points divided by its mean over the third. 1 for a settled ratio, whatever
  /// its step-to-step noise; nil with fewer than 4 finite points or a non-positive third-quarter mean.
  public static func drift(_ points: [SVGPlot.Point], window: Int = smoothingWindow) -> Double? {
    let values = smoothed(points, window: window).map(\.y)
    let n = values.count
    guard n >= 4 else { return nil }
    func mean(_ range: Range<Int>) -> Double { values[range].reduce(0, +) / Double(range.count) }
    let (q3, q4) = (mean(n / 2..<3 * n / 4), mean(3 * n / 4..<n))
    guard q3 > 0, q3.isFinite, q4.isFinite else { return nil }
    return q4 / q3
  }

  /// The drift of the player-level (aggregate) ratio.
  public func drift(window: Int = smoothingWindow) -> Double? { Self.drift(aggregate, window: window) }

  /// The drift of each paired layer's ratio, in layer order.
  public func layerDrifts(window: Int = smoothingWindow) -> [Double?] {
    layers.map { Self.drift($0.points, window: window) }
  }
}
