import Foundation
import GraftExperiments
import GraftGAN
import GraftOptimizers
import GraftRun
import GraftStatistics
import GraftSweep
import GraftTestSupport
import Testing

/// `graft dissect`'s runs, effects and summary file, and its robustness experiment, on made-up outcomes
/// (the trained ones are in DissectOutcomeTests).
@Suite struct DissectionTests {
  /// A finished ring8 run that covered `modes` modes.
  func settle(_ run: Sweep.Run, modes: Int) throws {
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    let summary = """
      {"status": "finished", "steps": \(run.config.steps), "wallSeconds": 6, "stepsPerSecond": 600,
       "discriminatorLoss": 1, "generatorLoss": 1, "mixture": {"modesCovered": \(modes), "modeCount": 8,
       "highQualityShare": 0.5, "klToUniform": 0, "counts": []}}
      """
    try Data(summary.utf8).write(to: run.directory.appendingPathComponent("summary.json"))
  }

  /// The square: four runs named after their optimizers, the mixture comparison's settings, each at the
  /// rate its ring8 screen chose, one seed.
  @Test func theSquaresRuns() throws {
    let root = temporaryDirectory("dissect-runs")
    let runs = Dissection(root: root, seed: 7).runs
    #expect(runs.map(\.name) == ["adam", "sgda", "ada-nsgda", "sgda-ada"])
    let rates = ["adam": 3e-3, "sgda": 0.1, "ada-nsgda": 3e-4, "sgda-ada": 0.03]
    for run in runs {
      #expect(run.directory == root.appendingPathComponent(run.name))
      let c = run.config
      #expect(c.dataset == .ring8 && c.model == .mlp && c.loss == .nonSaturating && c.schedule.decay == .constant)
      #expect(c.steps == Dissection.steps && c.seed == 7)
      #expect(c.generatorOptimizer.name == run.name && c.discriminatorOptimizer.name == run.name)
      #expect(
        c.generatorSettings.learningRate == rates[run.name] && c.discriminatorSettings.learningRate == rates[run.name])
      #expect(throws: Never.self) { try c.validate() }
    }
  }

  /// The effects are the factorial's half-sums, and summary.json has the keys scripts read.
  @Test func effectsAndSummaryFile() throws {
    let root = temporaryDirectory("dissect-result")
    defer { try? FileManager.default.removeItem(at: root) }
    let dissection = Dissection(root: root, seed: 0)
    let modes = ["adam": 7, "sgda": 1, "ada-nsgda": 6, "sgda-ada": 0]
    for run in dissection.runs.dropLast() { try settle(run, modes: modes[run.name]!) }
    // One run unfinished: no effects.
    var result = dissection.result()
    #expect(result.optimizers.count == 3 && result.magnitudeEffect == nil && result.directionEffect == nil)
    #expect(result.text.contains("did not finish"))
    try settle(dissection.runs[3], modes: 0)
    result = dissection.result()
    // Magnitude ½[(7 − 0) + (6 − 1)] = 6, direction ½[(7 − 6) + (0 − 1)] = 0.
    #expect(result.magnitudeEffect == 6 && result.directionEffect == 0)
    #expect(result.text.contains("magnitude effect  +6 modes") && result.text.contains("direction effect  0 modes"))
    #expect(result.sentence.contains("the magnitude, not the direction, covers the ring"))
    let json = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any])
    let optimizers = try #require(json["optimizers"] as? [String: [String: Any]])
    for (name, m) in modes { #expect(optimizers[name]?["modesCovered"] as? Int == m) }
    #expect(json["magnitudeEffect"] as? Double == 6 && json["directionEffect"] as? Double == 0)
    // A seed where direction matters as much is not called the paper's finding.
    var outcomes = result.optimizers
    outcomes["ada-nsgda"] = .init(
      modesCovered: 0, modeCount: 8, highQualityShare: 0.5, learningRate: 3e-4, wallSeconds: 6)
    let mixed = DissectionResult(seed: 1, steps: 4000, optimizers: outcomes)
    #expect(mixed.magnitudeEffect == 3 && mixed.directionEffect == 3)
    #expect(mixed.sentence.contains("does not separate magnitude from direction"))
  }

  /// The robustness experiment: 40 seeds from 100 (quick: 5), the effect's distribution, and a count
  /// that must reach 38 of 40.
  @Test func robustnessOverSeeds() throws {
    let root = temporaryDirectory("dissect-seeds")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = DissectionExperiment(root: root, scale: ExperimentScale(quick: false))
    #expect(experiment.seedList == Array(100..<140))
    #expect(DissectionExperiment(root: root, scale: ExperimentScale(quick: true)).seedList == Array(100..<105))
    let runs = experiment.runs
    #expect(runs.count == 160 && Set(runs.map(\.name)).count == 160)
    #expect(runs.first?.name == "seed100-adam" && runs.last?.name == "seed139-sgda-ada")
    #expect(Experiments.named("dissect") != nil && !Experiments.names.contains("dissect"))
    // Seeds 100…137: Adam 8, Ada_nSGDA 6, SGDA 1, SGDA_Ada 0 (effect 6.5); 138 and 139: Adam 2,
    // Ada_nSGDA 4 (effect 2.5).
    for run in runs {
      let seed = Int(run.labels[.seed]!)!
      let low = seed >= 138
      let modes = ["adam": low ? 2 : 8, "ada-nsgda": low ? 4 : 6, "sgda": 1, "sgda-ada": 0][run.labels[.optimizer]!]!
      try settle(run, modes: modes)
    }
    var result = try experiment.summarize(experiment.sweep)
    #expect(result.markdown.contains("Magnitude effect ≥ 3 modes on **38 of 40** seeds"))
    #expect(result.checks[0].verdict == .held)
    #expect(result.measures["magnitudeEffect"]?.count == 40)
    // One more low seed: 37 of 40 is not enough.
    for run in runs where run.labels[.seed] == "137" && run.labels[.optimizer] == "adam" { try settle(run, modes: 2) }
    for run in runs where run.labels[.seed] == "137" && run.labels[.optimizer] == "ada-nsgda" {
      try settle(run, modes: 4)
    }
    result = try experiment.summarize(experiment.sweep)
    #expect(result.checks[0].verdict == .notHeld && result.checks[0].evidence.hasPrefix("37 of 40 seeds"))
  }
}
