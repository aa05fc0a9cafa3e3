import Foundation
import GraftRun

/// Trains runs on a Slurm cluster: one job array (`SlurmJobScript`, one task per run) submitted with
/// `sbatch`, then followed with `squeue` until every task has ended, with a line whenever the counts
/// change. The run directories must be on a file system the nodes share with this machine.
///
/// Restarts read as a local sweep's: finished runs are skipped; a run whose task failed, was cancelled or
/// ran out of time gets a failed.json (`RunFailureRecord`, its reason the task's state) and is submitted
/// again only with `retryFailed`. Each submitted run's directory names its task (slurm.json,
/// `SlurmTaskRecord`): a run whose task is still queued or running is followed, never submitted twice, and
/// one whose task ended while no sweep followed it is settled the same way when the next one looks.
///
/// Stopping the sweep (Ctrl-C) stops the following, not the tasks: the same command again follows them;
/// `scancel` cancels them.
public struct SlurmExecutor: RunExecutor {
  public var options: SlurmJobOptions
  /// Whether runs that failed before (those with a failed.json) are submitted again.
  public var retryFailed: Bool
  /// With `retryFailed`: a run that diverged resumes from its checkpoint instead of starting again.
  public var resumeDiverged: Bool
  /// Only print the script that would be submitted: nothing is written or submitted, and `execute` throws
  /// `SlurmDryRun` after printing.
  public var dryRun: Bool
  /// The `graft` the tasks run: by default this process's own executable, by its real path.
  public var executable: URL
  /// Seconds between two looks at the queue.
  public var pollSeconds: Double
  var client = SlurmClient()

  public init(
    options: SlurmJobOptions, retryFailed: Bool = false, resumeDiverged: Bool = false, dryRun: Bool = false,
    executable: URL? = nil, pollSeconds: Double = 2
  ) {
    self.resumeDiverged = resumeDiverged
    self.options = options
    self.retryFailed = retryFailed
    self.dryRun = dryRun
    self.executable = executable ?? Self.ownExecutable
    self.pollSeconds = pollSeconds
  }

