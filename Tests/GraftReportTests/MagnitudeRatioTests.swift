import Foundation
import GraftEngine
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftTestSupport
import Testing

/// A training line with only the players' update norms.
func updateNorms(_ step: Int, g: [String: Double], d: [String: Double]) -> TrainingMetrics {
  TrainingMetrics(
    step: step, discriminatorLoss: 0, generatorLoss: 0, generator: PlayerMetrics(norms: [.update: g]),
    discriminator: PlayerMetrics(norms: [.update: d]))
}

@Suite struct MagnitudeRatioTests {
  /// G has three layers (weights 0, 2, 10: "10" sorts after "2") plus biases; D has two.
  func log() -> MetricsLog {
    MetricsLog(entries: [
      updateNorms(
        10, g: ["0.weight": 2, "0.bias": 100, "2.weight": 6, "10.weight": 1],
        d: ["0.weight": 1, "0.bias": 50, "2.weight": 3]),
      updateNorms(
        20, g: ["0.weight": 4, "0.bias": 100, "2.weight": 3, "10.weight": 2],
        d: ["0.weight": 0, "0.bias": 50, "2.weight": 1]),
      updateNorms(30, g: ["0.weight": 1, "2.weight": .nan, "10.weight": 5], d: ["0.weight": 2, "2.weight": 4]),
    ])
  }

  @Test func layersArePairedByPosition() {
    let ratio = MagnitudeRatio(log())
    #expect(ratio.layers.map(\.generatorGroup) == ["0.weight", "2.weight"])
    #expect(ratio.layers.map(\.discriminatorGroup) == ["0.weight", "2.weight"])
    #expect(ratio.layers.map(\.index) == [1, 2])
    let first = ratio.layers[0].points
    #expect(first.map(\.x) == [10, 20, 30])
    #expect(first[0].y == 2)
    #expect(first[1].y.isNaN)  // D's norm is zero
    #expect(first[2].y == 0.5)
    let second = ratio.layers[1].points
    #expect(second[0].y == 2 && second[1].y == 3)
    #expect(second[2].y.isNaN)  // G's norm is NaN
  }

  @Test func aggregateIsMeanOverMean() {
    let ratio = MagnitudeRatio(log())
    let a = ratio.aggregate.map(\.y)
    // Step 10: mean G layers (2+6+1)/3 = 3, mean D layers (1+3)/2 = 2 → 1.5 (biases left out).
    #expect(abs(a[0] - 1.5) < 1e-12)
    // Step 20: (4+3+2)/3 = 3 over (0+1)/2 = 0.5 → 6.
    #expect(abs(a[1] - 6) < 1e-12)
    // Step 30: G's NaN layer is left out of the mean: (1+5)/2 = 3 over 3 → 1.
    #expect(abs(a[2] - 1) < 1e-12)
  }

  @Test func settledRatioOverTheLastHalf() throws {
    let ratio = MagnitudeRatio(log())
    let settled = try #require(ratio.settled(lastFraction: 0.5))
    // The last two of three points (ceil(1.5)): 6 and 1 → mean 3.5, sd 2.5.
    #expect(abs(settled.mean - 3.5) < 1e-12)
    #expect(abs(settled.variation - 2.5 / 3.5) < 1e-12)
  }

  @Test func moduleGroupsWithoutWeightSuffixesAreAllLayers() {
    let log = MetricsLog(entries: [
      updateNorms(1, g: ["0": 1, "2": 2], d: ["0": 4, "2": 4, "4": 4])
    ])
    let ratio = MagnitudeRatio(log)
    #expect(ratio.layers.map(\.label) == ["layer 1 (0)", "layer 2 (2)"])
    #expect(ratio.layers.map { $0.points[0].y } == [0.25, 0.5])
    #expect(ratio.aggregate.map(\.y) == [1.5 / 4])
  }

  @Test func shapesPickWeightMatricesOverBatchNormScales() throws {
    // A DCGAN-like G: linear 0, batch norm 1, conv 2; D: conv 0, batch norm 1, linear 3.
    var checkpoint = SafeTensorsFile(metadata: ["format": "pt"])
    let written: KeyValuePairs = [
      "generator.0.weight": [8, 4], "generator.1.weight": [8], "generator.2.weight": [8, 1, 4, 4],
      "discriminator.0.weight": [8, 1, 4, 4], "discriminator.1.weight": [8], "discriminator.3.weight": [1, 8],
    ]
    for (name, shape) in written { checkpoint[name] = .float(Tensor(zeros: shape)) }
    let directory = temporaryDirectory("shapes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("latest.safetensors")
    try checkpoint.write(to: file)
    let shapes = ParameterShapes.read(file)
    #expect(shapes["generator.2.weight"] == [8, 1, 4, 4] && shapes.count == 6)
    #expect(ParameterShapes.read(file.appendingPathExtension("missing")).isEmpty)

    let log = MetricsLog(entries: [
      updateNorms(
        1, g: ["0.weight": 1, "1.weight": 9, "2.weight": 2], d: ["0.weight": 4, "1.weight": 9, "3.weight": 8])
    ])
    let ratio = MagnitudeRatio(log, shapes: shapes)
    #expect(ratio.layers.map(\.label) == ["layer 1 (0.weight)", "layer 2: G 2.weight / D 3.weight"])
    #expect(ratio.layers.map { $0.points[0].y } == [0.25, 0.25])
    // By names alone the batch-norm scales count as layers.
    #expect(MagnitudeRatio(log).layers.count == 3)
  }

  @Test func noNormsNoRatio() {
    let ratio = MagnitudeRatio(MetricsLog(entries: [TrainingMetrics(step: 1, discriminatorLoss: 1, generatorLoss: 0)]))
    #expect(ratio.layers.isEmpty && ratio.aggregate.isEmpty)
    #expect(ratio.settled() == nil)
  }

  @Test func groupOrderingIsNumeric() {
    #expect(
      GroupOrdering.sorted(["10.weight", "2.bias", "2.weight", "0.weight", "blocks.1.a", "blocks.0.b"])
        == ["0.weight", "2.bias", "2.weight", "10.weight", "blocks.0.b", "blocks.1.a"])
    #expect(GroupOrdering.spread(Array("abcdefghij").map(String.init), limit: 4) == ["a", "d", "g", "j"])
  }
}

