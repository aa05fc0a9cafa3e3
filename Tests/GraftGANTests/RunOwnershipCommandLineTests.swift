import Foundation
import GraftEngine
import GraftGAN
import GraftIO
import GraftRun
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Starts the `graft` executable without waiting for it, its output going to `log`.
func startGraft(_ arguments: [String], log: URL, in directory: URL? = nil) throws -> Process {
  let process = Process()
  process.executableURL = graftExecutable
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  _ = FileManager.default.createFile(atPath: log.path, contents: nil)
  let handle = try FileHandle(forWritingTo: log)
  process.standardOutput = handle
  process.standardError = handle
  try process.run()
  try handle.close()
  return process
}

/// Waits until `condition` holds, checking every 20 ms, for at most `seconds`.
func waitUntil(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while !condition() {
    if Date() > deadline { return false }
    usleep(20_000)
  }
  return true
}

/// The tensors and step of a run's latest checkpoint.
func latestState(_ run: URL) throws -> [String: [Float]] {
  let checkpoint = try Checkpoint.load(from: RunDirectory(run).latestCheckpoint)
  var state = Dictionary(uniqueKeysWithValues: checkpoint.tensors.map { ($0.name, $0.tensor.scalars) })
  state["graft.step"] = [Float(try checkpoint.int(forKey: "graft.step"))]
  return state
}

@Suite("graft train: run ownership, interruption, resume", .serialized)
struct RunOwnershipCommandLineTests {
  static let tiny = ["--width", "16", "--batch-size", "32"]

  /// A second writer is refused with the holder's PID, for a new run and for --resume.
  @Test func aSecondWriterIsRefusedWithTheHoldersPID() throws {
    let run = temporaryDirectory("two-writers").appendingPathComponent("run")
    let lock = try RunLock.acquire(run)
    let (status, output) = try runGraft(["train", "--steps", "10", "--out", run.path] + Self.tiny)
    #expect(status == 1, "\(output)")
    let refusal = "is being written by process \(getpid()); wait for it or choose another --out"
    #expect(output.contains(refusal), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: RunDirectory(run).config.path))
    lock.release()
    let (trained, trainOutput) = try runGraft(["train", "--steps", "10", "--out", run.path] + Self.tiny)
    #expect(trained == 0, "\(trainOutput)")
    let again = try RunLock.acquire(run)
    let (resumed, resumeOutput) = try runGraft(["train", "--resume", run.path, "--steps", "20"])
    #expect(resumed == 1 && resumeOutput.contains("process \(getpid())"), "\(resumeOutput)")
    // graft evaluate writes eval.json: it waits its turn too, and writes nothing meanwhile.
    let (evaluated, evaluateOutput) = try runGraft(["evaluate", run.path])
    #expect(evaluated != 0 && evaluateOutput.contains("is being written by process \(getpid())"), "\(evaluateOutput)")
    #expect(!FileManager.default.fileExists(atPath: RunDirectory(run).evaluation.path))
    again.release()
    let (free, freeOutput) = try runGraft(["evaluate", run.path])
    #expect(free == 0 && FileManager.default.fileExists(atPath: RunDirectory(run).evaluation.path), "\(freeOutput)")
  }

  @Test func outMustBeANewOrEmptyDirectoryOrARun() throws {
    let root = temporaryDirectory("out-checks")
    let file = root.appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let other = root.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: other.appendingPathComponent("cat.jpg"))
    for (out, expected) in [
      (file.path, "is a file"), (other.path, "holds other files and no Graft run"), ("", "--out is empty"),
    ] {
      let (status, output) = try runGraft(["train", "--steps", "10", "--out", out] + Self.tiny, in: root)
      #expect(status == 1, "\(output)")
      #expect(output.contains(expected) && !output.contains("NSCocoaErrorDomain"), "\(output)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == ["cat.jpg"])
    #expect(try Data(contentsOf: file) == Data("x".utf8))
    // An empty directory is fine.
    let empty = root.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let (status, output) = try runGraft(["train", "--steps", "10", "--out", empty.path] + Self.tiny)
    #expect(status == 0, "\(output)")
  }