  /// This process's executable, absolute and without symbolic links.
  static var ownExecutable: URL {
    let path =
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: path).absoluteURL.standardizedFileURL
  }

  public func execute(_ runs: [Sweep.Run], log: @escaping @Sendable (String) -> Void) throws -> [RunFailure] {
    try options.validate()
    let runs = runs.map(Self.absolute)
    if !dryRun { _ = try SlurmClient.locate("sbatch") }
    let queue = dryRun ? [:] : try client.tasks()
    var finished = 0
    var earlier: [RunFailure] = []
    var following: [(run: Sweep.Run, task: SlurmTaskRecord)] = []
    var toSubmit: [Sweep.Run] = []
    for run in runs {
      if Sweep.isFinished(run) {
        finished += 1
        continue
      }
      if let task = SlurmTaskRecord.read(run.directory), RunFailureRecord.read(run.directory) == nil, !dryRun {
        if task.liveState(in: queue) != nil {
          following.append((run, task))
          continue
        }
        // Its task ended while no sweep followed it.
        if let failure = settle(run, task: task), !retryFailed {
          earlier.append(RunFailure(run: failure.run, status: failure.status, log: failure.log, isEarlier: true))
          continue
        }
        if Sweep.isFinished(run) {
          finished += 1
          continue
        }
      } else if !retryFailed, let record = RunFailureRecord.read(run.directory) {
        earlier.append(
          RunFailure(
            run: run, status: record.status, log: run.directory.appendingPathComponent(record.log), isEarlier: true))
        continue
      }
      if let holder = RunLock.holder(of: run.directory) {
        log("slurm: \(run.name) is being trained by process \(holder) on this machine; skipped")
        continue
      }
      toSubmit.append(run)
    }
    let failedBefore = earlier.isEmpty ? "" : "\(earlier.count) failed before, "
    let queued = following.isEmpty ? "" : "\(following.count) already queued or running, "
    log("slurm: \(runs.count) runs, \(finished) already finished, \(failedBefore)\(queued)\(toSubmit.count) to submit")
    for failure in earlier {
      let reason = RunFailureRecord.read(failure.run.directory)?.reason.map { " (\($0))" } ?? ""
      log(
        "slurm: \(failure.run.name) failed before with status \(failure.status)\(reason), see "
          + (failure.log?.path ?? "its directory"))
    }
    if !earlier.isEmpty {
      log("slurm: \(earlier.count) run(s) failed before and are not submitted again; --retry-failed submits them")
    }
    if !toSubmit.isEmpty {
      let script = try makeScript(toSubmit)
      if dryRun {
        log(script.text)
        throw SlurmDryRun(runs: toSubmit.count)
      }
      let job = try submit(script, toSubmit, log: log)
      log(
        "slurm: submitted job \(job) (\(toSubmit.count) task(s)); logs in each run's directory as "
          + "\(SlurmJobScript.logName(job: job)). Ctrl-C stops following, not the job (the same command again "
          + "follows it; scancel \(job) cancels it)")
      following += toSubmit.compactMap { run in SlurmTaskRecord.read(run.directory).map { (run, $0) } }
    } else if dryRun {
      log("slurm: --dry-run: no run to submit")
      throw SlurmDryRun(runs: 0)
    }
    return earlier + (try follow(following, log: log))
  }

  /// The run with its directory absolute, as the script names it. Paths in its config (a relative
  /// --data-dir) stay as given, so that its config.json reads as a local sweep's: the tasks start in the
  /// directory the sweep was started from (`--chdir`), where they resolve the same.
  static func absolute(_ run: Sweep.Run) -> Sweep.Run {
    var run = run
    run.directory = run.directory.absoluteURL.standardizedFileURL
    return run
  }

  /// The script for `runs`, its batch output in a slurm-jobs folder next to them.
  func makeScript(_ runs: [Sweep.Run]) throws -> SlurmJobScript {
    let parent = Self.commonAncestor(runs.map { $0.directory.deletingLastPathComponent() })
    return SlurmJobScript(
      runs: runs.map(\.directory), executable: executable,
      workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
      outputDirectory: parent.appendingPathComponent("slurm-jobs"),
      jobName: "graft-\(parent.lastPathComponent)", options: options)
  }

  /// Prepares the runs' directories, writes the script and submits it; the array job's ID.
  private func submit(_ script: SlurmJobScript, _ runs: [Sweep.Run], log: (String) -> Void) throws -> String {
    for run in runs {
      try run.startAgainIfDiverged(resume: resumeDiverged, log: log)
      _ = try run.prepare()
      // Submitted again (`retryFailed`): the record goes, the failed attempt's log stays.
      try RunFailureRecord.remove(from: run.directory)
    }
    try FileManager.default.createDirectory(at: script.outputDirectory, withIntermediateDirectories: true)
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    let file = script.outputDirectory.appendingPathComponent("array-\(stamp).sh")
    try Data(script.text.utf8).write(to: file)
    let job = try client.submit(file)
    for (index, run) in runs.enumerated() {
      try SlurmTaskRecord(job: job, task: index, script: file.path).write(to: run.directory)
    }
    return job
  }

  /// Looks at the queue until every task has ended; the runs that failed.
  private func follow(
    _ tasks: [(run: Sweep.Run, task: SlurmTaskRecord)], log: @Sendable (String) -> Void
  ) throws -> [RunFailure] {
    var open = tasks
    var failures: [RunFailure] = []
    var done = 0
    var lastLine = ""
    var misses = 0
    while !open.isEmpty {
      let queue: [String: SlurmClient.TaskState]
      do {
        queue = try client.tasks()
        misses = 0
      } catch {
        // A busy controller answers the next time; one that stays silent is an error.
        misses += 1
        if misses >= 30 { throw error }
        Thread.sleep(forTimeInterval: pollSeconds)
        continue
      }
      var pending = 0
      var running = 0
      var stillOpen: [(run: Sweep.Run, task: SlurmTaskRecord)] = []
      for entry in open {
        if let state = queue[entry.task.id], state.script == entry.task.script, !state.hasEnded {
          if state.state == "RUNNING" { running += 1 } else { pending += 1 }
          stillOpen.append(entry)
          continue
        }
        if let failure = settle(entry.run, task: entry.task) {
          failures.append(failure)
          let reason = RunFailureRecord.read(entry.run.directory)?.reason ?? "status \(failure.status)"
          log("slurm: \(entry.run.name) FAILED: \(reason) (see \(failure.log?.path ?? "its directory"))")
        } else {
          done += 1
          log("slurm: \(entry.run.name) finished")
        }
      }
      open = stillOpen
      let line = "slurm: \(pending) pending, \(running) running, \(done) finished, \(failures.count) failed"
      if line != lastLine {
        log(line)
        lastLine = line
      }
      if !open.isEmpty { Thread.sleep(forTimeInterval: pollSeconds) }
    }
    return failures
  }

  /// A run whose task has ended: nil when it finished, else its failure, recorded in its failed.json.
  private func settle(_ run: Sweep.Run, task: SlurmTaskRecord) -> RunFailure? {
    if Sweep.isFinished(run) { return nil }
    // The controller's record of it, unless the ID now names another job.
    let end = client.end(of: task.id).flatMap { $0.script == task.script ? $0 : nil }
    let logName = SlurmJobScript.logName(job: task.job)
    let reason =
      end.map { "Slurm task \(task.id) \($0.state) (exit status \($0.status))" }
      ?? "Slurm task \(task.id) ended (the controller no longer knows how)"
    let status = end?.status ?? -1
    let record = RunFailureRecord(status: status, log: logName, reason: reason + ", no summary.json")
    try? record.write(to: run.directory)
    return RunFailure(run: run, status: status, log: run.directory.appendingPathComponent(logName))
  }

  /// The deepest folder that holds every one of `folders`.
  static func commonAncestor(_ folders: [URL]) -> URL {
    guard var common = folders.first?.pathComponents else { return URL(fileURLWithPath: "/") }
    for folder in folders.dropFirst() {
      let parts = folder.pathComponents
      var n = 0
      while n < min(common.count, parts.count) && common[n] == parts[n] { n += 1 }
      common = Array(common.prefix(n))
    }
    return URL(fileURLWithPath: "/" + common.dropFirst().joined(separator: "/"))
  }
}

