import Foundation
import GraftOptimizers
import GraftRun

/// Charts built from run directories. Comparisons across runs give run i the palette's i-th colour
/// in every chart, so a run keeps its colour throughout a report.
public enum RunPlots {
  /// loss_d and loss_g of one run against the step.
  public static func losses(_ run: RunRecord, width: Double = 600, height: Double = 340) -> SVGPlot {
    SVGPlot(
      title: "Losses: \(run.name)", xLabel: "step", yLabel: "loss",
      series: [
        .init(
          "\(TrainingScalar.discriminatorLoss.key) (discriminator)", points: run.metrics.series(.discriminatorLoss),
          color: ChartStyle.color(0)),
        .init(
          "\(TrainingScalar.generatorLoss.key) (generator)", points: run.metrics.series(.generatorLoss),
          color: ChartStyle.color(1)),
      ], width: width, height: height)
  }

  /// One training-line scalar (a loss, a learning rate, ...) of every run against the step.
  public static func scalar(
    _ scalar: TrainingScalar, of runs: [RunRecord], title: String? = nil, yLabel: String? = nil, logY: Bool = false,
    width: Double = 600, height: Double = 340
  ) -> SVGPlot {
    SVGPlot(
      title: title ?? scalar.key, xLabel: "step", yLabel: yLabel ?? scalar.key,
      series: runs.enumerated().map { i, run in
        .init(run.name, points: run.metrics.series(scalar), color: ChartStyle.color(i))
      },
      logY: logY, width: width, height: height)
  }

  /// An evaluation metric (from metrics.jsonl's `eval` lines) against the step, for the runs that
  /// evaluated it (each in its report colour).
  public static func evaluation(_ measure: Measure, of runs: [RunRecord], width: Double = 600, height: Double = 300)
    -> SVGPlot
  {
    SVGPlot(
      title: "\(measure.label) during training", xLabel: "step", yLabel: measure.label,
      series: runs.enumerated().compactMap { i, run in
        let points = run.metrics.evaluationSeries(measure.key)
        return points.isEmpty ? nil : .init(run.name, points: points, color: ChartStyle.color(i), markers: true)
      }, width: width, height: height)
  }

  /// The groups a per-layer chart shows: all of them when there are at most `limit`, otherwise the
  /// layers (`GroupOrdering.layers`: weight matrices and kernels given `shapes`, else the groups
  /// named weight), evenly thinned to `limit`. The note says what was left out.
  public static func readableGroups(_ names: [String], shapes: [String: [Int]] = [:], limit: Int = 8) -> (
    groups: [String], note: String
  ) {
    guard names.count > limit else { return (names, "") }
    let layers = GroupOrdering.layers(names, shapes: shapes)
    let shown = GroupOrdering.spread(layers, limit: limit)
    if shown.count == layers.count && layers.count < names.count { return (shown, "layers only") }
    return (shown, "\(shown.count) of \(layers.count) layers")
  }

  /// Per-group norms of one player (the applied update's, the gradient's, or a grafted optimizer's
  /// magnitude or direction part) against the step, log-scaled: one series per group.
  public static func groupNorms(
    _ run: RunRecord, player: Player, kind: NormKind = .update, limit: Int = 8, width: Double = 600,
    height: Double = 340
  ) -> SVGPlot {
    let shapes = ParameterShapes.player(run.parameterShapes, player.rawValue)
    let (groups, note) = readableGroups(run.metrics.groupNames(player, kind), shapes: shapes, limit: limit)
    let who = player.prefix.uppercased()
    let what = kind.key.replacingOccurrences(of: "_norm", with: "").replacingOccurrences(of: "_", with: " ")
    return SVGPlot(
      title: "\(who) \(what) norms\(note.isEmpty ? "" : " (\(note))"): \(run.name)", xLabel: "step",
      yLabel: "‖\(what)‖ per group",
      series: groups.map { group in
        .init(
          group,
          points: run.metrics.entries.compactMap { e in
            e[player][kind]?[group].map { SVGPlot.Point(Double(e.step), $0) }
          })
      }, logY: true, width: width, height: height)
  }

