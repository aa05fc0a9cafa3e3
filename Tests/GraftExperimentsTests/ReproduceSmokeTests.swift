import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftExperiments
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep
import GraftTestSupport
import Testing

/// Trains runs with the `graft` executable built next to the test runner, two at a time.
let localPool = LocalProcessPool(executable: graftExecutable, parallel: 2)

/// The structure every experiment's result must have: each claim has a verdict decided by a stated
/// rule, and its evidence prints 95% intervals with the seed count and the per-seed values.
func expectIntervalsAndVerdicts(_ result: ExperimentResult, seeds: Int) {
  #expect(!result.checks.isEmpty)
  for check in result.checks {
    #expect(Verdict.allCases.contains(check.verdict))
    #expect(check.rule.contains("95% interval"), "\(check.claim): \(check.rule)")
    #expect(check.evidence.contains("95% interval") && check.evidence.contains("(n=\(seeds): "), "\(check.evidence)")
  }
  #expect(result.markdown.contains("(n=\(seeds): "))
  for (name, measure) in result.measures {
    #expect(measure.count <= seeds, "\(name)")
  }
}

/// A quick seed plan: the pilot (the first 3 seeds, all run before it is fixed) fixed a count of 3 to 5
/// (the quick budget), which the claims rest on.
func expectPilotPlanned(_ result: ExperimentResult, before: [Int]) throws {
  let plan = try #require(result.seedPlan)
  #expect(plan.isFixed && plan.pilotSeeds == before && (3...5).contains(plan.seeds), "\(plan)")
  #expect(result.markdown.contains("Seed plan (power analysis on a pilot)"))
  #expect(result.checks.allSatisfy { $0.seeds == plan.seeds && $0.intervalMethod == "BCa bootstrap" })
}

