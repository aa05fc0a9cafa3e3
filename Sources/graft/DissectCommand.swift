import ArgumentParser
import Foundation
import GraftData
import GraftEngine
import GraftExperiments
import GraftGAN
import GraftLayers
import GraftReport
import GraftRun
import GraftSweep
import Synchronization

/// `graft dissect`: the paper's experiment in miniature and Graft's demonstration. Adam, SGDA and the two
/// grafts of one onto the other train on ring8 side by side; the table says which of Adam's two parts,
/// magnitude or direction, covers the modes.
struct DissectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dissect",
    abstract: "Dissect Adam on ring8: Adam, SGDA, Ada_nSGDA and SGDA_Ada side by side (about 15 s on 2 cores).",
    discussion: """
      Adam's update is a magnitude times a direction. This trains the 2×2 square of magnitude source × direction \
      source on the 8-mode ring — Adam, SGDA, Ada_nSGDA (Adam's magnitude on SGD's direction) and SGDA_Ada \
      (SGD's magnitude on Adam's direction) — each at the rate the ring8 screen chose, and prints the modes \
      each covers with the magnitude and direction effects. DIR gets the four run directories, summary.json, \
      dissection.svg (the four generators' samples) and report.html. Finished runs in DIR are reused.
      """)

  @Option(help: "Random seed of all four runs.") var seed: UInt64 = 0
  @Option(help: "Output directory.") var out: String = "runs/dissect"
  @Option(help: "Runs at a time (default: one per core, at most 4).") var parallel: Int?

  func validate() throws {
    if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1, got \(parallel)") }
  }

  func run() throws {
    let root = URL(fileURLWithPath: out)
    let dissection = Dissection(root: root, seed: seed)
    let runs = dissection.runs
    let parallel = self.parallel ?? min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
    print(
      "graft dissect: Adam's update = magnitude × direction. Training the 2×2 square on ring8 (8 modes), seed \(seed), "
        + "\(Dissection.steps) steps each, \(parallel) at a time, into \(root.path)")
    let failures = try Self.execute(runs, root: root, parallel: parallel)
    let result = dissection.result()
    let summary = root.appendingPathComponent("summary.json")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(result).write(to: summary, options: .atomic)
    print("")
    print(result.text)
    print("")
    if !failures.isEmpty {
      print("graft dissect: \(failures.count) run(s) did not finish; their train.log says why")
    }
    let figure = root.appendingPathComponent("dissection.svg")
    let panels = try Self.figure(dissection, result)
    try Data(panels.render().utf8).write(to: figure, options: .atomic)
    print("figure:  \(figure.path)  (the four generators' samples on the ring)")
    let finished = runs.filter { Sweep.summary($0) != nil }.map(\.directory)
    if !finished.isEmpty {
      let report = root.appendingPathComponent("report.html")
      var html = try HTMLReport.load(finished, title: "graft dissect, seed \(seed)")
      html.leadingSections = [Self.section(result, panels)]
      try Data(html.render().utf8).write(to: report, options: .atomic)
      print("report:  \(report.path)")
    }
    print("summary: \(summary.path)")
    print(
      "next:    one GAN of your own: graft train (Adam on ring8, 8000 steps); graft train --optimizer ada-nsgda --lr 3e-4 "
        + "for the graft; graft train --help lists every setting")
  }

  /// Trains `runs`, `parallel` at a time, showing each run's progress; the failures.
  static func execute(_ runs: [Sweep.Run], root: URL, parallel: Int) throws -> [RunFailure] {
    let outcome = Mutex<Result<[RunFailure], any Error>?>(nil)
    var progress = DissectProgress(runs)
    let worker = Thread {
      let result = Result {
        try Sweep(root: root, runs: runs).execute(with: LocalProcessPool(parallel: parallel)) { _ in }
      }
      outcome.withLock { $0 = result }
    }
    worker.start()
    while outcome.withLock({ $0 == nil }) {
      progress.draw()
      Thread.sleep(forTimeInterval: 0.25)
    }
    progress.draw()
    return try outcome.withLock { $0! }.get()
  }

  /// The four panels: 1,000 samples of each finished generator (latents from a fixed seed) over 1,000
  /// points of the data.
  static func figure(_ dissection: Dissection, _ result: DissectionResult) throws -> SVGScatterPanels {
    var panels: [SVGScatterPanels.Panel] = []
    var centers: [[Float]] = []
    var standardDeviation: Float = 0
    var extent: Float = 2.5
    for run in dissection.runs {
      let name = run.labels[.optimizer]!
      let anatomy = DissectionResult.anatomy[name]!
      let parts = "magnitude: \(anatomy.magnitude) · direction: \(anatomy.direction)"
      guard let outcome = result.optimizers[name] else {
        panels.append(.init(title: anatomy.name, subtitles: [parts, "did not finish"], generated: []))
        continue
      }
      let trainer = try Trainer.load(run.directory)
      if case .mixture(let c, let s, let e) = trainer.reference { (centers, standardDeviation, extent) = (c, s, e) }
      var rng = RandomGenerator(seed: 1)
      let z = LatentSampler(trainer.config).sample(1000, generator: &rng)
      let samples = withLearningPhase(training: false) { withoutGradients { trainer.sampler(z) } }.scalars
      panels.append(
        .init(
          title: anatomy.name,
          subtitles: [
            parts,
            "\(outcome.modesCovered) of \(outcome.modeCount) modes covered · "
              + String(format: "%.0f%% high quality", 100 * outcome.highQualityShare),
          ],
          generated: stride(from: 0, to: samples.count - 1, by: 2).map {
            (Double(samples[$0]), Double(samples[$0 + 1]))
          }
        ))
    }
    var real: [(Double, Double)] = []
    if !centers.isEmpty {
      var rng = RandomGenerator(seed: 2)
      let points = GaussianMixture(name: "ring8", centers: centers, standardDeviation: standardDeviation).sample(
        1000, generator: &rng
      ).scalars
      real = stride(from: 0, to: points.count - 1, by: 2).map { (Double(points[$0]), Double(points[$0 + 1])) }
    }
    return SVGScatterPanels(
      title: "graft dissect, seed \(dissection.seed): ring8 after \(dissection.steps) steps — magnitude effect "
        + (result.magnitudeEffect.map(DissectionResult.signed) ?? "–") + ", direction effect "
        + (result.directionEffect.map(DissectionResult.signed) ?? "–") + " modes",
      panels: panels, real: real, extent: Double(extent))
  }

  /// The report's first section: the table, the sentence and the figure.
  static func section(_ result: DissectionResult, _ panels: SVGScatterPanels) -> String {
    """
    <section>
    <h2>The dissection</h2>
    <pre>\(result.table.xmlEscaped)</pre>
    <p>\(result.sentence.xmlEscaped)</p>
    <div class="chart">
    \(panels.render(standalone: false))</div>
    </section>

    """
  }
}

