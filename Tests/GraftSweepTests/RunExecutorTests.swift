import Foundation
import GraftGAN
import GraftGANTestSupport
import GraftOptimizers
import GraftRun
import GraftSweep
import GraftTestSupport
import Testing

/// The `graft` executable built next to the test bundle.
let graftBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("graft")

/// Log lines collected from the executor's worker threads.
final class LogLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  func append(_ line: String) {
    lock.lock()
    lines.append(line)
    lock.unlock()
  }
  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return lines
  }
}

/// The config part of a run directory's config.json, and whether the trainer wrote it (with provenance).
func savedConfig(_ directory: URL) throws -> (config: TrainingConfig, hasProvenance: Bool) {
  let data = try Data(contentsOf: directory.appendingPathComponent("config.json"))
  let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  return (try #require(try RunDirectory(directory).savedConfig()), object["provenance"] != nil)
}

/// Sweeps of tiny ring8 runs trained by `graft` processes through the local executor.
@Suite("Local process pool", .serialized)
struct LocalProcessPoolTests {
  var base: TrainingConfig {
    var c = smallConfig()
    c.steps = 20
    c.width = 16
    c.batchSize = 32
    return c
  }

  @Test func trainsEachConfigThenSkipsFinishedRuns() throws {
    let root = temporaryDirectory("pool")
    let sweep = Sweep.grid(
      root: root, optimizers: [.adam, .nsgda], learningRates: [0.002], seeds: [0, 3], base: base)
    #expect(sweep.runs.count == 4)
    let log = LogLines()
    let pool = LocalProcessPool(executable: graftBinary, parallel: 2)
    let failures = try sweep.execute(with: pool) { log.append($0) }
    #expect(failures.isEmpty, "\(failures.map { ($0.run.name, $0.status) })")
    #expect(log.all.contains { $0.contains("4 runs, 0 already finished, 4 to go, 2 at a time") })
    for run in sweep.runs {
      // What trained is the run's config: the trainer wrote it back, with provenance, unchanged.
      let saved = try savedConfig(run.directory)
      #expect(saved.config == run.config.scheduleResolved && saved.hasProvenance, "\(run.name)")
      let summary = try #require(Sweep.summary(run), "\(run.name)")
      #expect(summary.status == .finished && summary.steps == 20)
      let trainLog = try String(contentsOf: run.directory.appendingPathComponent("train.log"), encoding: .utf8)
      #expect(trainLog.contains("G \(run.config.generatorOptimizer) (lr 0.002)"), "\(trainLog)")
      #expect(trainLog.contains("seed \(run.config.seed)"), "\(trainLog)")
    }
    // A second execute finds every run finished and starts nothing.
    let summaryDates = try sweep.runs.map {
      try FileManager.default.attributesOfItem(atPath: $0.directory.appendingPathComponent("summary.json").path)[
        .modificationDate] as? Date
    }
    let again = LogLines()
    #expect(try sweep.execute(with: pool) { again.append($0) }.isEmpty)
    #expect(again.all == ["sweep: 4 runs, 4 already finished, 0 to go, 2 at a time"])
    let datesAfter = try sweep.runs.map {
      try FileManager.default.attributesOfItem(atPath: $0.directory.appendingPathComponent("summary.json").path)[
        .modificationDate] as? Date
    }
    #expect(datesAfter == summaryDates)
  }

  /// A run that has not started gets its config written to config.json before `graft train` runs; what
  /// trains is that file (here one already prepared differently is replaced by the run's own).
  @Test func thePreparedConfigIsWhatTrains() throws {
    let root = temporaryDirectory("pool-prepared")
    var config = base
    config.steps = 12
    config.seed = 9
    config.setOptimizer(.sgda)
    config.setLearningRate(0.05)
    let run = Sweep.Run(name: "one", config: config, root: root)
    var stale = config
    stale.steps = 99
    try RunDirectory(run.directory).prepare(stale)
    let arguments = try run.prepare()
    #expect(
      arguments == [
        "train", "--config", run.directory.appendingPathComponent("config.json").path, "--out", run.directory.path,
      ])
    let prepared = try savedConfig(run.directory)
    #expect(prepared.config == run.config.scheduleResolved && !prepared.hasProvenance)
    #expect(prepared.config.schedule.totalSteps == 12)
    let failures = try LocalProcessPool(executable: graftBinary, parallel: 1).execute([run]) { _ in }
    #expect(failures.isEmpty)
    let summary = try #require(Sweep.summary(run))
    #expect(summary.steps == 12)
    let trained = try savedConfig(run.directory)
    #expect(trained.config == config.scheduleResolved && trained.hasProvenance)
  }

  /// A run stopped part-way (a checkpoint, metrics, no summary) is resumed, not started again.
  @Test func aStoppedRunResumes() throws {
    let root = temporaryDirectory("pool-resume")
    var config = base
    config.checkpointEvery = 10
    let run = Sweep.Run(name: "stopped", config: config, root: root)
    try Trainer(config: run.config, directory: run.directory).train(stopAt: 10, log: { _ in })
    #expect(!Sweep.isFinished(run))
    #expect(try run.prepare() == ["train", "--resume", run.directory.path])
    let failures = try LocalProcessPool(executable: graftBinary, parallel: 1).execute([run]) { _ in }
    #expect(failures.isEmpty)
    let trainLog = try String(contentsOf: run.directory.appendingPathComponent("train.log"), encoding: .utf8)
    #expect(trainLog.contains("resuming \(run.directory.path) at step 10 of 20"), "\(trainLog)")
    #expect(try #require(Sweep.summary(run)).steps == 20)
  }

  /// A run that fails is returned with its exit status; the others still train.
  @Test func failuresComeBackWithTheirStatus() throws {
    let root = temporaryDirectory("pool-failure")
    var broken = base
    broken.dataset = .fashionMNIST
    broken.model = .dcgan
    broken.dataDirectory = root.appendingPathComponent("no-such-data").path
    let runs = [
      Sweep.Run(name: "good", config: base, root: root), Sweep.Run(name: "broken", config: broken, root: root),
    ]
    let failures = try LocalProcessPool(executable: graftBinary, parallel: 2).execute(runs) { _ in }
    #expect(failures.map(\.run.name) == ["broken"])
    #expect(failures.first.map { $0.status != 0 } == true)
    #expect(Sweep.isFinished(runs[0]))
  }
}

