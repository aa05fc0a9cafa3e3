import Foundation
import GraftEngine
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftOptimizers
import GraftRun
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The logged steps of a run's metrics.jsonl, in order.
func loggedSteps(_ run: RunDirectory) throws -> [Int] {
  try String(contentsOf: run.metrics, encoding: .utf8).split(separator: "\n").map { line in
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    return try #require(object?["step"] as? Int)
  }
}

@Suite("Run ownership and resumption", .serialized)
struct RunOwnershipTests {
  @Test func aRunDirectoryHasOneLockHolder() throws {
    let directory = temporaryDirectory("lock")
    #expect(RunLock.holder(of: directory) == nil)
    let lock = try RunLock.acquire(directory)
    #expect(RunLock.holder(of: directory) == getpid())
    do {
      _ = try RunLock.acquire(directory)
      Issue.record("a second lock on one directory was granted")
    } catch let error as RunLockedError {
      #expect(error.holder == getpid())
      #expect(error.description.contains("is being written by process \(getpid())"), "\(error)")
    }
    lock.release()
    #expect(RunLock.holder(of: directory) == nil)
    // Released, it can be taken again.
    _ = try RunLock.acquire(directory)
    let file = directory.appendingPathComponent("file")
    try Data().write(to: file)
    #expect(throws: RunLockError.self) { try RunLock.acquire(file) }
  }

  /// The trainer holds the lock while it trains, and resume refuses a run another writer holds.
  @Test func trainingHoldsTheLockAndResumeRespectsIt() throws {
    var config = smallConfig()
    config.steps = 4
    let trainer = try Trainer(config: config, directory: temporaryDirectory("locked-run"))
    var holders: [Int32?] = []
    trainer.stopRequested = {
      holders.append(RunLock.holder(of: trainer.run.url))
      return false
    }
    try trainer.train(log: { _ in })
    #expect(!holders.isEmpty && holders.allSatisfy { $0 == getpid() })
    #expect(RunLock.holder(of: trainer.run.url) == nil)
    let other = try RunLock.acquire(trainer.run.url)
    #expect(throws: RunLockedError.self) { _ = try Trainer.resume(trainer.run.url) }
    other.release()
    _ = try Trainer.resume(trainer.run.url)
  }

  /// A new run checkpoints step 0 before its first step; a run with a config.json and no checkpoint at
  /// all resumes from step 0. Either way the result is the uninterrupted run's.
  @Test func aRunIsResumableFromItsFirstMoment() throws {
    let config = smallConfig()
    let full = try Trainer(config: config, directory: temporaryDirectory("first-full"))
    try full.train(log: { _ in })

    let early = try Trainer(config: config, directory: temporaryDirectory("first-early"))
    try early.train(stopAt: 0, log: { _ in })
    #expect(try Checkpoint.load(from: early.run.latestCheckpoint).int(forKey: "graft.step") == 0)
    let fromStepZero = try Trainer.resume(early.run.url)
    #expect(fromStepZero.step == 0)
    try fromStepZero.train(log: { _ in })
    #expect(allTensors(fromStepZero) == allTensors(full))

    // Only config.json (a prepared run, or one stopped before its first checkpoint).
    let bare = RunDirectory(temporaryDirectory("first-bare"))
    try bare.prepare(config)
    let fromConfig = try Trainer.resume(bare.url)
    #expect(fromConfig.step == 0)
    try fromConfig.train(log: { _ in })
    #expect(allTensors(fromConfig) == allTensors(full))
    #expect(try loggedSteps(fromConfig.run) == [10, 20, 30])

    // Not when step checkpoints remain: starting over would overwrite them.
    try FileManager.default.removeItem(at: fromConfig.run.latestCheckpoint)
    #expect(throws: TrainingError.self) { _ = try Trainer.resume(bare.url) }
  }

  /// A stop request (SIGINT/SIGTERM in `graft train`) between checkpoints: the step finishes, a checkpoint
  /// is saved, the summary says "interrupted"; the resumed run ends as the uninterrupted one, each
  /// metrics line once.
  @Test func aStopRequestCheckpointsAndResumesExactly() throws {
    let config = smallConfig()
    let full = try Trainer(config: config, directory: temporaryDirectory("stop-full"))
    try full.train(log: { _ in })
    let trainer = try Trainer(config: config, directory: temporaryDirectory("stop"))
    trainer.stopRequested = { trainer.step >= 13 }
    let summary = try trainer.train(log: { _ in })
    #expect(summary.status == .interrupted && trainer.step == 13)
    #expect(try Checkpoint.load(from: trainer.run.latestCheckpoint).int(forKey: "graft.step") == 13)
    #expect(!FileManager.default.fileExists(atPath: trainer.run.summary.path))
    let resumed = try Trainer.resume(trainer.run.url)
    #expect(resumed.step == 13)
    try resumed.train(log: { _ in })
    #expect(allTensors(resumed) == allTensors(full))
    #expect(try loggedSteps(resumed.run) == [10, 20, 30])
  }

