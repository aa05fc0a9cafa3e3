import Foundation
import GraftExperiments
import GraftGAN
import GraftOptimizers
import Testing

/// The configs of every experiment's runs, pinned. Each expected config is a preset with settings
/// replaced by key, as the flag lists these experiments once passed to `graft train` replaced them
/// (checked equal, run by run, to those flag lists resolved by `graft train` when the lists went away).
@Suite struct ExperimentRunsTests {
  let root = URL(fileURLWithPath: "/tmp/graft-experiment-runs")

  /// The preset `name` with the settings at the dotted keys replaced.
  func config(_ name: String, _ settings: [String: Any]) throws -> TrainingConfig {
    let encoded = try JSONEncoder().encode(try TrainingConfig.preset(name))
    var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
    func set(_ object: inout [String: Any], _ path: ArraySlice<String>, _ value: Any) {
      guard let key = path.first else { return }
      if path.count == 1 {
        object[key] = value
      } else {
        var inner = object[key] as? [String: Any] ?? [:]
        set(&inner, path.dropFirst(), value)
        object[key] = inner
      }
    }
    for (key, value) in settings { set(&object, ArraySlice(key.split(separator: ".").map(String.init)), value) }
    return try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: object))
  }

  /// Both players' optimizer and learning rate, and the seed.
  func players(_ optimizer: String, _ g: Double, _ d: Double, seed: Int) -> [String: Any] {
    [
      "generatorOptimizer": optimizer, "discriminatorOptimizer": optimizer, "generatorSettings.learningRate": g,
      "discriminatorSettings.learningRate": d, "seed": seed,
    ]
  }

  /// Checks `runs` against the expected configs and labels by name, in order.
  func expectRuns(
    _ runs: [Sweep.Run], _ expected: [(name: String, config: TrainingConfig, labels: [String: String])],
    root: URL
  ) {
    #expect(runs.map(\.name) == expected.map(\.name))
    for (run, want) in zip(runs, expected) {
      // As `graft train --config` resolves it: a schedule of 0 total steps runs over the run's steps.
      #expect(run.config.scheduleResolved == want.config, "\(run.name)")
      #expect(run.labels == want.labels, "\(run.name)")
      #expect(run.directory == root.appendingPathComponent(want.name))
    }
  }

  @Test(arguments: [true, false])
  func theory(quick: Bool) throws {
    let experiment = TheoryExperiment(root: root, scale: ExperimentScale(quick: quick))
    let steps = quick ? 600 : 8000
    let rates = quick ? [0.01, 0.1, 1, 10] : [0.003, 0.01, 0.03, 0.1, 0.3, 1]
    var common: [String: Any] = [
      "steps": steps, "logEvery": 100, "checkpointEvery": steps, "schedule.totalSteps": steps,
    ]
    if !quick { common["theory.initScale"] = 0.3 }
    var expected: [(String, TrainingConfig, [String: String])] = []
    // K = 2 (the paper's, names without a prefix), and in the full version K = 3 ("k3-", labelled).
    for k in quick ? [2] : [2, 3] {
      let prefix = k == 2 ? "" : "k\(k)-"
      let kLabel: [String: String] = k == 2 ? [:] : ["modes": "\(k)"]
      let kSettings: [String: Any] = k == 2 ? [:] : ["theory.modes": k]
      for seed in 0..<(quick ? 3 : 5) {
        for g in rates {
          for d in rates {
            expected.append(
              (
                "\(prefix)sgda-g\(g)-d\(d)-seed\(seed)",
                try config("theory", common.merging(players("sgda", g, d, seed: seed)) { $1 }.merging(kSettings) { $1 }),
                ["optimizer": "sgda", "lr_g": "\(g)", "lr_d": "\(d)", "seed": "\(seed)"].merging(kLabel) { $1 }
              ))
          }
        }
        expected.append(
          (
            "\(prefix)nsgda-lr0.02-seed\(seed)",
            try config("theory", common.merging(players("nsgda", 0.02, 0.02, seed: seed)) { $1 }.merging(kSettings) { $1 }),
            ["optimizer": "nsgda", "lr_g": "0.02", "lr_d": "0.02", "seed": "\(seed)"].merging(kLabel) { $1 }
          ))
      }
    }
    #expect(expected.count == (quick ? 3 * 17 : 2 * 5 * 37))
    expectRuns(experiment.runs, expected, root: root)
  }

  @Test(arguments: [true, false])
  func mixtures(quick: Bool) throws {
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: quick))
    let grids: [String: [Double]] = [
      "sgda": [0.01, 0.03, 0.1, 0.3], "adam": [3e-4, 1e-3, 3e-3, 1e-2], "ada-nsgda": [1e-4, 3e-4, 1e-3, 3e-3],
      "sgda-ada": [0.01, 0.03, 0.1, 0.3], "nsgda": [0.003, 0.01, 0.03, 0.1],
    ]
    let datasets =
      quick ? [("ring8", "ring8-mlp", 2000)] : [("ring8", "ring8-mlp", 4000), ("grid25", "grid25-mlp", 6000)]
    var expected: [(String, TrainingConfig, [String: String])] = []
    for (dataset, preset, steps) in datasets {
      let common: [String: Any] = [
        "steps": steps, "schedule.totalSteps": steps, "loss": "ns", "schedule.decay": "constant", "logEvery": 100,
        "sampleEvery": steps, "checkpointEvery": steps,
      ]
      for optimizer in ["sgda", "adam", "ada-nsgda", "sgda-ada", "nsgda"] {
        for lr in quick ? [grids[optimizer]![1]] : grids[optimizer]! {
          for seed in 0..<(quick ? 3 : 5) {
            expected.append(
              (
                "\(dataset)-\(optimizer)-lr\(lr)-seed\(seed)",
                try config(preset, common.merging(players(optimizer, lr, lr, seed: seed)) { $1 }),
                ["dataset": dataset, "optimizer": optimizer, "lr": "\(lr)", "seed": "\(seed)"]
              ))
          }
        }
      }
    }
    #expect(expected.count == (quick ? 15 : 200))
    // ring8-mlp is the defaults; grid25-mlp differs from them only in the data set (and steps, replaced).
    #expect(try TrainingConfig.preset("ring8-mlp") == TrainingConfig())
    expectRuns(experiment.runs, expected, root: root)
  }

  @Test(arguments: [true, false])
  func grafting(quick: Bool) throws {
    let experiment = GraftingExperiment(root: root, scale: ExperimentScale(quick: quick))
    let steps = quick ? 60 : 2000
    var common: [String: Any] = [
      "steps": steps, "schedule.totalSteps": steps, "evaluateEvery": quick ? 30 : 250, "logEvery": quick ? 10 : 50,
      "sampleEvery": quick ? 60 : 500, "checkpointEvery": quick ? 60 : 500,
    ]
    if quick { common.merge(["width": 16, "batchSize": 32, "dataLimit": 2000]) { $1 } }
    let rates = ["adam": 2e-4, "sgda": 0.02, "ada-nsgda": 2e-4, "sgda-ada": 0.02, "nsgda": 0.02]
    var expected: [(String, TrainingConfig, [String: String])] = []
    for seed in 0..<(quick ? 3 : 5) {
      for optimizer in ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"] {
        let lr = rates[optimizer]!
        expected.append(
          (
            "\(optimizer)-seed\(seed)",
            try config("fashion-dcgan", common.merging(players(optimizer, lr, lr, seed: seed)) { $1 }),
            ["optimizer": optimizer, "seed": "\(seed)"]
          ))
      }
    }
    expectRuns(experiment.runs, expected, root: root)
  }

  @Test(arguments: [true, false])
  func magnitudes(quick: Bool) throws {
    let experiment = MagnitudeExperiment(root: root, scale: ExperimentScale(quick: quick))
    let ringSteps = quick ? 1000 : 4000
    let settings: [(String, String, [String: Any])] =
      [
        (
          "ring8-adam", "ring8-mlp",
          [
            "steps": ringSteps, "schedule.totalSteps": ringSteps, "loss": "ns", "schedule.decay": "constant",
            "logEvery": 10,
          ]
        )
      ]
      + (quick
        ? [] : [("fashion-dcgan-adam", "fashion-dcgan", ["steps": 1500, "schedule.totalSteps": 1500, "logEvery": 10])])
    var expected: [(String, TrainingConfig, [String: String])] = []
    for (name, preset, common) in settings {
      for seed in 0..<(quick ? 3 : 5) {
        let adam: [String: Any] = ["generatorOptimizer": "adam", "discriminatorOptimizer": "adam", "seed": seed]
        expected.append(
          (
            "\(name)-seed\(seed)", try config(preset, common.merging(adam) { $1 }),
            ["setting": name, "seed": "\(seed)"]
          ))
      }
    }
    expectRuns(experiment.runs, expected, root: root)
  }

  @Test func theRegistryKnowsEveryExperimentByName() {
    #expect(Experiments.names == ["theory", "mog", "grafting", "magnitudes"])
    for name in Experiments.names { #expect(Experiments.named(name)?.name == name) }
    #expect(Experiments.named("nope") == nil)
    let scale = ExperimentScale(quick: true)
    for type in Experiments.all {
      let experiment = type.init(root: root.appendingPathComponent(type.name), scale: scale)
      // Every run has its own directory under the experiment's root.
      #expect(Set(experiment.runs.map(\.directory)).count == experiment.runs.count)
      #expect(experiment.runs.allSatisfy { $0.directory.deletingLastPathComponent().path == experiment.root.path })
    }
  }
}
