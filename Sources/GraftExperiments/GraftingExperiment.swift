import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// The grafting study on images (PAPER.md, experiment 1): the same Fashion-MNIST DCGAN trained with
/// Adam, SGDA, Ada_nSGDA, SGDA_Ada and nSGDA, in two stages.
///
/// 1. A screen: each optimizer over a log-spaced grid of learning rates on its own scale, one seed
///    (seed 0), scored by the final FID (`RateSearch`: the grid widens past an edge while the best
///    rate sits there). It decides each optimizer's rate and nothing else.
/// 2. A confirmation: each optimizer at its chosen rate on fresh seeds (100, 101, …), longer, evaluated
///    once at the end on more samples; FID, KID and precision/recall in three feature spaces as
///    mean ± 95% interval, the magnitude × direction factorial and the claims come from these runs.
///
/// Which runs exist depends on the finished screen runs (read from their directories), so `runs` grows
/// as the screen settles and the protocol resumes wherever it stopped.
public struct GraftingExperiment: Experiment {
  public static let name = "grafting"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  public static let optimizers = ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"]

  /// nSGDA with per-layer steps (PAPER.md, experiment 3: "nSGDA with tuned layer-wise step sizes"): each
  /// parameter group moves by its settled update norm under Adam — Adam's screen run at Adam's chosen
  /// rate, the last quarter of its logged steps (`LayerScaleDerivation`) — times the learning rate, which
  /// is therefore a multiplier around 1. Its screen waits for Adam's.
  public static let layerwise = "nsgda-layers"

  /// Every optimizer the tables compare: the five, then nSGDA with Adam's per-layer steps.
  public static var compared: [String] { optimizers + [layerwise] }

  /// The screen's search for `optimizer`, on the scale its step is measured in: Adam's own rate (also
  /// Ada_nSGDA's magnitude), SGD's (SGDA, SGDA_Ada) and nSGDA's per-tensor step norm. Four lattice rates
  /// and two extensions; the quick version tries the middle two with one extension.
  public func search(_ optimizer: String) -> RateSearch {
    let (low, high): (Double, Double)
    switch optimizer {
    case Self.layerwise: (low, high) = (0.3, 3)
    case "adam", "ada-nsgda": (low, high) = (1e-4, 3e-3)
    case "nsgda": (low, high) = (3e-3, 0.1)
    default: (low, high) = (1e-3, 3e-2)
    }
    guard scale.quick else { return RateSearch(from: low, to: high, maxExtensions: 2) }
    let k = RateSearch.index(of: low)
    return RateSearch(from: RateSearch.rate(k + 1), to: RateSearch.rate(k + 2), maxExtensions: 1)
  }

  var screenSteps: Int { scale.quick ? 20 : 1500 }
  var screenEvaluateEvery: Int { scale.quick ? 10 : 250 }
  /// Samples per screen evaluation (the setting's default in the full version).
  var screenSamples: Int { scale.quick ? 500 : TrainingConfig().evaluationSamples }
  var confirmationSteps: Int { scale.quick ? 40 : 3000 }
  var confirmationSamples: Int { scale.quick ? 1000 : 10_000 }
  /// The confirmation's plan before its pilot has settled: seeds from 100 (none shared with the screen's
  /// seed 0), at least twice the scale's seeds (10 by default; quick: the scale's 3), at most
  /// `--max-seeds` (default 20; quick: the minimum).
  var pendingPlan: SeedPlan {
    SeedPlan(scale: scale, minimum: scale.quick ? scale.seeds : 2 * scale.seeds, budget: 20, quickExtra: 0)
  }

  /// The confirmation's seed count, fixed from the claims on its pilot seeds once every screen has chosen
  /// and every optimizer's pilot runs have settled (`SeedPlan`).
  public var seedPlan: SeedPlan {
    let plan = pendingPlan
    var runs: [String: [Sweep.Run]] = [:]
    for optimizer in Self.compared {
      guard let lr = screen(optimizer).chosen else { return plan }
      runs[optimizer] = plan.pilotSeeds.map { confirmationRun(optimizer, lr, seed: $0) }
      guard runs[optimizer]!.allSatisfy(Sweep.isSettled) else { return plan }
    }
    return plan.fixed(by: claims(Self.confirmationMeasures(runs)))
  }