/// Each run's step, read from its metrics.jsonl: redrawn in place on a terminal, a line per finished run
/// otherwise.
struct DissectProgress {
  let runs: [Sweep.Run]
  let isTerminal = isatty(STDOUT_FILENO) != 0
  private var drawn = false
  private var reported: Set<String> = []

  init(_ runs: [Sweep.Run]) { self.runs = runs }

  /// The last logged step of `run` (0 before its first log line).
  func step(_ run: Sweep.Run) -> Int {
    let url = RunDirectory(run.directory).metrics
    guard let handle = try? FileHandle(forReadingFrom: url) else { return 0 }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
    let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    for line in tail.split(separator: "\n").reversed() {
      if let range = line.range(of: "\"step\":") {
        let digits = line[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
        if let step = Int(digits) { return step }
      }
    }
    return 0
  }

  mutating func draw() {
    let lines = runs.map { run -> (String, Bool) in
      let total = run.config.steps
      let done = Sweep.summary(run) != nil
      let failed = RunFailureRecord.read(run.directory) != nil
      let step = done ? total : step(run)
      let width = 24
      let filled = total > 0 ? min(width, width * step / total) : 0
      let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      let state = failed ? "failed" : done ? "done" : step > 0 ? "training" : "waiting"
      let name = run.labels[.optimizer] ?? run.name
      return (
        "  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(bar) \(step)/\(total)  \(state)", done || failed
      )
    }
    if isTerminal {
      var text = drawn ? "\u{1B}[\(lines.count)F" : ""
      text += lines.map { $0.0 + "\u{1B}[K\n" }.joined()
      FileHandle.standardOutput.write(Data(text.utf8))
      drawn = true
    } else {
      for (run, line) in zip(runs, lines) where line.1 && !reported.contains(run.name) {
        reported.insert(run.name)
        print(line.0)
      }
    }
  }
}
