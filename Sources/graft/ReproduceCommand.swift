import ArgumentParser
import Foundation
import GraftExperiments
import GraftGAN
import GraftReport
import GraftStatistics

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
  @OptionGroup var runner: RunnerOptions

  func validate() throws {
    guard name == "all" || Experiments.named(name) != nil else {
      throw ValidationError(
        "unknown experiment '\(name)'. Valid: \((Experiments.names + ["all"] + Experiments.byNameOnly.map { $0.name }).joined(separator: ", "))"
      )
    }
    if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1") }
    if let maxSeeds, maxSeeds < 2 { throw ValidationError("--max-seeds must be at least 2, got \(maxSeeds)") }
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
      let result = try runner.stoppable("reproduce") {
        try make(experiment, directory, scale).run(on: executor)
      }
      try write(result, to: directory)
      results.append(result)
    }
    for check in results.flatMap(\.checks) {
      print("reproduce: [\(check.verdict.rawValue)] \(check.claim): \(check.evidence) (\(check.basis))")
    }
    if name == "all" { try writeCombined(results, to: root) }
  }

  /// results.md with every experiment, and report.html: the claims with their evidence, then the
  /// report comparing the highlighted runs.
  private func writeCombined(_ results: [ExperimentResult], to root: URL) throws {
    var md = "# Graft: the paper's experiments on this machine (\(quick ? "quick" : "full") versions)\n\n"
    for r in results {
      let section =
        (try? String(
          contentsOf: root.appendingPathComponent(r.name).appendingPathComponent("results.md"), encoding: .utf8)) ?? ""
      // Links in an experiment's results.md are relative to its directory.
      md += section.replacingOccurrences(of: "](", with: "](\(r.name)/") + "\n"
    }
    try Data(md.utf8).write(to: root.appendingPathComponent("results.md"))
    var claims =
      "<section id=\"claims\">\n<h2>The paper's claims, measured</h2>\n<div class=\"scroll\"><table class=\"claims\">\n<thead><tr><th>experiment</th><th>claim</th><th>measured (95% intervals, per-seed values)</th><th>seeds, interval</th><th>verdict</th></tr></thead>\n<tbody>\n"
    for r in results {
      for c in r.checks {
        claims +=
          "<tr><td>\(r.name.xmlEscaped)</td><td>\(c.claim.xmlEscaped)</td><td>\(c.evidence.xmlEscaped)<br><small>Rule: \(c.rule.xmlEscaped)</small></td><td>\(c.basis.xmlEscaped)</td><td>\(Self.verdictHTML(c.verdict))</td></tr>\n"
      }
    }
    claims += "</tbody>\n</table></div>\n"
    for r in results {
      claims += "<h3>\(r.name.xmlEscaped)</h3>\n"
      for name in r.figures.keys.sorted() { claims += "<div class=\"scroll\">\(r.figures[name]!)</div>\n" }
      claims += "<pre style=\"white-space: pre-wrap\">\(r.markdown.xmlEscaped)</pre>\n"
    }
    claims += "</section>\n"
    let directories = results.flatMap(\.highlightedRuns).map { URL(fileURLWithPath: $0) }
      .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    var report = try HTMLReport.load(directories, title: "Graft: the paper's experiments")
    report.leadingSections = [claims]
    let file = root.appendingPathComponent("report.html")
    try Data(report.render().utf8).write(to: file)
    print("reproduce: wrote \(root.appendingPathComponent("results.md").path) and \(file.path)")
  }

  /// The verdict word, "not held" in bold (it is the one to look at).
  static func verdictMarkdown(_ verdict: Verdict) -> String {
    verdict == .notHeld ? "**not held**" : verdict.rawValue
  }

  static func verdictHTML(_ verdict: Verdict) -> String {
    verdict == .notHeld ? "<strong>not held</strong>" : verdict.rawValue
  }

  private func write(_ result: ExperimentResult, to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var md =
      "## \(result.name)\n\n" + result.markdown
      + "\n| claim | measured (95% intervals, per-seed values) | seeds, interval | verdict |\n|---|---|---|---|\n"
    for c in result.checks {
      md += "| \(c.claim) | \(c.evidence). Rule: \(c.rule). | \(c.basis) | \(Self.verdictMarkdown(c.verdict)) |\n"
    }
    try Data(md.utf8).write(to: directory.appendingPathComponent("results.md"))
    for (name, svg) in result.figures { try Data(svg.utf8).write(to: directory.appendingPathComponent(name)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(result).write(to: directory.appendingPathComponent("results.json"))
    print(md)
  }
}