  /// Fresh seeds for the confirmation, by the seed plan.
  var confirmationSeeds: [Int] { seedPlan.confirmationSeeds }

  func base(steps: Int) -> TrainingConfig {
    var base = preset("fashion-dcgan")
    base.steps = steps
    base.logEvery = scale.quick ? 10 : 50
    base.sampleEvery = steps
    base.checkpointEvery = scale.quick ? steps : 500
    if scale.quick {
      base.width = 16
      base.batchSize = 32
      base.dataLimit = 2000
    }
    return base
  }

  /// Sets both players' optimizer and rate; nSGDA-layers also gets Adam's per-layer steps.
  func setOptimizer(_ optimizer: String, _ lr: Double, in config: inout TrainingConfig) {
    if optimizer == Self.layerwise {
      // Listed only once the steps exist (`screen(_:)`), so they are there.
      let steps = adamLayerSteps()!
      config.setOptimizer(.nsgda)
      config.generatorLayerScales = steps.generator
      config.discriminatorLayerScales = steps.discriminator
    } else {
      config.setOptimizer(arm: optimizer)
    }
    config.setLearningRate(lr)
  }

  /// Each parameter group's settled update norm under Adam, as layer scales of the generator and the
  /// discriminator (4 significant digits, so that the config reads well and is the same at every
  /// reading); nil until Adam's screen has chosen a rate whose run logged update norms.
  func adamLayerSteps() -> (generator: LayerScales, discriminator: LayerScales)? {
    guard let lr = screen("adam").chosen,
      let text = try? String(contentsOf: RunDirectory(screenRun("adam", lr).directory).metrics, encoding: .utf8)
    else { return nil }
    let log = MetricsLog(text: text)
    guard let g = LayerScaleDerivation(log: log, player: .generator),
      let d = LayerScaleDerivation(log: log, player: .discriminator)
    else { return nil }
    func steps(_ derived: LayerScaleDerivation) -> LayerScales {
      LayerScales(derived.scales.map { ($0.name, Double(String(format: "%.4g", $0.scale * derived.referenceRate))!) })
    }
    return (steps(g), steps(d))
  }

  func screenRun(_ optimizer: String, _ lr: Double) -> Sweep.Run {
    var config = base(steps: screenSteps)
    config.evaluateEvery = screenEvaluateEvery
    config.evaluationSamples = screenSamples
    setOptimizer(optimizer, lr, in: &config)
    config.seed = 0
    return makeRun(
      "screen-\(optimizer)-lr\(lr)", config,
      labels: [.stage: RunStage.screen.rawValue, .optimizer: optimizer, .learningRate: "\(lr)", .seed: "0"])
  }

  func confirmationRun(_ optimizer: String, _ lr: Double, seed: Int) -> Sweep.Run {
    var config = base(steps: confirmationSteps)
    config.evaluateEvery = confirmationSteps
    config.evaluationSamples = confirmationSamples
    setOptimizer(optimizer, lr, in: &config)
    config.seed = UInt64(seed)
    return makeRun(
      "confirm-\(optimizer)-lr\(lr)-seed\(seed)", config,
      labels: [
        .stage: RunStage.confirmation.rawValue, .optimizer: optimizer, .learningRate: "\(lr)", .seed: "\(seed)",
      ])
  }

  /// The confirmation runs that finished (have a summary) but have no Inception metrics for their last
  /// step in eval.json: what `graft reproduce` measures with `graft evaluate --inception` when the weights
  /// are at hand.
  public var confirmationRunsWithoutInception: [Sweep.Run] {
    runs.filter {
      $0.isIn(.confirmation) && Sweep.summary($0) != nil && Self.reevaluation($0)?.inception == nil
    }
  }