  /// A run killed after its last checkpoint and before summary.json completes on resume, with the last
  /// step's losses (not NaN, which JSON cannot hold).
  @Test func aRunKilledBeforeItsSummaryCompletesOnResume() throws {
    let trainer = try Trainer(config: smallConfig(), directory: temporaryDirectory("no-summary"))
    let finished = try trainer.train(log: { _ in })
    try FileManager.default.removeItem(at: trainer.run.summary)
    let resumed = try Trainer.resume(trainer.run.url)
    #expect(resumed.step == 30)
    let summary = try resumed.train(log: { _ in })
    #expect(summary.status == .finished && summary.steps == 30)
    #expect(summary.discriminatorLoss == finished.discriminatorLoss)
    #expect(summary.generatorLoss == finished.generatorLoss)
    #expect(FileManager.default.fileExists(atPath: trainer.run.summary.path))
    #expect(try loggedSteps(resumed.run) == [10, 20, 30])
  }

  /// A loss that is not known is written as null and read back as NaN.
  @Test func summariesNeverHoldNaN() throws {
    let json =
      #"{"status": "finished", "steps": 3, "wallSeconds": 1, "stepsPerSecond": 3, "#
      + #""discriminatorLoss": null, "generatorLoss": 0.5}"#
    let summary = try JSONDecoder().decode(TrainingSummary.self, from: Data(json.utf8))
    #expect(summary.discriminatorLoss.isNaN && summary.generatorLoss == 0.5 && summary.steps == 3)
    let object = try #require(
      try JSONSerialization.jsonObject(with: try JSONEncoder().encode(summary)) as? [String: Any])
    #expect(object["discriminatorLoss"] is NSNull && object["generatorLoss"] as? Double == 0.5)
  }

  /// `resume(steps:)` extends a finished run: config.json gets the new length, the old summary goes, the
  /// metrics go on without a repeated line. Fewer steps than were trained is refused.
  @Test func aFinishedRunIsExtended() throws {
    let trainer = try Trainer(config: smallConfig(), directory: temporaryDirectory("extend"))
    try trainer.train(log: { _ in })
    #expect(throws: TrainingError.self) { _ = try Trainer.resume(trainer.run.url, steps: 20) }
    let extended = try Trainer.resume(trainer.run.url, steps: 50)
    #expect(extended.step == 30 && extended.config.steps == 50)
    // The default cosine schedule, which spanned 30 steps, spans 50: it had reached 0 at step 30.
    #expect(extended.config.resolvedSchedule.totalSteps == 50)
    #expect(!FileManager.default.fileExists(atPath: trainer.run.summary.path))
    #expect(try RunDirectory(trainer.run.url).savedConfig()?.steps == 50)
    let summary = try extended.train(log: { _ in })
    #expect(summary.status == .finished && summary.steps == 50)
    #expect(try loggedSteps(extended.run) == [10, 20, 30, 40, 50])
  }

  /// The first step is not finite (a learning rate of 1e12 from the start): the message names the
  /// step-0 checkpoint and advises a new run with a lower rate from this run's config, never `--resume`,
  /// which would replay the same step with the same saved config.
  @Test func theNaNStopAdvisesWhatWorks() throws {
    var config = smallConfig()
    config.generatorOptimizer = .sgda
    config.discriminatorOptimizer = .sgda
    config.setLearningRate(1e12)
    let trainer = try Trainer(config: config, directory: temporaryDirectory("nan-first"))
    do {
      try trainer.train(log: { _ in })
      Issue.record("training with lr 1e12 did not stop")
    } catch let error as TrainingError {
      #expect(!error.message.contains("--resume"), "\(error.message)")
      #expect(error.message.contains("--config \(trainer.run.config.path)"), "\(error.message)")
      #expect(error.message.contains("lower learning rate"), "\(error.message)")
      #expect(error.message.contains(trainer.run.latestCheckpoint.path), "\(error.message)")
    }
    #expect(try Checkpoint.load(from: trainer.run.latestCheckpoint).int(forKey: "graft.step") <= trainer.step)
    #expect(RunLock.holder(of: trainer.run.url) == nil)
  }
}