/// Starting a run in a directory: refused over a started run, allowed over the run's own prepared config.
@Suite struct RunStartTests {
  @Test func anEmptyOrMissingDirectoryMayStart() throws {
    let directory = temporaryDirectory("start-empty")
    try RunDirectory(directory).checkCanStart(smallConfig())
    try RunDirectory(directory.appendingPathComponent("not-yet")).checkCanStart(smallConfig())
  }

  @Test func theSamePreparedConfigMayStart() throws {
    let run = RunDirectory(temporaryDirectory("start-prepared"))
    var config = smallConfig()
    try run.prepare(config)
    // A schedule of 0 total steps is the run's steps: the same run either way.
    config.schedule.totalSteps = 0
    try run.checkCanStart(config)
    try run.checkCanStart(config.scheduleResolved)
    #expect(!run.hasStarted)
  }

  @Test func anotherPreparedConfigIsRefusedByKey() throws {
    let run = RunDirectory(temporaryDirectory("start-other"))
    try run.prepare(smallConfig())
    var other = smallConfig()
    other.seed = 4
    other.generatorSettings.learningRate = 0.5
    #expect(throws: RunStartConflict.differentConfig(keys: ["generatorSettings.learningRate", "seed"])) {
      try run.checkCanStart(other)
    }
  }

  @Test func aStartedRunIsRefused() throws {
    let directory = temporaryDirectory("start-started")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 10, log: { _ in })
    #expect(RunDirectory(directory).hasStarted)
    #expect(throws: RunStartConflict.started) { try RunDirectory(directory).checkCanStart(smallConfig()) }
    // Metrics alone (stopped before its first checkpoint) count as started too.
    let early = RunDirectory(temporaryDirectory("start-metrics"))
    try early.prepare(smallConfig())
    try early.appendMetrics(.training(TrainingMetrics(step: 1, discriminatorLoss: 0, generatorLoss: 0)))
    #expect(throws: RunStartConflict.started) { try early.checkCanStart(smallConfig()) }
  }

  @Test func anUnreadableConfigIsRefused() throws {
    let run = RunDirectory(temporaryDirectory("start-unreadable"))
    try Data("not json".utf8).write(to: run.config)
    #expect(throws: RunStartConflict.self) { try run.checkCanStart(smallConfig()) }
  }
}

/// `graft train --config D/config.json --out D` over a directory prepared for the run.
@Suite struct TrainOverPreparedDirectoryTests {
  @Test func thePreparedRunTrainsAndAnotherIsRefused() throws {
    var config = smallConfig()
    config.steps = 10
    let run = RunDirectory(temporaryDirectory("cli-prepared"))
    try run.prepare(config)
    // Another config into the prepared directory: refused, naming what differs.
    let (refused, refusal) = try runGraft(["train", "--config", run.config.path, "--seed", "5", "--out", run.url.path])
    #expect(refused != 0 && refusal.contains("prepared for another run") && refusal.contains("seed"), "\(refusal)")
    #expect(!run.hasStarted)
    // Its own config: trains.
    let (status, output) = try runGraft(["train", "--config", run.config.path, "--out", run.url.path])
    #expect(status == 0, "\(output)")
    #expect(try run.savedConfig() == config.scheduleResolved)
    // Now it has started: only --resume continues it.
    let (again, againOutput) = try runGraft(["train", "--config", run.config.path, "--out", run.url.path])
    #expect(again != 0 && againOutput.contains("--resume"), "\(againOutput)")
  }
}