@Suite struct MetricsLogTests {
  @Test func parsesTrainingAndEvaluationLines() {
    let text = """
      {"step": 20, "loss_d": 1.5, "loss_g": 0.5, "time": 0.3, "g_update_norm": {"0.weight": 0.1, "0.bias": 0.01}, "d_update_norm": {"0.weight": 0.2}}
      {"step": 10, "loss_d": 1.0, "loss_g": 0.7}
      {"eval": {"modesCovered": 3, "highQualityShare": 0.5, "counts": [1, 2]}, "step": 20}
      {"step": 10, "loss_d": 1.1, "loss_g": 0.8}
      {"step": 30, "loss_d": 1.
      """
    let log = MetricsLog(text: text)
    #expect(log.entries.map(\.step) == [10, 20])
    #expect(log.series(.discriminatorLoss) == [SVGPlot.Point(10, 1.1), SVGPlot.Point(20, 1.5)])
    #expect(log.skippedLines == 1)
    #expect(log.groupNames(.generator, .update) == ["0.bias", "0.weight"])
    #expect(log.evaluations.count == 1)
    // Not a whole mixture evaluation (no modeCount, klToUniform): its numbers, arrays left out.
    #expect(log.evaluations[0].measures.map(\.key) == ["highQualityShare", "modesCovered"])
    #expect(log.evaluations[0].value("highQualityShare") == 0.5)
    #expect(log.evaluationSeries("modesCovered") == [SVGPlot.Point(20, 3)])
    #expect(log.last(.generatorLoss) == 0.5)
  }
}

@Suite struct MagnitudeDriftTests {
  func points(_ values: [Double]) -> [SVGPlot.Point] {
    values.enumerated().map { SVGPlot.Point(Double($0.offset * 10), $0.element) }
  }

  @Test func constantSeriesHasNoDrift() throws {
    // Equal up to the rounding of the moving average's running sums.
    let drift = try #require(MagnitudeRatio.drift(points(Array(repeating: 0.7, count: 100))))
    #expect(abs(drift - 1) < 1e-12)
  }

  @Test func linearGrowthGivesTheQuartersRatio() throws {
    // 1…16: third quarter 9…12 (mean 10.5), fourth 13…16 (mean 14.5). The symmetric window keeps a line a line.
    let line = points((1...16).map(Double.init))
    for window in [1, 5, 21] {
      let drift = try #require(MagnitudeRatio.drift(line, window: window))
      #expect(abs(drift - 14.5 / 10.5) < 1e-12, "window \(window)")
    }
    #expect(MagnitudeRatio.smoothed(line, window: 5).map(\.y) == (1...16).map(Double.init))
  }

  @Test func noiseAroundAConstantDriftsLittle() throws {
    // ±50% uniform noise around 2 (a fixed LCG): the raw ratio's coefficient of variation is about 0.29,
    // far above what a settled ratio should score, yet the drift stays near 1.
    var state: UInt64 = 12345
    let values = (0..<400).map { _ -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return 2 * (1 + (Double(state >> 11) / Double(1 << 53) - 0.5))
    }
    let drift = try #require(MagnitudeRatio.drift(points(values)))
    #expect(abs(drift - 1) < 0.05, "\(drift)")
    #expect(MagnitudeRatio.driftBand.contains(drift))
  }

  @Test func gapsAreSkippedAndShortSeriesHaveNoDrift() throws {
    let withGaps = points([1, .nan, 1, 1, .infinity, 1, 1, 1])
    #expect(MagnitudeRatio.smoothed(withGaps).count == 6)
    #expect(try #require(MagnitudeRatio.drift(withGaps)) == 1)
    #expect(MagnitudeRatio.drift(points([1, 2, 3])) == nil)
    #expect(MagnitudeRatio.drift(points([0, 0, 0, 0])) == nil)
  }

  @Test func layerAndAggregateDrifts() throws {
    let entries = (0..<8).map { i in
      updateNorms(i * 10, g: ["0.weight": Double(i + 1)], d: ["0.weight": 1])
    }
    let ratio = MagnitudeRatio(MetricsLog(entries: entries))
    // Ratios 1…8: quarters 5, 6 and 7, 8.
    #expect(abs(try #require(ratio.drift(window: 1)) - 7.5 / 5.5) < 1e-12)
    #expect(ratio.layerDrifts(window: 1).map { $0.map { abs($0 - 7.5 / 5.5) < 1e-12 } } == [true])
  }
}