  /// Runs started together with the default --out each claim their own directory.
  @Test func runsStartedTogetherNeverShareADirectory() throws {
    let cwd = temporaryDirectory("default-out")
    let processes = try (0..<3).map { i in
      try startGraft(["train", "--steps", "20"] + Self.tiny, log: cwd.appendingPathComponent("log\(i)"), in: cwd)
    }
    for p in processes { p.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let runs = try FileManager.default.contentsOfDirectory(atPath: cwd.appendingPathComponent("runs").path).sorted()
    #expect(runs == ["ring8-adam-adam-seed0", "ring8-adam-adam-seed0-2", "ring8-adam-adam-seed0-3"])
    for name in runs {
      let run = RunDirectory(cwd.appendingPathComponent("runs").appendingPathComponent(name))
      #expect(try loggedSteps(run) == [20], "\(name)")
      #expect(FileManager.default.fileExists(atPath: run.summary.path), "\(name)")
    }
  }

  /// SIGINT and SIGTERM mid-run: the step finishes, a checkpoint is saved, the exit status is 130 / 143;
  /// the resumed run ends with the weights of a run never interrupted, each metrics line once.
  @Test(arguments: [SIGINT, SIGTERM])
  func aSignalSavesACheckpointAndTheRunResumesExactly(signal: Int32) throws {
    let root = temporaryDirectory("signal")
    let run = root.appendingPathComponent("run")
    // Long enough (about 1.5 s) for the signal to arrive mid-run, short enough to train again in full.
    let steps = 6000
    let arguments = ["train", "--steps", "\(steps)", "--log-every", "10"] + Self.tiny
    let process = try startGraft(arguments + ["--out", run.path], log: root.appendingPathComponent("log"))
    let metrics = RunDirectory(run).metrics
    #expect(waitUntil { FileManager.default.fileExists(atPath: metrics.path) || !process.isRunning })
    kill(process.processIdentifier, signal)
    if !waitUntil(seconds: 30, { !process.isRunning }) {
      kill(process.processIdentifier, SIGKILL)
      Issue.record("graft train went on after the signal")
    }
    process.waitUntilExit()
    let log = try String(contentsOf: root.appendingPathComponent("log"), encoding: .utf8)
    #expect(process.terminationStatus == 128 + signal, "\(log)")
    #expect(log.contains("checkpoint saved; continue with: graft train --resume \(run.path)"), "\(log)")
    let stopped = Int(try #require(latestState(run)["graft.step"]?.first))
    #expect(stopped > 0 && stopped < steps)
    #expect(RunLock.holder(of: run) == nil)

    let (status, output) = try runGraft(["train", "--resume", run.path])
    #expect(status == 0 && output.contains("resuming \(run.path) at step \(stopped)"), "\(output)")
    let reference = root.appendingPathComponent("reference")
    let (refStatus, refOutput) = try runGraft(arguments + ["--out", reference.path])
    #expect(refStatus == 0, "\(refOutput)")
    #expect(try latestState(run) == latestState(reference))
    #expect(try loggedSteps(RunDirectory(run)) == Array(stride(from: 10, through: steps, by: 10)))
  }

  /// Resuming a finished run says so; --steps extends it and is the one setting --resume takes; a run
  /// whose summary.json is missing completes; a run with a config.json and no checkpoint resumes.
  @Test func resumeFinishesExtendsAndCompletes() throws {
    let run = temporaryDirectory("resume-cli").appendingPathComponent("run")
    let (status, output) = try runGraft(["train", "--steps", "40", "--log-every", "10", "--out", run.path] + Self.tiny)
    #expect(status == 0, "\(output)")

    let (finished, finishedOutput) = try runGraft(["train", "--resume", run.path])
    #expect(finished == 0)
    #expect(finishedOutput.contains("already finished at step 40; give --steps M (> 40) to extend it"))

    let (refused, refusedOutput) = try runGraft(["train", "--resume", run.path, "--lr", "1e-3", "--seed", "2"])
    #expect(refused == 1)
    #expect(refusedOutput.contains("takes only --steps") && refusedOutput.contains("not --lr, --seed"))

    let (extended, extendedOutput) = try runGraft(["train", "--resume", run.path, "--steps", "60"])
    #expect(extended == 0, "\(extendedOutput)")
    #expect(try loggedSteps(RunDirectory(run)) == [10, 20, 30, 40, 50, 60])
    let summary = try JSONDecoder().decode(TrainingSummary.self, from: Data(contentsOf: RunDirectory(run).summary))
    #expect(summary.status == .finished && summary.steps == 60)

    // Killed between the last checkpoint and summary.json.
    try FileManager.default.removeItem(at: RunDirectory(run).summary)
    let (completed, completedOutput) = try runGraft(["train", "--resume", run.path])
    #expect(completed == 0 && !completedOutput.contains("EncodingError"), "\(completedOutput)")
    let completedSummary = try JSONDecoder().decode(
      TrainingSummary.self, from: Data(contentsOf: RunDirectory(run).summary))
    #expect(completedSummary.generatorLoss == summary.generatorLoss)

    // Stopped before its first checkpoint: only config.json is left; --resume starts it again.
    for file in ["checkpoints", "metrics.jsonl", "summary.json", "samples"] {
      try FileManager.default.removeItem(at: run.appendingPathComponent(file))
    }
    let (restarted, restartedOutput) = try runGraft(["train", "--resume", run.path])
    #expect(restarted == 0 && restartedOutput.contains("at step 0 of 60"), "\(restartedOutput)")
    #expect(try loggedSteps(RunDirectory(run)) == [10, 20, 30, 40, 50, 60])
  }
}