  /// The final evaluation of a run (at its last step), if it has one: its re-measurement by `graft evaluate`
  /// (eval.json, the same checkpoint and samples measured by the current code) when there is one for the
  /// last step, else the evaluation logged in training.
  static func finalEvaluation(_ run: Sweep.Run) -> [String: Double]? {
    func values(_ measures: [Measure]) -> [String: Double] {
      Dictionary(measures.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
    if let measured = reevaluation(run) { return values(measured.evaluation.measures) }
    guard let text = try? String(contentsOf: RunDirectory(run.directory).metrics, encoding: .utf8),
      let last = MetricsLog(text: text).evaluations.last, last.step == run.config.steps
    else { return nil }
    return values(last.measures)
  }

  /// The run's eval.json when `graft evaluate` wrote it for the run's last step.
  static func reevaluation(_ run: Sweep.Run) -> EvaluationFile? {
    guard let measured = (try? RunDirectory(run.directory).readEvaluation()) ?? nil,
      measured.step == run.config.steps
    else { return nil }
    return measured
  }

  /// A screen run's score: −(final FID); nil while it has not settled; −∞ when it failed or has no
  /// finite final FID (a diverged run ranks below every finished one).
  static func score(_ run: Sweep.Run) -> Double? {
    guard Sweep.isSettled(run) else { return nil }
    guard let fid = finalEvaluation(run)?[Self.fidKey], fid.isFinite else { return -.infinity }
    return -fid
  }

  /// Where `optimizer`'s screen stands, from its runs' directories.
  public func screen(_ optimizer: String) -> RateSearch.State {
    if optimizer == Self.layerwise && adamLayerSteps() == nil {
      return RateSearch.State(rates: [], chosen: nil, chosenAtEdge: false)
    }
    return search(optimizer).resolve { Self.score(screenRun(optimizer, $0)) }
  }

  public var runs: [Sweep.Run] {
    let states = Self.optimizers.map { ($0, screen($0)) }
    let layerwise = screen(Self.layerwise)
    var runs = (states + [(Self.layerwise, layerwise)]).flatMap { optimizer, state in
      state.rates.map { screenRun(optimizer, $0) }
    }
    // The confirmation starts once the five screens have chosen, seed by seed over all optimizers, so that
    // a protocol stopped part-way leaves complete seeds (the factorial pairs the four optimizers by seed);
    // nSGDA-layers joins each seed once its own screen (which waits for Adam's) has chosen.
    guard states.allSatisfy({ $0.1.chosen != nil }) else { return runs }
    for seed in seedPlan.confirmationSeeds {
      for (optimizer, state) in states + [(Self.layerwise, layerwise)] {
        if let lr = state.chosen { runs.append(confirmationRun(optimizer, lr, seed: seed)) }
      }
    }
    return runs
  }

  /// FID in the classifier's features: what the screen ranks by and the claims rest on.
  static let fidKey = ImageMetrics.SpaceMetric.fid.key(in: .classifier)
  /// The metrics the confirmation's tables show in each feature space (KID's spread across subsets is left out).
  static let shownMetrics: [ImageMetrics.SpaceMetric] = [.fid, .kid, .precision, .recall]
  /// The eval keys the confirmation reports, each with the range of its values (precision and recall are
  /// shares, classes covered counts 10 classes; nil for FID and KID), which chooses its interval
  /// (`SeedStatistics.bounds`).
  static let measuredKeys: [(key: String, bounds: ClosedRange<Double>?)] =
    ImageMetrics.FeatureSpace.allCases.flatMap { space in shownMetrics.map { ($0.key(in: space), $0.bounds) } }
    + [(ImageMetrics.classesCoveredKey, 0...10)]

  /// Each optimizer's measures (`measuredKeys`, as "optimizer/key") over its settled confirmation runs
  /// whose final FID is finite; a failed run has no value and is left out.
  static func confirmationMeasures(_ confirmation: [String: [Sweep.Run]]) -> [String: SeedStatistics] {
    var measures: [String: SeedStatistics] = [:]
    for (optimizer, runs) in confirmation {
      var values: [String: [String: Double]] = [:]
      for run in runs {
        guard let last = finalEvaluation(run), let fid = last[fidKey], fid.isFinite else { continue }
        for (key, _) in measuredKeys {
          if let v = last[key], v.isFinite { values[key, default: [:]][run.seedKey] = v }
        }
      }
      for (key, bounds) in measuredKeys {
        if let bySeed = values[key] { measures["\(optimizer)/\(key)"] = SeedStatistics(bySeed: bySeed, bounds: bounds) }
      }
    }
    return measures
  }

  /// Batch norm's two sampling modes side by side (issue 16, item 2): FID, recall and classes covered with
  /// the generator's running statistics (eval mode, what every table uses) and with each batch's statistics
  /// (training mode), per optimizer over the confirmation runs that `graft evaluate` measured in both.
  func batchNormModes(_ confirmation: [String: [Sweep.Run]]) -> String {
    let shown =
      [ImageMetrics.SpaceMetric.fid, .recall].map { ($0.key(in: .classifier), $0.label, $0.digits) } + [
        (ImageMetrics.classesCoveredKey, "classes covered", 1)
      ]
    var table = MarkdownTable(
      ["optimizer", "measure", "eval mode", "training mode", "training − eval (paired by seed)"])
    for optimizer in Self.compared {
      var evalMode: [String: [String: Double]] = [:]
      var trainMode: [String: [String: Double]] = [:]
      for run in confirmation[optimizer] ?? [] {
        guard let measured = Self.reevaluation(run) else { continue }
        let seed = run.seedKey
        let (eval, train) = (measured.evaluation.numbers, measured.batchNormTrainMode?.numbers ?? [:])
        for (key, _, _) in shown {
          if let v = eval[key], v.isFinite, let w = train[key], w.isFinite {
            evalMode[key, default: [:]][seed] = v
            trainMode[key, default: [:]][seed] = w
          }
        }
      }
      for (key, label, digits) in shown {
        guard let e = evalMode[key], let t = trainMode[key] else { continue }
        let (a, b) = (SeedStatistics(bySeed: e), SeedStatistics(bySeed: t))
        table.add(
          optimizer, label, a.formatted(digits: digits), b.formatted(digits: digits),
          b.minus(a).formatted(digits: digits))
      }
    }
    guard !table.rows.isEmpty else { return "" }
    return
      "Batch norm when sampling (post-ReLU features, \(confirmationSamples) samples, from `graft evaluate`): with "
      + "the running statistics (eval mode, what every other table uses) and with each batch's statistics "
      + "(training mode, as a GAN's generator is often sampled); mean ± 95% interval half-width, per-seed values:\n\n"
      + table.markdown + "\n"
  }

  /// The Inception metrics (pytorch-fid's network, as papers report them) per optimizer over the
  /// confirmation runs whose eval.json has them (`graft evaluate RUN --inception`, which `graft reproduce`
  /// runs when the weights are at hand): the Markdown section (empty when no run has them) and the
  /// measures, as "optimizer/inception/key".
  func inceptionSection(
    _ confirmation: [String: [Sweep.Run]]
  ) -> (markdown: String, measures: [String: SeedStatistics]) {
    var declared: [String] = []  // The scores' keys, in the order InceptionMetrics declares them.
    var labels: [String: Measure] = [:]
    var measures: [String: SeedStatistics] = [:]
    var rows: [(optimizer: String, count: Int, samples: Set<Int>)] = []
    for optimizer in Self.compared {
      var values: [String: [String: Double]] = [:]
      var samples: Set<Int> = []
      var count = 0
      for run in confirmation[optimizer] ?? [] {
        guard let inception = Self.reevaluation(run)?.inception else { continue }
        count += 1
        samples.insert(inception.sampleCount)
        declared = inception.scores.map(\.key)
        for measure in inception.scores where measure.value.isFinite {
          labels[measure.key] = measure
          values[measure.key, default: [:]][run.seedKey] = measure.value
        }
      }
      guard count > 0 else { continue }
      rows.append((optimizer, count, samples))
      for (key, bySeed) in values {
        measures["\(optimizer)/inception/\(key)"] = SeedStatistics(bySeed: bySeed, bounds: labels[key]?.bounds)
      }
    }
    guard !rows.isEmpty else { return ("", [:]) }
    let keys = declared.filter { labels[$0] != nil }
    var table = MarkdownTable(["optimizer", "runs measured"] + keys.map { labels[$0]!.label })
    for row in rows {
      table.add(
        [row.optimizer, "\(row.count) of \(confirmation[row.optimizer]?.count ?? 0)"]
          + keys.map { measures["\(row.optimizer)/inception/\($0)"]?.formatted(digits: labels[$0]!.digits) ?? "–" })
    }
    let sampleCounts = Set(rows.flatMap(\.samples)).sorted().map(String.init).joined(separator: ", ")
    let markdown =
      "### In Inception features (pytorch-fid's network, as papers report FID)\n\n"
      + "Confirmation runs measured by `graft evaluate RUN --inception` (\(sampleCounts) samples against as many "
      + "test images, resized to 299x299 as pytorch-fid does; Inception Score over 10 splits). Numbers from so few "
      + "samples run higher than the 10,000–50,000-sample FIDs papers print, so compare them with each other, not "
      + "with a paper's. Mean ± 95% interval half-width, then the per-seed values:\n\n" + table.markdown + "\n"
    return (markdown, measures)
  }

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    var md = ""
    var measures: [String: SeedStatistics] = [:]
    var figures: [String: String] = [:]
    var highlighted: [String] = []
    let states = Dictionary(uniqueKeysWithValues: Self.compared.map { ($0, screen($0)) })

    // The screen.
    md +=
      "### Fashion-MNIST DCGAN (32x32): learning-rate screen, \(screenSteps) steps, one seed (seed 0)\n\n"
    md +=
      "A one-seed screen that decides only each optimizer's learning rate, never which optimizer is better: "
      + "each rate's final FID (\(screenSamples) samples; lower is better; a failed run ranks last), the "
      + "lowest chosen (in **bold**). Rates on a half-decade lattice; while the best rate sat at an edge of the "
      + "grid, the grid was widened one rate past it (at most \(search("adam").maxExtensions) time(s)).\n\n"
    var screenTable = MarkdownTable(["optimizer", "final FID by learning rate (seed 0)", "chosen rate"])
    var screenCurves: [RunRecord] = []
    for optimizer in Self.compared {
      let state = states[optimizer]!
      let cells = state.rates.map { lr -> String in
        let run = screenRun(optimizer, lr)
        let text: String
        switch Self.score(run) {
        case nil: text = "pending"
        case let s? where s.isFinite: text = format(-s, 1)
        default: text = "failed"
        }
        return lr == state.chosen ? "**\(lr): \(text)**" : "\(lr): \(text)"
      }
      var chosen = state.chosen.map { "\($0)" } ?? "not yet"
      if state.chosenAtEdge { chosen += " (still at the grid's edge after the extension budget)" }
      screenTable.add(optimizer, cells.joined(separator: ", "), chosen)
      if let lr = state.chosen, var record = try? RunRecord.load(screenRun(optimizer, lr).directory) {
        record.name = "\(optimizer) (lr \(lr))"
        screenCurves.append(record)
      }
    }
    md += screenTable.markdown
    if let fid = screenCurves.lazy.flatMap(\.metrics.evaluationMeasures).first(where: { $0.key == Self.fidKey }) {
      figures["fid-over-steps.svg"] = RunPlots.evaluation(fid, of: screenCurves).render()
      md += "\n![FID over steps, screen runs at the chosen rates (seed 0)](fid-over-steps.svg)\n\n"
    } else {
      md += "\n"
    }

    // The confirmation.
    let plan = seedPlan
    let seedList = plan.confirmationSeeds.map(String.init).joined(separator: ", ")
    md +=
      "### Confirmation: each optimizer at its chosen rate, \(confirmationSteps) steps, seeds \(seedList), "
      + "evaluated at the end on \(confirmationSamples) samples\n\n"
    md +=
      "Each cell: the mean over the seeds whose run finished with its 95% interval — mean ± half-width of the "
      + "Student-t interval for FID and KID, the BCa bootstrap interval in brackets for the bounded measures "
      + "(precision, recall, classes covered) — then the per-seed values in seed order; a failed run has no "
      + "value and is left out (counted in \"failed\").\n\n"
    md += plan.markdown
    var confirmation: [String: [Sweep.Run]] = [:]
    for optimizer in Self.compared {
      let runs = sweep.runs.filter { $0.isIn(.confirmation) && $0.labels[.optimizer] == optimizer }
      confirmation[optimizer] = runs
      highlighted += runs.prefix(1).map(\.directory.path)
    }
    measures.merge(Self.confirmationMeasures(confirmation)) { $1 }
    func measure(_ optimizer: String, _ key: String) -> SeedStatistics {
      measures["\(optimizer)/\(key)"] ?? SeedStatistics([])
    }
    for space in ImageMetrics.FeatureSpace.allCases {
      md += "In \(space.summary) (\(space.shortName)):\n\n"
      let first = space == .classifier
      let extra = first ? ["classes covered", "failed", "samples (first seed)"] : []
      var table = MarkdownTable(["optimizer", "lr"] + Self.shownMetrics.map(\.label) + extra)
      for optimizer in Self.compared {
        let runs = confirmation[optimizer] ?? []
        var row = [optimizer, states[optimizer]!.chosen.map { "\($0)" } ?? "–"]
        for metric in Self.shownMetrics {
          row.append(measure(optimizer, metric.key(in: space)).formatted(digits: metric.digits))
        }
        if first {
          let settled = runs.filter(Sweep.isSettled)
          let failed = settled.filter { Self.finalEvaluation($0)?[Self.fidKey]?.isFinite != true }
          let pending = runs.count - settled.count
          let grid =
            runs.first.map {
              "[grid](\($0.name)/samples/step-\(String(format: "%06d", confirmationSteps)).png)"
            } ?? ""
          row += [
            measure(optimizer, ImageMetrics.classesCoveredKey).formatted(digits: 1),
            "\(failed.count) of \(settled.count)\(pending > 0 ? " (\(pending) pending)" : "")", grid,
          ]
        }
        table.add(row)
      }
      md += table.markdown + "\n"
    }

    // Re-measured runs, and batch norm in training mode (both from `graft evaluate`'s eval.json).
    let allConfirmation = Self.compared.flatMap { confirmation[$0] ?? [] }
    let remeasured = allConfirmation.filter { Self.reevaluation($0) != nil }
    if !remeasured.isEmpty {
      md +=
        "\(remeasured.count) of the \(allConfirmation.count) confirmation runs were measured again after training by "
        + "`graft evaluate RUN` (their `eval.json`: the final checkpoint, the same samples, the current "
        + "metrics code), which the tables use in place of the evaluation logged in training.\n\n"
      md += batchNormModes(confirmation)
    }
    let inception = inceptionSection(confirmation)
    md += inception.markdown
    measures.merge(inception.measures) { $1 }

    // Magnitude source × direction source.
    func factorial(_ key: String, lowerIsBetter: Bool) -> MagnitudeDirectionFactorial {
      MagnitudeDirectionFactorial(
        adam: measure("adam", key), adaNSGDA: measure("ada-nsgda", key), sgdaAda: measure("sgda-ada", key),
        sgda: measure("sgda", key), lowerIsBetter: lowerIsBetter)
    }
    md += "### Magnitude source × direction source (confirmation runs, paired by seed)\n\n"
    md +=
      "Adam = (Adam's magnitude, Adam's direction), Ada_nSGDA = (Adam's, SGD's), SGDA_Ada = (SGD's, Adam's), "
      + "SGDA = (SGD's, SGD's). Per seed, the effect of Adam's magnitude is ½[(SGDA_Ada − Adam) + (SGDA − "
      + "Ada_nSGDA)], of Adam's direction ½[(Ada_nSGDA − Adam) + (SGDA − SGDA_Ada)], and the interaction "
      + "½[(SGDA − SGDA_Ada) − (Ada_nSGDA − Adam)], in FID and KID; with the opposite sign in precision and "
      + "recall, so that **positive always means Adam's component improves the measure**. Mean ± 95% interval "
      + "half-width, then the per-seed values; a seed with a failed run among the four is left out.\n\n"
    var effects = MarkdownTable(["measure", "Adam's magnitude", "Adam's direction", "interaction"])
    for space in ImageMetrics.FeatureSpace.allCases {
      for metric in Self.shownMetrics {
        let f = factorial(metric.key(in: space), lowerIsBetter: metric.lowerIsBetter)
        effects.add(
          "\(metric.label) (\(space.shortName))", f.magnitude.formatted(digits: metric.digits),
          f.direction.formatted(digits: metric.digits), f.interaction.formatted(digits: metric.digits))
      }
    }
    md += effects.markdown + "\n"

    // Ranking agreement across feature spaces, over the five optimizers of the paper's comparison.
    var rankingValues: [String: [String: SeedStatistics]] = [:]
    var rankingMeasures: [String] = []
    for metric in [ImageMetrics.SpaceMetric.fid, .kid] {
      for space in ImageMetrics.FeatureSpace.allCases {
        let name = "\(metric.label) (\(space.shortName))"
        rankingMeasures.append(name)
        rankingValues[name] = Dictionary(
          uniqueKeysWithValues: Self.optimizers.map { ($0, measure($0, metric.key(in: space))) })
      }
    }
    let agreement = RankingAgreement(measures: rankingMeasures, optimizers: Self.optimizers, values: rankingValues)
    md += "### Do the feature spaces rank the optimizers alike? (confirmation runs)\n\n"
    var rankings = MarkdownTable(["measure", "optimizers by mean, best first"])
    for name in rankingMeasures {
      rankings.add(name, (agreement.rankings[name] ?? []).joined(separator: " < "))
    }
    md += rankings.markdown
    md += "\nKendall's τ between the rankings (1: the same order, −1: reversed):\n\n"
    var tauTable = MarkdownTable([""] + rankingMeasures.dropFirst())
    for (i, a) in rankingMeasures.dropLast().enumerated() {
      tauTable.add(
        [a]
          + rankingMeasures.enumerated().dropFirst().map { j, b in
            j > i ? format(agreement.tau["\(a) vs \(b)"] ?? .nan, 2) : ""
          })
    }
    md += tauTable.markdown
    md +=
      "\nPairs of optimizers separated in some measure (the 95% interval of their paired difference excludes 0):\n\n"
    if agreement.separations.isEmpty { md += "- none\n" }
    for s in agreement.separations {
      md +=
        "- \(s.better) below \(s.worse) in \(s.agreeing.joined(separator: ", "))"
        + (s.contradicting.isEmpty
          ? "; no measure separates them the other way\n"
          : "; **reversed** in \(s.contradicting.joined(separator: ", "))\n")
    }
    md += "\nThe ranking agrees across feature spaces: **\(agreement.verdict.rawValue)**.\n"

    // Claims, on the confirmation seeds.
    let sgdaMinusAdam = measure("sgda", Self.fidKey).minus(measure("adam", Self.fidKey))
    // The first separated pair in the first measure that separates it (else SGDA − Adam in FID).
    let separated =
      agreement.separations.first.flatMap { s in
        s.agreeing.first.map { name -> String in
          let values = rankingValues[name] ?? [:]
          let difference = (values[s.better] ?? SeedStatistics([])).minus(values[s.worse] ?? SeedStatistics([]))
          return evidence("; e.g. \(name) \(s.better) − \(s.worse)", difference, digits: name.hasPrefix("FID") ? 1 : 3)
        }
      } ?? "; " + evidence("FID SGDA − Adam", sgdaMinusAdam)
    let reversed = agreement.separations.filter { !$0.contradicting.isEmpty }.count
    let taus = agreement.tau.values.filter(\.isFinite)
    let tauRange = "\(format(taus.min() ?? .nan, 2)) to \(format(taus.max() ?? .nan, 2))"
    let rankingEvidence: String =
      "\(agreement.separations.count) pair(s) separated, \(reversed) of them reversed in some measure; "
      + "Kendall's τ from \(tauRange)" + separated
    let checks =
      claims(measures).map(\.check) + [
        ClaimCheck(
          claim: "The optimizers' ranking agrees across feature spaces (FID and KID in three spaces)",
          evidence: rankingEvidence,
          rule: "held when some pair of optimizers is separated (the 95% interval of their paired difference "
            + "excludes 0) in some measure and no pair is separated the other way in another, not held when one "
            + "is, inconclusive when no pair is separated",
          verdict: agreement.verdict)
      ]
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks, highlightedRuns: highlighted, seedPlan: plan, figures: figures,
      measures: measures)
  }

