import Foundation
import GraftExperiments
import GraftGAN
import GraftOptimizers
import GraftRun
import GraftSweep
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
      // As the tables spell them.
      let labels = Dictionary(uniqueKeysWithValues: run.labels.map { ($0.key.rawValue, $0.value) })
      #expect(labels == want.labels, "\(run.name)")
      #expect(run.directory == root.appendingPathComponent(want.name))
    }
  }

  /// Today's variant, unplanned (as the family runs it): its runs exactly as before the family (names,
  /// labels, configs), so finished runs are found again.
  @Test(arguments: [true, false])
  func theory(quick: Bool) throws {
    let experiment = TheoryExperiment(
      root: root, scale: ExperimentScale(quick: quick), variant: .today, planned: false)
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

  /// A collapse variant (the default): names start with the variant, labels carry it, and the configs
  /// are the preset with the variant's settings, evaluated every 400 steps for collapse over time. With
  /// nothing on disk the plan calls for its pilot: seeds 100…104 (quick: 0…2).
  @Test(arguments: [true, false])
  func theoryDefaultVariant(quick: Bool) throws {
    let variant = TheoryVariant.default
    #expect(variant.name == "wide-g")
    let experiment = TheoryExperiment(root: root, scale: ExperimentScale(quick: quick))
    let rates = quick ? [0.3] : [0.003, 0.01, 0.03, 0.1, 0.3, 1]
    #expect(experiment.sgdaRates == rates)
    let common: [String: Any] = [
      "steps": 8000, "logEvery": 100, "checkpointEvery": 8000, "schedule.totalSteps": 8000, "evaluateEvery": 400,
      "theory.norms": [1, 0.25], "theory.initScale": 0.03, "theory.trainScale": false, "theory.trainBias": false,
      "game": "simultaneous", "theory.generatorNeurons": 12,
    ]
    var expected: [(String, TrainingConfig, [String: String])] = []
    for seed in quick ? Array(0..<3) : Array(100..<105) {
      for g in rates {
        for d in rates {
          expected.append(
            (
              "wide-g-sgda-g\(g)-d\(d)-seed\(seed)",
              try config("theory", common.merging(players("sgda", g, d, seed: seed)) { $1 }),
              ["optimizer": "sgda", "lr_g": "\(g)", "lr_d": "\(d)", "seed": "\(seed)", "variant": "wide-g"]
            ))
        }
      }
      for schedule in quick ? ["cosine"] : ["cosine", "constant"] {
        var settings = common.merging(players("nsgda", 0.01, 0.03, seed: seed)) { $1 }
        settings["schedule.decay"] = schedule
        var labels = ["optimizer": "nsgda", "lr_g": "0.01", "lr_d": "0.03", "seed": "\(seed)", "variant": "wide-g"]
        if schedule != "constant" { labels["schedule"] = schedule }
        expected.append(
          (
            "wide-g-nsgda-g0.01-d0.03\(schedule == "constant" ? "" : "-" + schedule)-seed\(seed)",
            try config("theory", settings), labels
          ))
      }
    }
    expectRuns(experiment.runs, expected, root: root)
  }

  /// The family: every variant's runs in one folder, names unique, today's as they were.
  @Test func theoryFamily() throws {
    let family = TheoryFamilyExperiment(root: root, scale: ExperimentScale(quick: false))
    #expect(family.variants.map(\.name) == ["today", "unequal-norms", "wide-g", "gaussian-latent", "d300", "power4"])
    let runs = family.runs
    #expect(Set(runs.map(\.name)).count == runs.count)
    for variant in family.variants {
      let own = TheoryExperiment(
        root: root, scale: ExperimentScale(quick: false), variant: variant, planned: false
      ).runs
      #expect(runs.filter { $0.labels[.variant] == variant.label }.map(\.name) == own.map(\.name), "\(variant.name)")
    }
    #expect(runs.contains { $0.name == "sgda-g0.1-d0.1-seed0" && $0.labels[.variant] == nil })
    // The family runs each variant on seeds 0…4, without a plan.
    #expect(Set(runs.compactMap { $0.labels[.seed] }) == Set((0..<5).map(String.init)))
    let d300 = try #require(runs.first { $0.labels[.variant] == "d300" })
    #expect(d300.config.theory.dimension == 300 && d300.config.theory.generatorNeurons == 12)
    let power4 = try #require(runs.first { $0.labels[.variant] == "power4" })
    #expect(power4.config.theory.power == 4)
    let gaussian = try #require(runs.first { $0.labels[.variant] == "gaussian-latent" })
    #expect(gaussian.config.theory.gaussianLatent)
    for run in runs { #expect(throws: Never.self) { try run.config.validate() } }
    #expect(Experiments.named("theory-family") != nil && !Experiments.names.contains("theory-family"))
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
      let lr = Double(run.labels[.learningRate]!)!
      switch run.labels[.optimizer]! {
      case "sgda": return lr == 0.3 ? 3 : 1
      case "adam": return lr == 1e-2 && run.labels[.seed] == "1" ? nil : lr == 3e-3 ? 6 : 4
      default: return 2
      }
    }
    let first = experiment.runs
    for run in first { try settle(run, modes: modes(run)) }
    let second = experiment.runs
    let added = second.filter { run in !first.contains { $0.name == run.name } }
    func addedRuns(_ dataset: String, _ optimizer: String) -> [Sweep.Run] {
      added.filter { $0.labels[.dataset] == dataset && $0.labels[.optimizer] == optimizer }
    }
    for dataset in ["ring8", "grid25"] {
      // SGDA: one rate past the top edge, on the screen seeds, no confirmation yet.
      let sgda = addedRuns(dataset, "sgda")
      #expect(sgda.map(\.name) == [0, 1, 2].map { "\(dataset)-sgda-lr1.0-seed\($0)" })
      #expect(sgda.allSatisfy { $0.labels[.stage] == "screen" && $0.config.generatorSettings.learningRate == 1 })
      // Adam: the confirmation at 3e-3 on seeds 100…109, configs as the screen's but for the seed.
      let adam = addedRuns(dataset, "adam")
      let steps = dataset == "ring8" ? 4000 : 6000
      let want = try (100...109).map { try mixtureRun(dataset, "adam", 3e-3, $0, "confirmation", steps: steps) }
      expectRuns(adam, want, root: root)
      // A plateau: the lower middle rate, confirmed.
      let nsgda = addedRuns(dataset, "nsgda")
      #expect(
        nsgda.count == 10 && nsgda.allSatisfy { $0.labels[.learningRate] == "0.01" && $0.labels[.stage] == "confirmation" })
    }
    // The extension settles below the edge: SGDA's confirmation at 0.3 follows.
    for run in added where run.labels[.stage] == "screen" { try settle(run, modes: 0) }
    let third = experiment.runs.filter { run in !second.contains { $0.name == run.name } }
    #expect(third.count == 20)
    #expect(third.allSatisfy { $0.labels[.optimizer] == "sgda" && $0.labels[.learningRate] == "0.3" })
    #expect(Set(third.compactMap { Int($0.labels[.seed]!) }) == Set(100...109))
  }

  /// The ring8 confirmation's seed count is fixed by the claims on the pilot (seeds 100…104) alone: the
  /// largest need, at least the minimum (10), at most the budget; grid25 (no claims) stays at the minimum;
  /// what the later seeds show does not move it.
  @Test(arguments: [nil, 60] as [Int?])
  func mixturesFixTheirSeedsFromThePilot(maxSeeds: Int?) throws {
    let root = temporaryDirectory("mog-plan")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: false, maxSeeds: maxSeeds))
    // Pilot modes by optimizer (seeds 100…104); every screen rate covers 2 modes (a plateau).
    let pilot: [String: [Int]] = [
      "adam": [8, 8, 8, 8, 8], "ada-nsgda": [8, 8, 8, 8, 8], "sgda": [1, 1, 1, 1, 1], "sgda-ada": [1, 2, 1, 1, 2],
      "nsgda": [8, 6, 8, 7, 8],
    ]
    func modes(_ run: Sweep.Run) -> Int {
      guard run.labels[.stage] == "confirmation", let seed = Int(run.labels[.seed]!) else { return 2 }
      // Seeds past the pilot: values that would call for other counts if they were looked at.
      return seed < 105 ? pilot[run.labels[.optimizer]!]![seed - 100] : seed % 2 == 0 ? 0 : 8
    }
    #expect(!experiment.seedPlan.isFixed && experiment.seedPlan.seeds == 10)
    for _ in 0..<3 {
      for run in experiment.runs where !Sweep.isSettled(run) { try settle(run, modes: modes(run)) }
    }
    // nSGDA − Adam on the pilot: 0, −2, 0, −1, 0 (mean −0.6, s = 0.894), 0.4 from the ±1 margin:
    // ((1.95996 + 0.84162)·0.894/0.4)² + 1.95996²/2 = 41.17 → 42 seeds, the largest need (SGDA_Ada − SGDA
    // needs 9, the others 2).
    let plan = experiment.seedPlan
    #expect(plan.isFixed && plan.pilotSeeds == Array(100..<105))
    #expect(plan.needs.map(\.seeds) == [.count(2), .count(2), .count(9), .count(42)])
    let expected = maxSeeds == nil ? 40 : 42
    #expect(plan.seeds == expected && plan.budget == (maxSeeds ?? 40))
    let confirmation = experiment.runs.filter { $0.labels[.stage] == "confirmation" }
    for dataset in ["ring8", "grid25"] {
      for optimizer in MixtureExperiment.optimizers {
        let seeds = confirmation.filter { $0.labels[.dataset] == dataset && $0.labels[.optimizer] == optimizer }
          .compactMap { Int($0.labels[.seed]!) }
        #expect(Set(seeds) == Set(100..<(100 + (dataset == "ring8" ? expected : 10))), "\(dataset) \(optimizer)")
      }
    }
    let result = experiment.summarize(experiment.sweep)
    #expect(result.seedPlan == plan && result.markdown.contains("**\(expected) seeds**"))
    #expect(result.checks.allSatisfy { $0.seeds == expected && $0.intervalMethod == "BCa bootstrap" })
  }

  /// The theory protocol's seed count is fixed by its claims on the pilot (seeds 100…104) alone, and the
  /// runs that follow are the whole grid and nSGDA on seeds 105… up to it.
  @Test func theoryFixesItsSeedsFromThePilot() throws {
    let root = temporaryDirectory("theory-plan")
    defer { try? FileManager.default.removeItem(at: root) }
    let experiment = TheoryExperiment(root: root, scale: ExperimentScale(quick: false))
    #expect(!experiment.seedPlan!.isFixed && experiment.seedList == Array(100..<105))
    // Pilot: SGDA learns one mode at η_G = η_D = 0.3 (1, 1, 1, 2, 1) and nothing elsewhere; nSGDA (both
    // settings) recovers 2, 2, 1, 2, 2. Later seeds: values that would call for other counts.
    func modes(_ run: Sweep.Run) -> Int {
      let seed = Int(run.labels[.seed]!)!
      guard seed < 105 else { return seed % 2 == 0 ? 0 : 2 }
      if run.labels[.optimizer] == "nsgda" { return [2, 2, 1, 2, 2][seed - 100] }
      return run.labels[.generatorRate] == "0.3" && run.labels[.discriminatorRate] == "0.3" ? [1, 1, 1, 2, 1][seed - 100] : 0
    }
    func settle(_ run: Sweep.Run) throws {
      try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
      let m = modes(run)
      let summary = """
        {"status": "finished", "steps": 1, "wallSeconds": 1, "stepsPerSecond": 1, "discriminatorLoss": 0,
         "generatorLoss": 0, "theory": {"bestCosines": [\(m >= 1 ? 0.99 : 0.2), \(m >= 2 ? 0.99 : 0.2)],
         "sampleShares": [0.5, 0.5], "modesRecovered": \(m)}}
        """
      try Data(summary.utf8).write(to: run.directory.appendingPathComponent("summary.json"))
    }
    for _ in 0..<3 {
      for run in experiment.runs where !Sweep.isSettled(run) { try settle(run) }
    }
    // The one learning cell, 1, 1, 1, 2, 1 against "at most 1" (mean 1.2, s = 0.447, 0.2 past the
    // threshold), and nSGDA's 2, 2, 1, 2, 2 against "all 2" (mean 1.8, s = 0.447, 0.2 short): each
    // ((1.95996 + 0.84162)·0.447/0.2)² + 1.95996²/2 = 41.17 → 42; nSGDA − best cell (1, 1, 0, 0, 1: mean
    // 0.6, s = 0.548, against > 0) needs 9. The plan takes the largest, 42.
    let plan = try #require(experiment.seedPlan)
    #expect(plan.isFixed && plan.pilotSeeds == Array(100..<105))
    #expect(plan.needs.map(\.seeds) == [.count(42), .count(42), .count(9)])
    #expect(plan.seeds == 42 && experiment.seedList == Array(100..<142))
    let perSeed = experiment.sgdaRates.count * experiment.sgdaRates.count + experiment.nsgdaSettings.count
    #expect(experiment.runs.count == 42 * perSeed)
    let result = experiment.summarize(experiment.sweep)
    #expect(result.seedPlan == plan && result.markdown.contains("**42 seeds**"))
    #expect(result.checks.allSatisfy { $0.seeds == 42 && $0.intervalMethod == "BCa bootstrap" })
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
      try settle(run, modes: run.labels[.learningRate] == "\(grids[run.labels[.magnitude]!]![1])" ? 5 : 1)
    }
    let confirmation = experiment.runs.filter { $0.labels[.stage] == "confirmation" }
    #expect(confirmation.count == sources.count * sources.count * experiment.confirmationSeeds.count)
    #expect(confirmation.allSatisfy { $0.labels[.learningRate] == "\(grids[$0.labels[.magnitude]!]![1])" })
  }

  /// The grafting experiment's screen grid per optimizer (full version) and the expected config of one run.
  let graftingGrids: [String: [Double]] = [
    "adam": [1e-4, 3e-4, 1e-3, 3e-3], "sgda": [1e-3, 3e-3, 1e-2, 3e-2], "ada-nsgda": [1e-4, 3e-4, 1e-3, 3e-3],
    "sgda-ada": [1e-3, 3e-3, 1e-2, 3e-2], "nsgda": [3e-3, 1e-2, 3e-2, 0.1],
  ]

  func graftingRun(
    _ stage: String, _ optimizer: String, _ lr: Double, seed: Int, quick: Bool
  ) throws -> (String, TrainingConfig, [String: String]) {
    let screen = stage == "screen"
    let steps = screen ? (quick ? 20 : 1500) : (quick ? 40 : 3000)
    var settings: [String: Any] = [
      "steps": steps, "schedule.totalSteps": steps, "logEvery": quick ? 10 : 50, "sampleEvery": steps,
      "checkpointEvery": quick ? steps : 500, "evaluateEvery": screen ? (quick ? 10 : 250) : steps,
      "evaluationSamples": screen ? (quick ? 500 : 2000) : (quick ? 1000 : 10_000),
    ]
    if quick { settings.merge(["width": 16, "batchSize": 32, "dataLimit": 2000]) { $1 } }
    let name = screen ? "screen-\(optimizer)-lr\(lr)" : "confirm-\(optimizer)-lr\(lr)-seed\(seed)"
    return (
      name, try config("fashion-dcgan", settings.merging(players(optimizer, lr, lr, seed: seed)) { $1 }),
      ["stage": screen ? "screen" : "confirmation", "optimizer": optimizer, "lr": "\(lr)", "seed": "\(seed)"]
    )
  }

  /// Writes what a finished run leaves that the experiment reads: summary.json and metrics.jsonl with
  /// the final evaluation (FID `fid`, or none for a run that diverged).
  func fakeFinishedRun(_ run: Sweep.Run, fid: Double?) throws {
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    try Data(#"{"status":"finished"}"#.utf8).write(to: run.directory.appendingPathComponent("summary.json"))
    var lines = #"{"step":\#(run.config.steps),"loss_d":1,"loss_g":1}"# + "\n"
    if let fid { lines += #"{"step":\#(run.config.steps),"eval":{"fid":\#(fid),"kid":0.1}}"# + "\n" }
    try Data(lines.utf8).write(to: run.directory.appendingPathComponent("metrics.jsonl"))
  }

  @Test(arguments: [true, false])
  func graftingFirstStageIsTheScreen(quick: Bool) throws {
    let root = temporaryDirectory("grafting-runs")
    let experiment = GraftingExperiment(root: root, scale: ExperimentScale(quick: quick))
    var expected: [(String, TrainingConfig, [String: String])] = []
    for optimizer in ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"] {
      // The quick version screens the middle two rates.
      for lr in quick ? Array(graftingGrids[optimizer]![1...2]) : graftingGrids[optimizer]! {
        expected.append(try graftingRun("screen", optimizer, lr, seed: 0, quick: quick))
      }
    }
    #expect(expected.count == (quick ? 10 : 20))
    expectRuns(experiment.runs, expected, root: root)
  }

  @Test func graftingConfirmsAtTheChosenRatesOrWidensTheScreen() throws {
    let root = temporaryDirectory("grafting-runs-settled")
    let experiment = GraftingExperiment(root: root, scale: ExperimentScale(quick: false))
    // Adam peaks inside its grid (3e-4); SGDA's best is its highest rate (an extension to 0.1 is due);
    // the others peak inside, nSGDA's top rate diverged; SGDA_Ada has one run still going.
    let fids: [String: [Double: Double?]] = [
      "adam": [1e-4: 80, 3e-4: 40, 1e-3: 50, 3e-3: 90], "sgda": [1e-3: 90, 3e-3: 70, 1e-2: 60, 3e-2: 50],
      "ada-nsgda": [1e-4: 70, 3e-4: 60, 1e-3: 55, 3e-3: 65], "sgda-ada": [1e-3: 70, 3e-3: 60, 1e-2: 50],
      "nsgda": [3e-3: 80, 1e-2: 60, 3e-2: 70, 0.1: nil],
    ]
    for run in experiment.runs {
      let optimizer = try #require(run.labels[.optimizer])
      let lr = try #require(run.labels[.learningRate].flatMap(Double.init))
      if let fid = fids[optimizer]?[lr] { try fakeFinishedRun(run, fid: fid) }
    }
    let runs = experiment.runs
    var expected: [(String, TrainingConfig, [String: String])] = []
    for optimizer in ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"] {
      for lr in graftingGrids[optimizer]! + (optimizer == "sgda" ? [0.1] : []) {
        expected.append(try graftingRun("screen", optimizer, lr, seed: 0, quick: false))
      }
    }
    // No confirmation while a screen has not chosen (SGDA widens, SGDA_Ada waits for a run).
    expectRuns(runs, expected, root: root)
    #expect(experiment.screen("adam").chosen == 3e-4)
    #expect(experiment.screen("nsgda").chosen == 1e-2)
    #expect(experiment.screen("sgda").chosen == nil)
    // Once SGDA's extension settles at a better FID still at the edge, the last extension is due; then the
    // budget (2) is spent and the edge rate is chosen, said to be at the edge.
    try fakeFinishedRun(try #require(runs.first { $0.name == "screen-sgda-lr0.1" }), fid: 45)
    #expect(experiment.screen("sgda").rates.last == 0.3)
    try fakeFinishedRun(try #require(experiment.runs.first { $0.name == "screen-sgda-lr0.3" }), fid: 44)
    let sgda = experiment.screen("sgda")
    #expect(sgda.chosen == 0.3 && sgda.chosenAtEdge)
    #expect(!experiment.runs.contains { $0.labels[.stage] == "confirmation" })
    // SGDA_Ada's last run settles (its best, 1e-2, is inside the grid): every screen has chosen, and
    // the confirmation runs appear, seed by seed, each optimizer at its chosen rate on seeds 100…109 (the
    // seed plan's minimum, run before its pilot has settled).
    try fakeFinishedRun(try #require(runs.first { $0.name == "screen-sgda-ada-lr0.03" }), fid: 55)
    expected.append(try graftingRun("screen", "sgda", 0.3, seed: 0, quick: false))
    let chosen: [(String, Double)] = [
      ("adam", 3e-4), ("sgda", 0.3), ("ada-nsgda", 1e-3), ("sgda-ada", 1e-2), ("nsgda", 1e-2),
    ]
    for seed in 100..<110 {
      for (optimizer, lr) in chosen {
        expected.append(try graftingRun("confirm", optimizer, lr, seed: seed, quick: false))
      }
    }
    // Screen runs are listed by optimizer: SGDA's extensions sit after its grid.
    expected.sort { a, b in
      let order = ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"]
      func key(_ e: (String, TrainingConfig, [String: String])) -> (Int, Int, Int, Double) {
        (
          e.2["stage"] == "screen" ? 0 : 1, e.2["stage"] == "screen" ? 0 : Int(e.2["seed"]!)!,
          order.firstIndex(of: e.2["optimizer"]!)!, Double(e.2["lr"]!)!
        )
      }
      return key(a) < key(b)
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

  /// results.json holds a claim's need as a number or "unbounded"; the first files' enum coding still
  /// reads.
  @Test func seedsNeededInJSON() throws {
    let needs: [ClaimCheck.SeedsNeeded] = [.count(42), .unbounded]
    let json = String(decoding: try JSONEncoder().encode(needs), as: UTF8.self)
    #expect(json == #"[42,"unbounded"]"#)
    #expect(try JSONDecoder().decode([ClaimCheck.SeedsNeeded].self, from: Data(json.utf8)) == needs)
    let old = #"[{"count":{"_0":42}},{"unbounded":{}}]"#
    #expect(try JSONDecoder().decode([ClaimCheck.SeedsNeeded].self, from: Data(old.utf8)) == needs)
    #expect(throws: DecodingError.self) {
      try JSONDecoder().decode([ClaimCheck.SeedsNeeded].self, from: Data(#"["many"]"#.utf8))
    }
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
