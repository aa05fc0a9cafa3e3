import Foundation
import GraftExperiments
import GraftGAN
import GraftOptimizers
import GraftTestSupport
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
                try config(
                  "theory", common.merging(players("sgda", g, d, seed: seed)) { $1 }.merging(kSettings) { $1 }),
                ["optimizer": "sgda", "lr_g": "\(g)", "lr_d": "\(d)", "seed": "\(seed)"].merging(kLabel) { $1 }
              ))
          }
        }
        expected.append(
          (
            "\(prefix)nsgda-lr0.02-seed\(seed)",
            try config(
              "theory", common.merging(players("nsgda", 0.02, 0.02, seed: seed)) { $1 }.merging(kSettings) { $1 }),
            ["optimizer": "nsgda", "lr_g": "0.02", "lr_d": "0.02", "seed": "\(seed)"].merging(kLabel) { $1 }
          ))
      }
    }
    #expect(expected.count == (quick ? 3 * 17 : 2 * 5 * 37))
    expectRuns(experiment.runs, expected, root: root)
  }

  /// The expected mixture run of (dataset, optimizer, lr, seed) in `stage`.
  func mixtureRun(
    _ dataset: String, _ optimizer: String, _ lr: Double, _ seed: Int, _ stage: String, steps: Int
  ) throws -> (String, TrainingConfig, [String: String]) {
    let common: [String: Any] = [
      "steps": steps, "schedule.totalSteps": steps, "loss": "ns", "schedule.decay": "constant", "logEvery": 100,
      "sampleEvery": steps, "checkpointEvery": steps,
    ]
    return (
      "\(dataset)-\(optimizer)-lr\(lr)-seed\(seed)",
      try config("\(dataset)-mlp", common.merging(players(optimizer, lr, lr, seed: seed)) { $1 }),
      ["dataset": dataset, "optimizer": optimizer, "lr": "\(lr)", "seed": "\(seed)", "stage": stage]
    )
  }

  /// With nothing on disk, the mixture experiment calls for its screen: every rate of each optimizer's
  /// first grid on the screen seeds.
  @Test(arguments: [true, false])
  func mixtures(quick: Bool) throws {
    let root = temporaryDirectory("mog-runs")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: quick))
    let grids: [String: [Double]] = [
      "sgda": [0.01, 0.03, 0.1, 0.3], "adam": [3e-4, 1e-3, 3e-3, 1e-2], "ada-nsgda": [1e-4, 3e-4, 1e-3, 3e-3],
      "sgda-ada": [0.01, 0.03, 0.1, 0.3], "nsgda": [0.003, 0.01, 0.03, 0.1],
    ]
    let datasets = quick ? [("ring8", 2000)] : [("ring8", 4000), ("grid25", 6000)]
    var expected: [(String, TrainingConfig, [String: String])] = []
    for (dataset, steps) in datasets {
      for optimizer in ["sgda", "adam", "ada-nsgda", "sgda-ada", "nsgda"] {
        for lr in quick ? Array(grids[optimizer]![1...2]) : grids[optimizer]! {
          for seed in quick ? [0] : [0, 1, 2] {
            expected.append(try mixtureRun(dataset, optimizer, lr, seed, "screen", steps: steps))
          }
        }
      }
    }
    #expect(expected.count == (quick ? 10 : 120))
    #expect(experiment.confirmationSeeds == (quick ? [100, 101, 102] : Array(100...109)))
    // ring8-mlp is the defaults; grid25-mlp differs from them only in the data set (and steps, replaced).
    #expect(try TrainingConfig.preset("ring8-mlp") == TrainingConfig())
    expectRuns(experiment.runs, expected, root: root)
  }

  /// Writes a finished run's summary.json with `modes` covered (or a failed.json when nil).
  func settle(_ run: Sweep.Run, modes: Int?) throws {
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    guard let modes else {
      try RunFailureRecord(status: 1, log: "train.log").write(to: run.directory)
      return
    }
    let summary = """
      {"status": "finished", "steps": 1, "wallSeconds": 1, "stepsPerSecond": 1, "discriminatorLoss": 0,
       "generatorLoss": 0, "mixture": {"modesCovered": \(modes), "modeCount": 8, "highQualityShare": 0.5,
       "klToUniform": 0, "counts": []}}
      """
    try Data(summary.utf8).write(to: run.directory.appendingPathComponent("summary.json"))
  }

  /// Once the screen's runs have settled, the experiment calls for an extension past an edge where the
  /// best rate sits there, and for the confirmation on fresh seeds where the best rate is interior; a
  /// failed run scores lowest.
  @Test func mixturesCallForExtensionsThenConfirmations() throws {
    let root = temporaryDirectory("mog-stages")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: false))
    // SGDA peaks at its top rate 0.3 (an edge); Adam at 3e-3 (interior), with its top rate failing on
    // one seed; every other optimizer covers 2 modes at every rate (a plateau: the middle is chosen).
    func modes(_ run: Sweep.Run) -> Int? {
      let lr = Double(run.labels["lr"]!)!
      switch run.labels["optimizer"]! {
      case "sgda": return lr == 0.3 ? 3 : 1
      case "adam": return lr == 1e-2 && run.labels["seed"] == "1" ? nil : lr == 3e-3 ? 6 : 4
      default: return 2
      }
    }
    let first = experiment.runs
    for run in first { try settle(run, modes: modes(run)) }
    let second = experiment.runs
    let added = second.filter { run in !first.contains { $0.name == run.name } }
    func addedRuns(_ dataset: String, _ optimizer: String) -> [Sweep.Run] {
      added.filter { $0.labels["dataset"] == dataset && $0.labels["optimizer"] == optimizer }
    }
    for dataset in ["ring8", "grid25"] {
      // SGDA: one rate past the top edge, on the screen seeds, no confirmation yet.
      let sgda = addedRuns(dataset, "sgda")
      #expect(sgda.map(\.name) == [0, 1, 2].map { "\(dataset)-sgda-lr1.0-seed\($0)" })
      #expect(sgda.allSatisfy { $0.labels["stage"] == "screen" && $0.config.generatorSettings.learningRate == 1 })
      // Adam: the confirmation at 3e-3 on seeds 100…109, configs as the screen's but for the seed.
      let adam = addedRuns(dataset, "adam")
      let steps = dataset == "ring8" ? 4000 : 6000
      let want = try (100...109).map { try mixtureRun(dataset, "adam", 3e-3, $0, "confirmation", steps: steps) }
      expectRuns(adam, want, root: root)
      // A plateau: the lower middle rate, confirmed.
      let nsgda = addedRuns(dataset, "nsgda")
      #expect(
        nsgda.count == 10 && nsgda.allSatisfy { $0.labels["lr"] == "0.01" && $0.labels["stage"] == "confirmation" })
    }
    // The extension settles below the edge: SGDA's confirmation at 0.3 follows.
    for run in added where run.labels["stage"] == "screen" { try settle(run, modes: 0) }
    let third = experiment.runs.filter { run in !second.contains { $0.name == run.name } }
    #expect(third.count == 20)
    #expect(third.allSatisfy { $0.labels["optimizer"] == "sgda" && $0.labels["lr"] == "0.3" })
    #expect(Set(third.compactMap { Int($0.labels["seed"]!) }) == Set(100...109))
  }

  /// With nothing on disk, the grafting matrix calls for its screen: every magnitude × direction pair at
  /// the 3 rates of its magnitude source's grid (quick: SGD × Adam at one rate, 300 steps) on the screen
  /// seeds.
  @Test(arguments: [true, false])
  func graftingMatrix(quick: Bool) throws {
    let root = temporaryDirectory("matrix-runs")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = GraftingMatrixExperiment(root: root, scale: ExperimentScale(quick: quick))
    let steps = quick ? 300 : 4000
    let common: [String: Any] = [
      "steps": steps, "schedule.totalSteps": steps, "loss": "ns", "schedule.decay": "constant", "logEvery": 100,
      "sampleEvery": steps, "checkpointEvery": steps,
    ]
    let grids: [String: [Double]] = [
      "sgd": [0.03, 0.1, 0.3], "adam": [3e-4, 1e-3, 3e-3], "rmsprop": [3e-4, 1e-3, 3e-3], "nsgd": [0.003, 0.01, 0.03],
    ]
    let sources = quick ? ["sgd", "adam"] : ["sgd", "adam", "rmsprop", "nsgd"]
    var expected: [(String, TrainingConfig, [String: String])] = []
    for m in sources {
      for d in sources {
        for lr in quick ? [grids[m]![1]] : grids[m]! {
          for seed in quick ? [0] : [0, 1] {
            let optimizer = "graft:\(m):\(d)"
            expected.append(
              (
                "graft_\(m)_\(d)-lr\(lr)-seed\(seed)",
                try config("ring8-mlp", common.merging(players(optimizer, lr, lr, seed: seed)) { $1 }),
                [
                  "optimizer": optimizer, "magnitude": m, "direction": d, "lr": "\(lr)", "seed": "\(seed)",
                  "stage": "screen",
                ]
              ))
          }
        }
      }
    }
    #expect(expected.count == (quick ? 4 : 96))
    #expect(experiment.confirmationSeeds == (quick ? [100, 101, 102] : [100, 101, 102, 103, 104]))
    expectRuns(experiment.runs, expected, root: root)
    // Once the screen has settled, each pair's confirmation follows at its chosen rate.
    for run in experiment.runs {
      try settle(run, modes: run.labels["lr"] == "\(grids[run.labels["magnitude"]!]![1])" ? 5 : 1)
    }
    let confirmation = experiment.runs.filter { $0.labels["stage"] == "confirmation" }
    #expect(confirmation.count == sources.count * sources.count * experiment.confirmationSeeds.count)
    #expect(confirmation.allSatisfy { $0.labels["lr"] == "\(grids[$0.labels["magnitude"]!]![1])" })
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
    #expect(Experiments.names == ["theory", "mog", "grafting-matrix", "grafting", "magnitudes"])
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
