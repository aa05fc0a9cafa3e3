import Foundation
import GraftGAN
import GraftRun
import GraftSweep
import GraftTestSupport
import Testing

/// Whether a Slurm controller answers here (`scontrol ping`), e.g. the one `Scripts/local-slurm.sh start`
/// brings up. Only asked when a slurm.conf is there: without one, scontrol searches for a minute.
let slurmAnswers: Bool = {
  let config = ProcessInfo.processInfo.environment["SLURM_CONF"] ?? "/etc/slurm/slurm.conf"
  guard FileManager.default.fileExists(atPath: config) else { return false }
  guard let (status, output) = try? runProgram("scontrol", ["ping"]) else { return false }
  return status == 0 && output.contains("is UP")
}()

/// CI sets GRAFT_REQUIRE_SLURM=1: there, a missing cluster fails these tests instead of skipping them.
let slurmRequired = ProcessInfo.processInfo.environment["GRAFT_REQUIRE_SLURM"] == "1"

/// `program` (from PATH) run to its end: its status and output (stdout and stderr).
func runProgram(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
  try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments)
}

/// Sweeps through a real Slurm cluster, end to end: submission, a cancelled task recovered with
/// --retry-failed, and a task requeued by its time-limit signal. The run directories are under a folder
/// with a space in its name (so the script's quoting is tested by sbatch and bash themselves).
@Suite(
  "Slurm cluster (Scripts/local-slurm.sh start)", .serialized,
  .enabled(
    if: slurmAnswers || slurmRequired,
    Comment(
      rawValue: "no Slurm cluster answers `scontrol ping`: start one with Scripts/local-slurm.sh start "
        + "(GRAFT_REQUIRE_SLURM=1 fails instead of skipping)")))