/// A Slurm executor's `--dry-run`: the script was printed, nothing was written or submitted.
public struct SlurmDryRun: Error, CustomStringConvertible {
  /// How many runs the script would have trained.
  public var runs: Int
  public var description: String {
    "--dry-run: the script above was not written or submitted (\(runs) run(s) would be); without --dry-run it is"
  }
}

/// The Slurm task a run was submitted as, in the run's slurm.json: so that a later sweep follows the task
/// rather than submit the run a second time.
public struct SlurmTaskRecord: RunRecordFile, Sendable, Equatable {
  public static let fileName = "slurm.json"

  /// The array job's ID.
  public var job: String
  /// The run's index in the array.
  public var task: Int
  /// The submitted script.
  public var script: String

  public init(job: String, task: Int, script: String) {
    self.job = job
    self.task = task
    self.script = script
  }

  /// The task's ID as Slurm writes it ("12_3").
  public var id: String { "\(job)_\(task)" }

  /// This task's state in `queue` while it is queued or running, or nil once it has ended or `queue` does
  /// not list it (an ID the queue gives another script is another job: a cluster started clean).
  func liveState(in queue: [String: SlurmClient.TaskState]) -> SlurmClient.TaskState? {
    guard let state = queue[id], state.script == script, !state.hasEnded else { return nil }
    return state
  }

}