/// The quick versions of `graft reproduce`: structure, no NaN, and what holds over a set of seeds at
/// this size under every OpenBLAS kernel set (measured values beside each assertion). The full versions
/// are opt-in: GRAFT_FULL_REPRODUCTION=1 runs them (a few hours).
@Suite("graft reproduce (quick)", .serialized)
struct ReproduceSmokeTests {
  /// The default variant (wide-g) at its quick size: one SGDA cell and nSGDA, 8000 steps each.
  @Test func theoryQuick() throws {
    let root = temporaryDirectory("reproduce-theory")
    let experiment = TheoryExperiment(root: root, scale: ExperimentScale(quick: true))
    let seeds = experiment.scale.seeds
    #expect(seeds >= 3)
    let result = try experiment.run(on: localPool)
    #expect(experiment.sweep.runs.count == seeds * (1 + 1))
    #expect(result.markdown.contains("| η_G \\ η_D |"))
    expectIntervalsAndVerdicts(result, seeds: seeds)
    #expect(result.checks.count == 3)
    // Every nSGDA run finished with finite losses.
    for run in experiment.sweep.runs where run.labels[.optimizer] == "nsgda" {
      let summary = try #require(Sweep.summary(run))
      #expect(summary.discriminatorLoss.isFinite && summary.generatorLoss.isFinite)
    }
    let nsgda = try #require(result.measures["nsgda/modesRecovered"])
    #expect(nsgda.count == seeds)
    // Outcomes over seeds 0, 1, 2, measured 2026-12-06 on the 2-core EPYC (default OpenBLAS kernels), in
    // this quick run and again as part of the family run (docs/theory-family.md):
    //   SGDA (η_G 0.3, η_D 0.3): 1, 1, 1 mode; never 2 at any of the 20 evaluations.
    //   nSGDA (η_G 0.01, η_D 0.03, cosine): 2, 2, 2.
    // Asserted with margin: SGDA learns (≥ 1 mode on some seed) and no SGDA run ever holds more than one
    // mode (the mechanism); nSGDA's mean ≥ 1.5 and ≥ SGDA's cell mean + 0.5.
    let cells = result.measures.filter { $0.key.hasPrefix("sgda/") && $0.key.hasSuffix("/modesRecovered") }
    #expect(cells.count == 1)
    let sgda = try #require(cells.first?.value)
    #expect(sgda.values.contains { $0 >= 1 }, "SGDA learns in the quick cell: \(sgda.formatted())")
    for run in experiment.sweep.runs where run.labels[.optimizer] == "sgda" {
      if let timeline = Sweep.summary(run)?.theoryTimeline {
        #expect(timeline.maximumModes <= 1, "\(run.name): \(timeline.modes)")
      }
    }
    #expect(nsgda.mean >= 1.5, "\(nsgda.formatted())")
    #expect(nsgda.mean >= sgda.mean + 0.5, "nSGDA \(nsgda.formatted()), SGDA \(sgda.formatted())")
    #expect(
      result.markdown.contains("| η_G | η_D | 0 modes | 1 mode | 2 modes | best cosine | over time: share at 1 mode |"))
    #expect(result.checks[0].evidence.contains("cells learned ≥ 1 mode on some seed"))
    try expectPilotPlanned(result, before: [0, 1, 2])
  }

  @Test func mixturesQuick() throws {
    let root = temporaryDirectory("reproduce-mog")
    // Three confirmation seeds (the quick default) after a one-seed screen: about 28 runs of 2000 steps,
    // as many as the 25 of the one-rate, five-seed version this replaced.
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: true))
    let before = experiment.confirmationSeeds
    #expect(before.count == 3 && Set(before).isDisjoint(with: experiment.screenSeeds))
    let result = try experiment.run(on: localPool)
    try expectPilotPlanned(result, before: before)
    let seeds = experiment.confirmationSeeds
    // The screen (1 seed, 2 rates, at most 1 more past an edge), then the confirmation at the chosen rate.
    let screen = experiment.sweep.runs.filter { $0.isIn(.screen) }
    let confirmation = experiment.sweep.runs.filter { $0.isIn(.confirmation) }
    #expect(
      screen.count >= 2 * MixtureExperiment.optimizers.count && screen.count <= 3 * MixtureExperiment.optimizers.count)
    #expect(confirmation.count == MixtureExperiment.optimizers.count * seeds.count)
    #expect(experiment.sweep.runs.allSatisfy(Sweep.isSettled))
    for optimizer in MixtureExperiment.optimizers {
      let modes = try #require(result.measures["ring8/\(optimizer)/modesCovered"])
      // The tables come from the confirmation seeds only.
      #expect(modes.seeds == seeds.map { "\($0)" })
      #expect(result.markdown.contains("| \(optimizer) | ") && result.markdown.contains(modes.formatted()))
      let chosen = Set(confirmation.filter { $0.labels[.optimizer] == optimizer }.map { $0.labels[.learningRate]! })
      #expect(chosen.count == 1)
      #expect(result.markdown.contains("**\(chosen.first!): "))
    }
    expectIntervalsAndVerdicts(result, seeds: seeds.count)
    #expect(result.checks.count == 4)
    for run in experiment.sweep.runs {
      #expect(
        FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("samples/step-002000.png").path))
    }
    #expect(!result.markdown.lowercased().contains("nan"))
    // Outcomes over the confirmation seeds 100, 101, 102 (the pilot; the plan may add 103 and 104) (ring8, 2000 steps, non-saturating loss at a
    // constant rate, each optimizer at the rate its one-seed screen chose — the choice itself moves with
    // the kernels), modes covered of 8 per seed, measured under each OPENBLAS_CORETYPE (seeds 103, 104
    // in brackets, measured but not run here):
    //   unset (EPYC) Adam (0.01) 5 3 5 [4 3]   SGDA (0.03) 2 0 1 [1 0]  SGDA_Ada (0.03) 0 0 0 [0 0]
    //   Sandybridge  Adam (0.003) 3 3 4 [3 5]  SGDA (0.1) 0 0 0 [1 1]   SGDA_Ada (0.03) 0 0 0 [0 0]
    //   SkylakeX     Adam (0.001) 6 7 7 [4 4]  SGDA (0.03) 1 0 1 [0 1]  SGDA_Ada (0.03) 0 0 0 [0 0]
    // Asserted, with margins of 0.8 mode or more on means over the three seeds (and over all five:
    // Adam 4.0 / 3.6 / 5.6, SGDA 0.8 / 0.4 / 0.6, SGDA_Ada 0):
    let adam = try #require(result.measures["ring8/adam/modesCovered"])
    let sgda = try #require(result.measures["ring8/sgda/modesCovered"])
    let sgdaAda = try #require(result.measures["ring8/sgda-ada/modesCovered"])
    // Adam's mean ≥ 2.5 of 8 (measured 4.3 / 3.3 / 6.7).
    #expect(adam.mean >= 2.5, "Adam \(adam.formatted())")
    // Adam's mean exceeds SGDA's and SGDA_Ada's by ≥ 2 modes (measured 3.3 / 3.3 / 6.0 and 4.3 / 3.3 / 6.7).
    #expect(adam.mean >= sgda.mean + 2, "Adam \(adam.formatted()), SGDA \(sgda.formatted())")
    #expect(adam.mean >= sgdaAda.mean + 2, "Adam \(adam.formatted()), SGDA_Ada \(sgdaAda.formatted())")
    // Adam covers more modes than SGDA on at least 2 of the 3 to 5 seeds (measured 3 / 3 / 3 of the first three).
    let wins = adam.minus(sgda).values.filter { $0 > 0 }.count
    #expect(wins >= 2, "Adam − SGDA by seed: \(adam.minus(sgda).formatted())")
  }

  @Test func graftingMatrixQuick() throws {
    let experiment = GraftingMatrixExperiment(
      root: temporaryDirectory("reproduce-grafting-matrix"), scale: ExperimentScale(quick: true))
    let before = experiment.confirmationSeeds
    #expect(before.count == 3)
    let result = try experiment.run(on: localPool)
    try expectPilotPlanned(result, before: before)
    let seeds = experiment.confirmationSeeds
    // 2 × 2 pairs, each one screen run (one rate) and the confirmation seeds.
    #expect(experiment.sources == ["sgd", "adam"])
    #expect(experiment.sweep.runs.count == 4 * (1 + seeds.count))
    #expect(experiment.sweep.runs.allSatisfy(Sweep.isSettled))
    // The heat map and the tables.
    let svg = try #require(result.figures["grafting-matrix.svg"])
    #expect(svg.hasPrefix("<svg") && svg.contains("magnitude") && svg.contains("direction"))
    #expect(result.markdown.contains("![modes covered by magnitude and direction source](grafting-matrix.svg)"))
    #expect(result.markdown.contains("| magnitude \\ direction | sgd | adam |"))
    for m in experiment.sources {
      for d in experiment.sources {
        let cell = try #require(result.measures["\(m)/\(d)/modesCovered"])
        #expect(cell.seeds == seeds.map { "\($0)" })
        #expect(result.markdown.contains(cell.formatted()))
      }
    }
    // Verdicts from intervals over the confirmation seeds, paired by seed.
    expectIntervalsAndVerdicts(result, seeds: seeds.count)
    #expect(result.checks.count == 2)
    let magnitude = try #require(result.measures["magnitudeEffect/adam-sgd"])
    let adamRow = try #require(result.measures["magnitude/adam/modesCovered"])
    let sgdRow = try #require(result.measures["magnitude/sgd/modesCovered"])
    #expect(magnitude == adamRow.minus(sgdRow))
    #expect(result.checks[0].verdict == Verdict.positive(magnitude))
    let direction = try #require(result.measures["directionEffect/adam-sgd"])
    #expect(result.checks[1].verdict == Verdict.within(direction, margin: 1))
  }

  @Test(.enabled(if: FashionMNIST.isAvailable(split: .train), "Fashion-MNIST is not installed"))
  func graftingQuick() throws {
    // Screen (two rates per optimizer, one extension) then confirmation on three fresh seeds.
    // Under OUT/grafting, as `graft reproduce grafting --out OUT` keeps it (used at the end).
    let out = temporaryDirectory("reproduce-grafting")
    let experiment = GraftingExperiment(
      root: out.appendingPathComponent("grafting"), scale: ExperimentScale(quick: true))
    let seeds = experiment.scale.seeds
    #expect(seeds == 3)
    let result = try experiment.run(on: localPool)
    // Structure only: tens of steps decide nothing about the paper's claims.
    #expect(result.checks.count == 7)
    expectIntervalsAndVerdicts(result, seeds: seeds)
    let runs = experiment.sweep.runs
    let screen = runs.filter { $0.isIn(.screen) }
    let confirmation = runs.filter { $0.isIn(.confirmation) }
    for optimizer in GraftingExperiment.compared {
      // Two rates always leave the best at an edge (or a tie, resolved to the lower): one extension each.
      let state = experiment.screen(optimizer)
      #expect(state.rates.count == 3, "\(optimizer): \(state.rates)")
      let chosen = try #require(state.chosen, "\(optimizer) has no chosen rate")
      #expect(screen.filter { $0.labels[.optimizer] == optimizer }.count == 3)
      let confirmed = confirmation.filter { $0.labels[.optimizer] == optimizer }
      #expect(confirmed.map { $0.labels[.learningRate] } == Array(repeating: "\(chosen)", count: seeds))
      #expect(confirmed.map { $0.config.seed } == [100, 101, 102])
    }
    #expect(runs.count == GraftingExperiment.compared.count * (3 + seeds))
    // nSGDA-layers is nSGDA with each group's settled update norm under Adam (Adam's screen run at its
    // chosen rate, last quarter of the log) as that group's layer scale, in screen and confirmation alike.
    let adamRate = try #require(experiment.screen("adam").chosen)
    let adamRun = try #require(
      screen.first { $0.labels[.optimizer] == "adam" && $0.labels[.learningRate] == "\(adamRate)" })
    let log = MetricsLog(text: try String(contentsOf: RunDirectory(adamRun.directory).metrics, encoding: .utf8))
    for (player, scales) in [
      (Player.generator, \TrainingConfig.generatorLayerScales), (.discriminator, \.discriminatorLayerScales),
    ] {
      let derived = try #require(LayerScaleDerivation(log: log, player: player))
      let layerwise = runs.filter { $0.labels[.optimizer] == GraftingExperiment.layerwise }
      #expect(layerwise.count == 3 + seeds)
      for run in layerwise {
        #expect(run.config.generatorOptimizer == .nsgda && run.config.discriminatorOptimizer == .nsgda)
        let entries = run.config[keyPath: scales].entries
        #expect(entries.map(\.pattern) == derived.scales.map(\.name), "\(run.name)")
        for (entry, group) in zip(entries, derived.scales) {
          let step = group.scale * derived.referenceRate
          #expect(abs(entry.scale - step) <= 1e-3 * step, "\(run.name) \(entry.pattern)")
        }
      }
    }
    for run in screen {
      let record = try RunRecord.load(run.directory)
      #expect(record.metrics.evaluations.map(\.step) == [10, 20], "\(run.name)")
    }
    for run in confirmation {
      let record = try RunRecord.load(run.directory)
      // Evaluated once, at the end, in every feature space.
      #expect(record.metrics.evaluations.map(\.step) == [40], "\(run.name)")
      let last = try #require(record.metrics.evaluations.last?.measures).reduce(into: [String: Double]()) {
        $0[$1.key] = $1.value
      }
      for key in ["fid", "kid", "precision", "recall"].flatMap({ k in ["", "PreReLU", "Seed1"].map { k + $0 } }) {
        let value = try #require(last[key], "\(run.name) has no \(key)")
        #expect(value.isFinite, "\(run.name) \(key)")
      }
      #expect(
        FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("samples/step-000040.png").path))
    }
    for optimizer in GraftingExperiment.compared {
      #expect(result.measures["\(optimizer)/fid"]?.count == seeds)
      #expect(result.measures["\(optimizer)/recallSeed1"]?.count == seeds)
    }
    #expect(result.markdown.contains("one seed") && result.markdown.contains("Kendall"))
    #expect(result.markdown.contains("| FID (post-ReLU) | "))
    #expect(result.figures["fid-over-steps.svg"]?.contains("<svg") == true)
    #expect(!result.markdown.contains("measured again"))

    // `graft evaluate RUN` writes eval.json (the final checkpoint measured again, with batch norm in both
    // modes); the summary then uses it in place of the logged evaluation and adds the batch-norm table. An
    // eval.json of another step is ignored.
    let adamRuns = confirmation.filter { $0.labels[.optimizer] == "adam" }
    for (index, run) in adamRuns.enumerated() {
      let logged = try #require(RunRecord.load(run.directory).metrics.evaluations.last?.measures)
      var measured: [String: Any] = Dictionary(uniqueKeysWithValues: logged.map { ($0.key, $0.value as Any) })
      measured["fid"] = 1000.0 + Double(index)
      measured["step"] = index == 2 ? 39 : 40
      measured["batchNormTrainMode"] = ["fid": 2000.0 + Double(index), "recall": 0.5, "classesCovered": 7]
      measured["inception"] = [
        "fid": 300.0 + Double(index), "kid": 0.25, "kidStd": 0.01, "precision": 0.5, "recall": 0.25,
        "inceptionScore": 1.5, "inceptionScoreStd": 0.1, "inceptionScoreSplits": 10, "sampleCount": 50,
        "referenceCount": 50, "weights": "/w.pth", "referenceFeatures": "/r.npy",
      ]
      try JSONSerialization.data(withJSONObject: measured).write(to: RunDirectory(run.directory).evaluation)
    }
    let again = experiment.summarize(experiment.sweep)
    let fids = try #require(again.measures["adam/fid"])
    #expect(fids.values.sorted() == ([1000.0, 1001.0] + [result.measures["adam/fid"]!.values[2]]).sorted())
    #expect(again.markdown.contains("2 of the \(confirmation.count) confirmation runs were measured again"))
    #expect(
      again.markdown.contains(
        "| adam | FID | 1000.5 ± 6.4 (n=2: 1000, 1001) | 2000.5 ± 6.4 (n=2: 2000, 2001) | 1000.0 ± 0.0 "))
    // The Inception part of the two eval.json of the last step: a table of its own, Adam only.
    #expect(again.measures["adam/inception/fid"]?.values.sorted() == [300, 301])
    #expect(again.markdown.contains("### In Inception features"))
    #expect(again.markdown.contains("| adam | 2 of 3 | 300.5 ± 6.4 (n=2: 300, 301) |"), "\(again.markdown)")
    #expect(again.measures["sgda/inception/fid"] == nil)
    // What `graft reproduce` measures when the weights are at hand: every finished confirmation run but those two.
    let pending = experiment.confirmationRunsWithoutInception
    #expect(pending.count == confirmation.count - 2)

    // `graft reproduce grafting` with weights (pytorch-fid's network with random weights): all runs have
    // finished, so it measures the pending runs with `graft evaluate --inception` and summarizes again.
    var file = SafeTensorsFile()
    var generator = RandomGenerator(seed: 7)
    _ = try FIDInceptionV3(parameters: { name, shape in
      let fanIn = Float(shape.dropFirst().reduce(1, *))
      let t: Tensor<Float> =
        name.hasSuffix("running_var") || name.hasSuffix("bn.weight")
        ? Tensor(ones: shape)
        : name.hasSuffix("weight") && shape.count > 1
          ? Tensor(randomNormal: shape, standardDeviation: (2 / fanIn).squareRoot(), generator: &generator)
          : Tensor(zeros: shape)
      file[name] = .float(t)
      return t
    })
    let weights = out.appendingPathComponent("inception.safetensors")
    try file.write(to: weights)
    let (status, output) = try runGraft(
      [
        "reproduce", "grafting", "--quick", "--out", out.path, "--inception-weights", weights.path,
        "--inception-samples", "4",
      ],
      environment: ["GRAFT_CACHE_DIR": out.appendingPathComponent("cache").path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("Inception metrics of \(pending[0].name), 4 samples (1 of \(pending.count))"), "\(output)")
    #expect(experiment.confirmationRunsWithoutInception.isEmpty)
    for run in pending {
      let inception = try #require(try RunDirectory(run.directory).readEvaluation()?.inception, "\(run.name)")
      #expect(inception.sampleCount == 4 && inception.fid.isFinite, "\(run.name)")
    }
    let results = try String(contentsOf: experiment.root.appendingPathComponent("results.md"), encoding: .utf8)
    #expect(results.contains("### In Inception features") && results.contains("| sgda | 3 of 3 |"), "\(results)")
  }

  @Test(
    .enabled(
      if: ProcessInfo.processInfo.environment["GRAFT_FULL_REPRODUCTION"] == "1",
      "set GRAFT_FULL_REPRODUCTION=1 for the full versions"))
  func fullVersions() throws {
    let scale = ExperimentScale(quick: false)
    // Today's variant (the numbers below are its); the default variant's full numbers are in
    // docs/theory-family.md.
    let theory = try TheoryExperiment(
      root: temporaryDirectory("reproduce-theory-full"), scale: scale, variant: .today, planned: false
    ).run(on: localPool)
    let mixtures = MixtureExperiment(root: temporaryDirectory("reproduce-mog-full"), scale: scale)
    let mog = try mixtures.run(on: localPool)
    // Theory over seeds 0…4, mog over its confirmation seeds 100…109. Not re-measured under every core
    // type (hours each). Theory (8000 steps from σ0√d 0.3, measured 2026-11-30 with Haswell kernels):
    // nSGDA at K = 2 recovered 2 2 2 2 2; SGDA's best K = 3 cell (η_G 0.1, η_D 0.1) recovered 3 3 3 3 3, so
    // in this version SGDA does not collapse where the players learn at matched rates. Asserted with
    // margin: nSGDA's K = 2 mean ≥ 1.5 and the best K = 3 SGDA cell's mean ≥ 2 (more than one mode). mog:
    // RESULTS.md has ring8 Adam 5.9 [4.4, 7.4] against SGDA 0.6 [0.2, 1.0] on the 10 fresh seeds at the
    // screened rates, a gap of 5.3 (asserted ≥ 3). Grafting and the matrix are left to `graft reproduce`
    // itself (RESULTS.md; grafting alone takes over an hour); their quick versions run above.
    expectIntervalsAndVerdicts(theory, seeds: 5)
    expectIntervalsAndVerdicts(mog, seeds: mixtures.confirmationSeeds.count)
    let nsgda = try #require(theory.measures["nsgda/modesRecovered"])
    #expect(nsgda.mean >= 1.5, "nSGDA \(nsgda.formatted())")
    let best = try #require(theory.measures["k3-sgda-best/modesRecovered"])
    #expect(best.mean >= 2, "best SGDA cell, K = 3: \(best.formatted())")
    let adam = try #require(mog.measures["ring8/adam/modesCovered"])
    let sgda = try #require(mog.measures["ring8/sgda/modesCovered"])
    #expect(adam.mean >= sgda.mean + 3, "Adam \(adam.formatted()), SGDA \(sgda.formatted())")
  }
}