struct SlurmClusterTests {
  init() throws {
    try #require(
      slurmAnswers,
      "GRAFT_REQUIRE_SLURM=1 but no Slurm cluster answers `scontrol ping`; run Scripts/local-slurm.sh start")
  }

  /// A sweep's arguments: ring8 cells of `steps` steps into `out`, through Slurm.
  func sweep(_ out: URL, optimizers: String, seeds: Int, steps: Int, _ more: [String] = []) -> [String] {
    [
      "sweep", "--executor", "slurm", "--optimizers", optimizers, "--seeds", "\(seeds)", "--preset", "ring8-mlp",
      "--steps", "\(steps)", "--log-every", "50", "--checkpoint-every", "50", "--out", out.path,
    ] + more
  }

  @Test func aSweepOfFourCellsRunsAsAJobArrayToItsSummaries() throws {
    let out = temporaryDirectory("slurm cluster").appendingPathComponent("ring8 sweep")
    // --parallel 2: the array's throttle (%2), which sbatch must accept.
    let (status, output) = try runGraft(sweep(out, optimizers: "adam,sgda", seeds: 2, steps: 300, ["--parallel", "2"]))
    #expect(status == 0, "\(output)")
    #expect(output.contains("submitted job"))
    let cells = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains("-seed") }
    #expect(cells.count == 4, "\(cells)")
    for cell in cells {
      let directory = out.appendingPathComponent(cell)
      let summary = try JSONDecoder().decode(
        TrainingSummary.self, from: Data(contentsOf: directory.appendingPathComponent("summary.json")))
      #expect(summary.steps == 300, "\(cell)")
      let task = try #require(SlurmTaskRecord.read(directory), "\(cell) has no slurm.json")
      let log = try String(
        contentsOf: directory.appendingPathComponent(SlurmJobScript.logName(job: task.job)), encoding: .utf8)
      #expect(log.contains("graft: done: 300 steps"), "\(cell): \(log)")
    }
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.md").path))
    // Again: every cell finished, nothing is submitted.
    let (again, againOutput) = try runGraft(sweep(out, optimizers: "adam,sgda", seeds: 2, steps: 300))
    #expect(again == 0, "\(againOutput)")
    #expect(againOutput.contains("4 already finished"))
    #expect(!againOutput.contains("submitted job"))
  }

  @Test func aCancelledTaskIsReportedAndCompletedByRetryFailed() throws {
    let out = temporaryDirectory("slurm cluster").appendingPathComponent("cancelled")
    let arguments = sweep(out, optimizers: "adam", seeds: 1, steps: 3000)
    let cell = out.appendingPathComponent("adam-lr0.001-seed0")
    let first = try BackgroundGraft(arguments)
    let task = try waitUntilTraining(cell, sweep: first)
    let (cancelStatus, cancelOutput) = try runProgram("scancel", [task.id])
    #expect(cancelStatus == 0, "\(cancelOutput)")
    let (status, output) = first.wait()
    #expect(status == 1, "\(output)")
    #expect(output.contains("FAILED: Slurm task \(task.id) CANCELLED"), "\(output)")
    let record = try #require(RunFailureRecord.read(cell), "no failed.json: \(output)")
    #expect(record.reason?.contains("CANCELLED") == true)
    #expect(!FileManager.default.fileExists(atPath: cell.appendingPathComponent("summary.json").path))

    // Without --retry-failed it is reported, not submitted.
    let (again, againOutput) = try runGraft(arguments)
    #expect(again == 1, "\(againOutput)")
    #expect(againOutput.contains("1 failed before"), "\(againOutput)")
    #expect(!againOutput.contains("submitted job"))
    #expect(SlurmTaskRecord.read(cell) == task)

    let (retried, retriedOutput) = try runGraft(arguments + ["--retry-failed"])
    #expect(retried == 0, "\(retriedOutput)")
    let second = try #require(SlurmTaskRecord.read(cell))
    #expect(second.job != task.job)
    let log = try String(
      contentsOf: cell.appendingPathComponent(SlurmJobScript.logName(job: second.job)), encoding: .utf8)
    // It went on from the cancelled task's checkpoint.
    #expect(log.contains("graft: resuming"), "\(log)")
    #expect(log.contains("graft: done"), "\(log)")
    #expect(RunFailureRecord.read(cell) == nil)
  }

  /// SIGUSR2 to the batch shell is what `--signal=B:USR2@90` sends near the time limit; `scancel -s USR2 -b`
  /// sends it now, so the test does not wait for the controller's limit check.
  @Test func aTaskSignalledBeforeItsTimeLimitRequeuesItselfAndFinishes() throws {
    let out = temporaryDirectory("slurm cluster").appendingPathComponent("requeued")
    let cell = out.appendingPathComponent("adam-lr0.001-seed0")
    let arguments = sweep(out, optimizers: "adam", seeds: 1, steps: 3000, ["--max-requeues", "2"])
    let running = try BackgroundGraft(arguments)
    let task = try waitUntilTraining(cell, sweep: running)
    let (signalStatus, signalOutput) = try runProgram("scancel", ["--signal=USR2", "--batch", task.id])
    #expect(signalStatus == 0, "\(signalOutput)")
    // A second sweep meanwhile follows the task to its end, and submits nothing.
    let (second, secondOutput) = try runGraft(arguments)
    #expect(second == 0, "\(secondOutput)")
    #expect(secondOutput.contains("1 already queued or running"), "\(secondOutput)")
    #expect(!secondOutput.contains("submitted job"), "\(secondOutput)")
    let (status, output) = running.wait()
    #expect(status == 0, "\(output)")
    #expect(output.contains("slurm: adam-lr0.001-seed0 finished"), "\(output)")
    let log = try String(
      contentsOf: cell.appendingPathComponent(SlurmJobScript.logName(job: task.job)), encoding: .utf8)
    #expect(log.contains("stopped by SIGUSR2"), "\(log)")
    #expect(log.contains("requeueing Slurm task \(task.id) (requeue 1 of at most 2)"), "\(log)")
    #expect(log.contains("graft: resuming"), "\(log)")
    #expect(log.contains("graft: done"), "\(log)")
    let summary = try JSONDecoder().decode(
      TrainingSummary.self, from: Data(contentsOf: cell.appendingPathComponent("summary.json")))
    #expect(summary.steps == 3000)
    // The same task, requeued: not a second submission.
    #expect(SlurmTaskRecord.read(cell) == task)
  }

  /// The real thing: a one-minute limit, SIGUSR2 90 s before it (so at the controller's first limit check,
  /// within 30 s), a run far longer than that. The task requeues itself once (`--max-requeues 1`), resumes
  /// where it stopped, is signalled again and, at its limit, stops without requeueing: reported as failed.
  @Test func aRunLongerThanItsTimeLimitIsRequeuedByTheLimitsSignal() throws {
    let out = temporaryDirectory("slurm cluster").appendingPathComponent("time limit")
    let cell = out.appendingPathComponent("adam-lr0.001-seed0")
    let (status, output) = try runGraft(
      sweep(out, optimizers: "adam", seeds: 1, steps: 10_000_000, ["--time", "1", "--max-requeues", "1"]))
    #expect(status == 1, "\(output)")
    let task = try #require(SlurmTaskRecord.read(cell))
    let log = try String(
      contentsOf: cell.appendingPathComponent(SlurmJobScript.logName(job: task.job)), encoding: .utf8)
    // Twice: once before the requeue, once in the requeued task (where the limit stops it for good).
    #expect(log.components(separatedBy: "graft: stopped by SIGUSR2 at step").count - 1 == 2, "\(log)")
    #expect(log.contains("requeueing Slurm task \(task.id) (requeue 1 of at most 1)"), "\(log)")
    #expect(log.contains("graft: resuming"), "\(log)")
    #expect(log.contains("has been requeued 1 times, the limit; not requeued again"), "\(log)")
    #expect(output.contains("adam-lr0.001-seed0 FAILED: Slurm task \(task.id)"), "\(output)")
  }

  /// A cluster started clean numbers its jobs from 1 again: a run whose slurm.json names a task ID that now
  /// belongs to another job (another script) is not taken for that job. Its own task is gone, its outcome
  /// unknown: it is reported as failed and submitted again with --retry-failed.
  @Test func aTaskIDNowOfAnotherJobIsNotFollowed() throws {
    let out = temporaryDirectory("slurm cluster").appendingPathComponent("reused id")
    let cell = out.appendingPathComponent("adam-lr0.001-seed0")
    let (submitted, id) = try runProgram(
      "sbatch", ["--parsable", "--array=0-0", "--output=/dev/null", "--wrap=sleep 120"])
    try #require(submitted == 0, "\(id)")
    let other = id.trimmingCharacters(in: .whitespacesAndNewlines)
    defer { _ = try? runProgram("scancel", [other]) }
    try FileManager.default.createDirectory(at: cell, withIntermediateDirectories: true)
    let stale = SlurmTaskRecord(job: other, task: 0, script: "/an earlier cluster/array.sh")
    try JSONEncoder().encode(stale).write(to: SlurmTaskRecord.file(in: cell))
    let arguments = sweep(out, optimizers: "adam", seeds: 1, steps: 300)

    let (status, output) = try runGraft(arguments)
    #expect(status == 1, "\(output)")
    #expect(!output.contains("already queued or running"), "\(output)")
    #expect(output.contains("1 failed before"), "\(output)")
    #expect(RunFailureRecord.read(cell)?.reason?.contains("no longer knows") == true)

    let (retried, retriedOutput) = try runGraft(arguments + ["--retry-failed"])
    #expect(retried == 0, "\(retriedOutput)")
    #expect(SlurmTaskRecord.read(cell)?.job != other)
    #expect(FileManager.default.fileExists(atPath: cell.appendingPathComponent("summary.json").path))
  }

  /// Waits until the cell's task has trained past its first logged step (a checkpoint exists, no summary yet);
  /// its task.
  func waitUntilTraining(_ cell: URL, sweep: BackgroundGraft) throws -> SlurmTaskRecord {
    let metrics = cell.appendingPathComponent("metrics.jsonl")
    while true {
      if let task = SlurmTaskRecord.read(cell), let text = try? String(contentsOf: metrics, encoding: .utf8),
        !text.isEmpty
      {
        return task
      }
      guard sweep.isRunning else {
        let (status, output) = sweep.wait()
        Issue.record("the sweep ended (status \(status)) before its task trained: \(output)")
        throw CancellationError()
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
  }
}

/// `graft` running in the background, its output in a file.
final class BackgroundGraft: @unchecked Sendable {
  let process = Process()
  let outputFile: URL

  init(_ arguments: [String]) throws {
    outputFile = temporaryDirectory("slurm-sweep-output").appendingPathComponent("output.txt")
    FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    process.executableURL = graftExecutable
    process.arguments = arguments
    let handle = try FileHandle(forWritingTo: outputFile)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
  }

  var isRunning: Bool { process.isRunning }

  /// Waits for the end; the exit status and the output.
  func wait() -> (Int32, String) {
    process.waitUntilExit()
    let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    return (process.terminationStatus, output)
  }
}