  /// The paper's claims on Fashion-MNIST from the confirmation's measures ("optimizer/key").
  func claims(_ measures: [String: SeedStatistics]) -> [Claim] {
    func factorial(_ key: String, lowerIsBetter: Bool) -> MagnitudeDirectionFactorial {
      func measure(_ optimizer: String) -> SeedStatistics { measures["\(optimizer)/\(key)"] ?? SeedStatistics([]) }
      return MagnitudeDirectionFactorial(
        adam: measure("adam"), adaNSGDA: measure("ada-nsgda"), sgdaAda: measure("sgda-ada"), sgda: measure("sgda"),
        lowerIsBetter: lowerIsBetter)
    }
    func fid(_ name: String) -> SeedStatistics { measures["\(name)/\(Self.fidKey)"] ?? SeedStatistics([]) }
    let (adam, sgda, adaN, sgdaAda, nsgda) = (fid("adam"), fid("sgda"), fid("ada-nsgda"), fid("sgda-ada"), fid("nsgda"))
    let nsgdaLayers = fid(Self.layerwise)
    let effects = factorial(Self.fidKey, lowerIsBetter: true)
    let recallEffects = factorial(ImageMetrics.SpaceMetric.recall.key(in: .classifier), lowerIsBetter: false)
    let precisionEffects = factorial(ImageMetrics.SpaceMetric.precision.key(in: .classifier), lowerIsBetter: false)
    let sgdaMinusAdam = sgda.minus(adam)  // = magnitude effect + direction effect, per seed
    return [
      Claim(
        claim: "Ada_nSGDA matches Adam (FID at most 25% above Adam's)",
        parts: [
          ClaimPart(
            what: "FID ratio Ada_nSGDA / Adam (paired by seed)", statistics: adaN.ratio(to: adam),
            criterion: .atMost(1.25),
            digits: 2)
        ],
        context: "FID Ada_nSGDA \(adaN.formatted()), Adam \(adam.formatted())"),
      Claim(
        claim: "Adam is ahead of SGDA and SGDA_Ada (lower FID)",
        parts: [
          ClaimPart(what: "FID SGDA − Adam (paired by seed)", statistics: sgdaMinusAdam, criterion: .positive),
          ClaimPart(what: "SGDA_Ada − Adam (paired by seed)", statistics: sgdaAda.minus(adam), criterion: .positive),
        ],
        context: "FID Adam \(adam.formatted()), SGDA \(sgda.formatted()), SGDA_Ada \(sgdaAda.formatted())"),
      Claim(
        claim: "nSGDA approaches Adam (FID at most 50% above Adam's) and beats SGDA",
        parts: [
          ClaimPart(what: "FID SGDA − nSGDA (paired by seed)", statistics: sgda.minus(nsgda), criterion: .positive),
          ClaimPart(
            what: "FID ratio nSGDA / Adam (paired by seed)", statistics: nsgda.ratio(to: adam), criterion: .atMost(1.5),
            digits: 2),
        ],
        context: "FID nSGDA \(nsgda.formatted()), Adam \(adam.formatted()), SGDA \(sgda.formatted())"),
      Claim(
        claim:
          "nSGDA with Adam's per-layer steps (nsgda-layers) approaches Adam (FID at most 50% above Adam's) and beats SGDA",
        parts: [
          ClaimPart(
            what: "FID SGDA − nSGDA-layers (paired by seed)", statistics: sgda.minus(nsgdaLayers), criterion: .positive),
          ClaimPart(
            what: "FID ratio nSGDA-layers / Adam (paired by seed)", statistics: nsgdaLayers.ratio(to: adam),
            criterion: .atMost(1.5), digits: 2),
        ],
        context: "FID nSGDA-layers \(nsgdaLayers.formatted()), Adam \(adam.formatted()), SGDA \(sgda.formatted())"),
      Claim(
        claim: "Adam's magnitude improves FID (averaged over both directions)",
        parts: [
          ClaimPart(
            what: "the magnitude effect ½[(SGDA_Ada − Adam) + (SGDA − Ada_nSGDA)] in FID (paired by seed)",
            statistics: effects.magnitude, criterion: .positive)
        ],
        context: evidence("in recall", recallEffects.magnitude, digits: 3) + "; "
          + evidence("in precision", precisionEffects.magnitude, digits: 3)),
      Claim(
        claim: "Adam's direction matters less than its magnitude (magnitude effect > |direction effect| in FID)",
        parts: [
          ClaimPart(
            what: "magnitude − direction effect (= FID SGDA_Ada − Ada_nSGDA, paired by seed)",
            statistics: effects.magnitudeOverDirection, criterion: .positive),
          ClaimPart(
            what: "magnitude + direction effect (= FID SGDA − Adam, paired by seed)", statistics: sgdaMinusAdam,
            criterion: .positive),
        ],
        context: evidence("direction effect", effects.direction) + "; "
          + evidence("in recall", recallEffects.direction, digits: 3) + "; "
          + evidence("in precision", precisionEffects.direction, digits: 3)
          + " (together the two parts say: the magnitude effect exceeds the direction effect's absolute value)"),
    ]
  }
}