  /// The paper's magnitude figure for one run: ‖ΔG_i‖ / ‖ΔD_i‖ per layer position i (see
  /// `MagnitudeRatio`), log-scaled, with a dashed line at 1.
  /// With `smoothing` (a window in logged steps), each curve is its centered moving average
  /// (`MagnitudeRatio.smoothed`) and the player-level ratio is added dashed: the drift being judged,
  /// without the step noise.
  public static func magnitudeRatio(
    _ run: RunRecord, limit: Int = 8, smoothing: Int? = nil, width: Double = 600, height: Double = 340
  ) -> SVGPlot {
    let ratio = run.magnitudeRatio
    let layers =
      ratio.layers.count > limit
      ? GroupOrdering.spread(ratio.layers.map(\.label), limit: limit).compactMap { l in
        ratio.layers.first { $0.label == l }
      }
      : ratio.layers
    guard let window = smoothing else {
      return SVGPlot(
        title: "Update ratio ‖ΔG‖/‖ΔD‖ per layer: \(run.name)", xLabel: "step", yLabel: "G/D update norm",
        series: layers.map { .init($0.label, points: $0.points) }, logY: true, width: width, height: height,
        referenceY: 1)
    }
    let series =
      layers.enumerated().map { i, layer in
        SVGPlot.Series(
          layer.label, points: MagnitudeRatio.smoothed(layer.points, window: window), color: ChartStyle.color(i))
      }
      + (ratio.aggregate.isEmpty
        ? []
        : [
          .init(
            "mean‖ΔG‖ / mean‖ΔD‖", points: MagnitudeRatio.smoothed(ratio.aggregate, window: window),
            color: "#000000", dash: "6 3")
        ])
    return SVGPlot(
      title: "Update ratio ‖ΔG‖/‖ΔD‖, moving average over \(window) logged steps: \(run.name)", xLabel: "step",
      yLabel: "G/D update norm", series: series, logY: true, width: width, height: height, referenceY: 1)
  }

  /// The aggregate ratio (mean G layer update norm / mean D layer update norm) of every run.
  public static func magnitudeRatioComparison(_ runs: [RunRecord], width: Double = 600, height: Double = 340) -> SVGPlot
  {
    SVGPlot(
      title: "Update ratio mean‖ΔG‖ / mean‖ΔD‖ over layers", xLabel: "step", yLabel: "G/D update norm",
      series: runs.enumerated().map { i, run in
        .init(run.name, points: run.magnitudeRatio.aggregate, color: ChartStyle.color(i))
      },
      logY: true, width: width, height: height, referenceY: 1)
  }

  /// One column of the comparison table as bars, one per run.
  public static func bars(
    _ column: ComparisonTable.Column, runs: [RunRecord], width: Double = 400, height: Double = 280
  ) -> SVGBarChart {
    SVGBarChart(
      title: column.label, categories: runs.map(\.name),
      series: [.init(column.label, values: column.values.map { $0 ?? .nan })],
      width: width, height: height, categoryColors: runs.indices.map(ChartStyle.color))
  }

  /// Final discriminator and generator losses of every run, grouped by run.
  public static func finalLosses(_ runs: [RunRecord], width: Double = 400, height: Double = 280) -> SVGBarChart {
    SVGBarChart(
      title: "Final losses", categories: runs.map(\.name),
      series: [
        .init(
          TrainingScalar.discriminatorLoss.key,
          values: runs.map { ComparisonTable.finalLoss($0, .discriminator) ?? .nan }),
        .init(TrainingScalar.generatorLoss.key, values: runs.map { ComparisonTable.finalLoss($0, .generator) ?? .nan }),
      ], width: width, height: height)
  }
}
