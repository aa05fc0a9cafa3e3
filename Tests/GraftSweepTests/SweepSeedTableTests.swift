import Foundation
import GraftGAN
import GraftOptimizers
import GraftRun
import GraftSweep
import GraftTestSupport
import Testing

/// `graft sweep`'s summary.md: runs that differ only in seed make one row over seeds.
@Suite struct SweepSeedTableTests {
  /// Writes a summary.json as a finished ring8 run would.
  func finish(_ run: Sweep.Run, modes: Int, share: Double, lossD: Double) throws {
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    let json = """
      {"status": "finished", "steps": 10, "wallSeconds": 1, "stepsPerSecond": 10, "discriminatorLoss": \(lossD),
       "generatorLoss": 0.5, "mixture": {"modesCovered": \(modes), "modeCount": 8, "highQualityShare": \(share),
       "klToUniform": 0.1, "counts": [1, 2, 3, 4, 5, 6, 7, 8]}}
      """
    try Data(json.utf8).write(to: run.directory.appendingPathComponent("summary.json"))
  }

  @Test func oneRowPerConfigurationWithIntervalsAndSeeds() throws {
    let root = temporaryDirectory("sweep")
    defer { try? FileManager.default.removeItem(at: root) }
    let sweep = Sweep.grid(
      root: root, optimizers: [.adam, .sgda], learningRates: [0.001], seeds: [0, 1, 2], base: TrainingConfig())
    #expect(sweep.seedGroups.map { $0.runs.count } == [3, 3])
    #expect(
      sweep.seedGroups.map { $0.labels } == [
        [.optimizer: "adam", .learningRate: "0.001"], [.optimizer: "sgda", .learningRate: "0.001"],
      ])
    // Adam: 7, 5, 8 modes; SGDA: seed 0 only (the others never finished).
    for (run, modes) in zip(sweep.runs.prefix(3), [7, 5, 8]) {
      try finish(run, modes: modes, share: 0.5, lossD: 1.25)
    }
    try finish(sweep.runs[3], modes: 1, share: 0.25, lossD: 1)
    let table = sweep.seedSummaryTable()
    let lines = table.split(separator: "\n").map(String.init)
    #expect(lines.count == 4)
    #expect(
      lines[0] == "| lr | optimizer | seeds | finished | loss D | loss G | modes covered | high-quality share (%) |")
    // Losses: Student t. Modes covered [7, 5, 8] (bounded, 0…8): the BCa bootstrap interval [5.0, 7.67]
    // (scipy.stats.bootstrap(method='BCa') gives the same), not t's 6.667 ± 3.795, which reaches 10.5 of 8.
    #expect(lines[2].hasPrefix("| 0.001 | adam | 0, 1, 2 | 3 of 3 | 1.250 ± 0.000 (n=3: 1.250, 1.250, 1.250) |"))
    #expect(lines[2].contains("| 6.7 [5.0, 7.7] (n=3: 7, 5, 8) | 50.0 [50.0, 50.0] (n=3: 50, 50, 50) |"))
    #expect(lines[3].hasPrefix("| 0.001 | sgda | 0, 1†, 2† | 1 of 3 | 1 (n=1: 1; no interval) |"))
    #expect(lines[3].contains("| 1 (n=1: 1; no interval) | 25 (n=1: 25; no interval) |"))
    let markdown = sweep.summaryMarkdown()
    #expect(markdown.contains("## Per configuration, over seeds") && markdown.contains("## Per run"))
    #expect(markdown.contains(sweep.summaryTable()))
  }
}
