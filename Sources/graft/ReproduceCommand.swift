import ArgumentParser
import Foundation
import GraftEval
import GraftExperiments
import GraftGAN
import GraftReport
import GraftStatistics
import GraftSweep

/// `graft reproduce NAME`: the paper's experiments measured on this machine.
struct ReproduceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reproduce",
    abstract:
      "Run the paper's experiments end to end: theory, mog, grafting-matrix, grafting, magnitudes, all "
      + "(--quick: a few minutes in total)."
  )

  @Argument(
    help:
      "Experiment: theory, mog, grafting-matrix, grafting, magnitudes, all; or theory-family, or dissect (graft dissect over 40 seeds)."
  )
  var name: String
  @Flag(help: "The small version (CI smoke test).") var quick = false
  @Option(help: "Seeds per configuration.") var seeds: Int?
  @Option(
    help:
      "Most confirmation seeds an experiment with a seed plan (mog, grafting-matrix, grafting) may run, never fewer than its minimum; its pilot's power analysis asks for the rest (default: mog 40, grafting-matrix 20, grafting 20)."
  ) var maxSeeds: Int?
  @Option(help: "Output directory.") var out: String = "runs/reproduce"
  @Option(
    help: ArgumentHelp(
      "Synthetic model variants, comma-separated: theory runs one (default \(TheoryVariant.default.name)), "
        + "theory-family these (default all). Known: \(TheoryVariant.all.map(\.name).joined(separator: ", ")).",
      valueName: "names"))
  var variant: String?
  @Option(
    help:
      "pytorch-fid's Inception weights for the grafting protocol: each finished confirmation run is measured by `graft evaluate --inception` and the results gain a table in Inception features. Without it, the weights are used when already in the cache (see `graft evaluate --inception`)."
  ) var inceptionWeights: String?
  @Flag(help: "As --inception-weights, with the weights from the cache, downloaded there once when missing.")
  var inception = false
  @Option(help: "Samples per run for the Inception metrics (default 1000; quick: 50).") var inceptionSamples: Int?
  @OptionGroup var runner: RunnerOptions

  func validate() throws {
    guard name == "all" || Experiments.named(name) != nil else {
      throw ValidationError(
        "unknown experiment '\(name)'. Valid: \((Experiments.names + ["all"] + Experiments.byNameOnly.map { $0.name }).joined(separator: ", "))"
      )
    }
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    if let maxSeeds, maxSeeds < 2 { throw ValidationError("--max-seeds must be at least 2, got \(maxSeeds)") }
    if let inceptionSamples, inceptionSamples < 2 {
      throw ValidationError("--inception-samples must be at least 2, got \(inceptionSamples)")
    }
    if variant != nil {
      guard name == TheoryExperiment.name || name == TheoryFamilyExperiment.name else {
        throw ValidationError("--variant applies to theory and theory-family only, not \(name): drop it")
      }
      let names = try variants()
      if name == TheoryExperiment.name && names.count != 1 {
        throw ValidationError("theory runs one variant, got \(names.count): give one name, or use theory-family")
      }
    }
  }

  /// The variants `--variant` names, in its order.
  private func variants() throws -> [TheoryVariant] {
    try (variant ?? "").split(separator: ",").map { part in
      let name = part.trimmingCharacters(in: .whitespaces)
      guard let v = TheoryVariant.named(name) else {
        throw ValidationError(
          "unknown variant '\(name)'. Valid: \(TheoryVariant.all.map(\.name).joined(separator: ", "))")
      }
      return v
    }
  }

  /// pytorch-fid's weights for the Inception metrics: the path given, else the cache's copy (downloaded
  /// into it when `--inception` asks), else nil: the protocol then goes without them.
  private func inceptionWeightsAtHand() throws -> URL? {
    if let inceptionWeights { return URL(fileURLWithPath: inceptionWeights) }
    if inception {
      return try InceptionWeights.locate { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    }
    return InceptionWeights.cached()
  }

  /// The experiment `type` in `directory`, with the variants `--variant` names.
  private func make(_ type: any Experiment.Type, _ directory: URL, _ scale: ExperimentScale) throws -> any Experiment {
    guard variant != nil else { return type.init(root: directory, scale: scale) }
    if type == TheoryExperiment.self {
      return TheoryExperiment(root: directory, scale: scale, variant: try variants()[0])
    }
    if type == TheoryFamilyExperiment.self {
      return TheoryFamilyExperiment(root: directory, scale: scale, variants: try variants())
    }
    return type.init(root: directory, scale: scale)
  }

  func run() throws {
    let scale = ExperimentScale(quick: quick, seeds: seeds, maxSeeds: maxSeeds)
    let executor = runner.makeExecutor()
    let root = URL(fileURLWithPath: out)
    let experiments = name == "all" ? Experiments.all : Experiments.named(name).map { [$0] } ?? []
    var results: [ExperimentResult] = []
    for experiment in experiments {
      let directory = root.appendingPathComponent(experiment.name)
      print("reproduce: \(experiment.name) (\(quick ? "quick" : "full")) → \(directory.path)")
      let made = try make(experiment, directory, scale)
      var result = try runner.stoppable("reproduce") { try made.run(on: executor) }
      if let grafting = made as? GraftingExperiment, case let pending = grafting.confirmationRunsWithoutInception,
        !pending.isEmpty, let weights = try inceptionWeightsAtHand()
      {
        let samples = inceptionSamples ?? (quick ? 50 : 1000)
        for (index, run) in pending.enumerated() {
          print("reproduce: Inception metrics of \(run.name), \(samples) samples (\(index + 1) of \(pending.count))")
          _ = try writeEvaluation(of: run.directory, inception: (weights, samples))
        }
        // Every run has finished: this only summarizes again, now with the Inception table.
        result = try runner.stoppable("reproduce") { try made.run(on: executor) }
      }
      print(try ResultsFiles.write(result, to: directory))
      results.append(result)
    }
    for check in results.flatMap(\.checks) {
      print("reproduce: [\(check.verdict.rawValue)] \(check.claim): \(check.evidence) (\(check.basis))")
    }
    if name == "all" {
      let files = try ResultsFiles.writeCombined(results, to: root, quick: quick)
      print("reproduce: wrote \(files.markdown.path) and \(files.report.path)")
    }
  }
}
