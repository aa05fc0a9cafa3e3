import Foundation
import GraftRun

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Trains runs as `graft` processes on this machine, at most `parallel` at a time, the cores split
/// between them; each attempt's output goes to a log of its own in the run's directory (train.log, then
/// train.1.log, …: none is overwritten).
///
/// The runs are the pool's children. Each runs in a process group of its own and gets every SIGINT or
/// SIGTERM the pool's process gets while it executes; the pool then starts nothing more, waits for them
/// (they checkpoint and exit) and throws `RunsStopped`. If the pool's process dies without that (even
/// by SIGKILL), the kernel sends each run SIGTERM: `graft` asks for it when `GRAFT_SWEEP_PID` names its
/// parent. A run whose directory a live process holds is skipped, never started a second time. A run
/// that fails gets a failed.json (`RunFailureRecord`) and is not run again unless `retryFailed`; one
/// stopped by a signal (SIGINT, SIGTERM, or SIGKILL from outside) is not a failure and resumes.
public struct LocalProcessPool: RunExecutor {
  /// The environment variable that tells a run the PID of the sweep that started it.
  public static let sweepEnvironmentKey = "GRAFT_SWEEP_PID"

  /// The `graft` executable (by default this process's own: the command line runs its own sweeps).
  public var executable: URL
  /// Runs at a time.
  public var parallel: Int
  /// Whether runs that failed before (those with a failed.json) run again.
  public var retryFailed: Bool
  /// With `retryFailed`: a run that diverged resumes from its checkpoint instead of starting again.
  public var resumeDiverged: Bool

  public init(
    executable: URL = URL(fileURLWithPath: "/proc/self/exe"), parallel: Int = 2, retryFailed: Bool = false,
    resumeDiverged: Bool = false
  ) {
    self.resumeDiverged = resumeDiverged
    self.executable = executable
    self.parallel = max(1, parallel)
    self.retryFailed = retryFailed
  }

  public func execute(_ runs: [Sweep.Run], log: @escaping @Sendable (String) -> Void) throws -> [RunFailure] {
    var earlier: [RunFailure] = []
    var pending: [Sweep.Run] = []
    var finished = 0
    let submitted = SubmittedToSlurm()
    for run in runs {
      if Sweep.isFinished(run) {
        finished += 1
      } else if let why = submitted.reasonToLeave(run) {
        log("sweep: \(run.name) \(why)")
      } else if !retryFailed, let record = RunFailureRecord.read(run.directory) {
        earlier.append(
          RunFailure(
            run: run, status: record.status, log: run.directory.appendingPathComponent(record.log), isEarlier: true))
      } else {
        pending.append(run)
      }
    }
    let failedBefore = earlier.isEmpty ? "" : "\(earlier.count) failed before, "
    log(
      "sweep: \(runs.count) runs, \(finished) already finished, \(failedBefore)\(pending.count) to go, "
        + "\(parallel) at a time"
    )
    for failure in earlier {
      log(
        "sweep: \(failure.run.name) failed before with status \(failure.status) (see \(failure.log?.path ?? "its log"))"
      )
    }
    if !earlier.isEmpty {
      log("sweep: \(earlier.count) run(s) failed before and are not run again; --retry-failed runs them again")
    }

    let cells = LiveCells()
    let watch = StopSignals.shared.watch { signal in
      let running = cells.stop(signal)
      log("sweep: \(Interruption.name(signal)): sent it to the \(running) running run(s); waiting for them to stop")
    }
    defer { StopSignals.shared.unwatch(watch) }
    let failures = FailureList()
    let slots = DispatchSemaphore(value: parallel)
    let group = DispatchGroup()
    // Runs in parallel share the cores: each gets its share of threads.
    let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / parallel)
    for run in pending {
      slots.wait()
      if cells.isStopping {
        slots.signal()
        break
      }
      group.enter()
      DispatchQueue.global().async {
        defer {
          slots.signal()
          group.leave()
        }
        if let failure = train(run, cells: cells, threads: threads, log: log) { failures.append(failure) }
      }
    }
    group.wait()
    if let stop = cells.stopReport(pending: pending.count) { throw stop }
    return earlier + failures.items
  }

  /// Trains one run to its end, unless a live process holds it or the pool is stopping; its failure, if
  /// it failed.
  private func train(
    _ run: Sweep.Run, cells: LiveCells, threads: Int, log: @Sendable (String) -> Void
  ) -> RunFailure? {
    guard cells.begin() else { return nil }
    if let holder = RunLock.holder(of: run.directory) {
      log("sweep: \(run.name) is running elsewhere (\(holder == 0 ? "PID unknown" : "PID \(holder)")); skipped")
      return nil
    }
    let arguments: [String]
    let logFile: URL
    do {
      try run.startAgainIfDiverged(resume: resumeDiverged, log: log)
      arguments = try run.prepare()
      logFile = RunDirectory(run.directory).nextTrainLog()
      // Running it again (`retryFailed`): the record goes, the failed attempt's log stays.
      try RunFailureRecord.remove(from: run.directory)
    } catch {
      // Nothing ran: not recorded as the run's failure, so the next execution tries again.
      log("sweep: \(run.name) could not be prepared: \(error)")
      return RunFailure(run: run, status: -1)
    }
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    environment["GRAFT_THREADS"] = "\(threads)"
    environment[Self.sweepEnvironmentKey] = "\(getpid())"
    let child: ChildProcess
    switch cells.launch(
      run.name, { try ChildProcess.spawn(executable, arguments, environment: environment, output: logFile) })
    {
    case .stopping:
      return nil
    case .failed(let error):
      log("sweep: \(run.name) could not be started: \(error)")
      return RunFailure(run: run, status: -1, log: logFile)
    case .started(let started):
      child = started
    }
    child.waitForEnd()
    cells.ended(child)
    let status = child.collect()
    if status == 0 {
      log("sweep: \(run.name) finished")
      return nil
    }
    // Stopped by a signal (forwarded by this pool or sent from elsewhere): it resumes next time.
    if cells.isStopping || status == Interruption.exitStatus(SIGINT) || status == Interruption.exitStatus(SIGTERM) {
      log("sweep: \(run.name) stopped (status \(status), log \(logFile.path)); it resumes when run again")
      return nil
    }
    // Killed from outside (`kill -9`, a scheduler, the kernel's out-of-memory killer), not failed: its
    // checkpoints and metrics are intact up to the last one written (each written whole or not at all).
    if status == 128 + SIGKILL {
      log(
        "sweep: \(run.name) was killed (SIGKILL: by another process or the out-of-memory killer; log "
          + "\(logFile.path)); it resumes from its last checkpoint when run again")
      return nil
    }
    let record = RunFailureRecord(status: status, log: logFile.lastPathComponent)
    do {
      try record.write(to: run.directory)
    } catch {
      log("sweep: \(run.name): could not record its failure in failed.json: \(error)")
    }
    log("sweep: \(run.name) FAILED with status \(status) (see \(logFile.path))")
    return RunFailure(run: run, status: status, log: logFile)
  }
}

/// The runs a pool is training, and the signal that asked it to stop, if one did.
private final class LiveCells: @unchecked Sendable {
  enum Launch {
    case started(ChildProcess)
    case stopping
    case failed(any Error)
  }

  private let lock = NSLock()
  private var children: [pid_t: (name: String, process: ChildProcess)] = [:]
  private var signal: Int32?
  private var stopped: [String] = []
  /// Runs taken up (started, skipped or failed to start), so that the rest count as not started.
  private var begun = 0

  var isStopping: Bool {
    lock.lock()
    defer { lock.unlock() }
    return signal != nil
  }

  /// Takes up a run: false once stopping.
  func begin() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    if signal != nil { return false }
    begun += 1
    return true
  }

  /// Starts a run's process, unless stopping: under the lock, so that a signal either finds the child
  /// or stops it from being started.
  func launch(_ name: String, _ spawn: () throws -> ChildProcess) -> Launch {
    lock.lock()
    defer { lock.unlock() }
    if signal != nil {
      begun -= 1
      return .stopping
    }
    do {
      let child = try spawn()
      children[child.pid] = (name, child)
      return .started(child)
    } catch {
      return .failed(error)
    }
  }

  /// The child has ended (not yet collected, so its PID is still its own).
  func ended(_ child: ChildProcess) {
    lock.lock()
    children[child.pid] = nil
    lock.unlock()
  }

  /// Sends `signal` to every running run, and starts no more; how many were running.
  func stop(_ signal: Int32) -> Int {
    lock.lock()
    defer { lock.unlock() }
    if self.signal == nil {
      self.signal = signal
      stopped = children.values.map(\.name).sorted()
    }
    for (_, child) in children { child.process.send(signal) }
    return children.count
  }

  /// What stopped the pool, if a signal did.
  func stopReport(pending: Int) -> RunsStopped? {
    lock.lock()
    defer { lock.unlock() }
    return signal.map { RunsStopped(signal: $0, stopped: stopped, notStarted: pending - begun) }
  }
}

/// Failures collected from worker threads.
private final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var items: [RunFailure] = []
  func append(_ failure: RunFailure) {
    lock.lock()
    items.append(failure)
    lock.unlock()
  }
}

/// Runs a Slurm sweep submitted (their slurm.json): a task still queued holds no run lock yet, so this pool
/// asks Slurm before it trains such a run here. The queue is read once, when the first such run is met.
private final class SubmittedToSlurm {
  private var queue: Result<[String: SlurmClient.TaskState], any Error>?

  /// Why `run` is left alone (its task is queued or running under Slurm, or Slurm cannot be asked), or nil.
  func reasonToLeave(_ run: Sweep.Run) -> String? {
    guard let task = SlurmTaskRecord.read(run.directory), RunFailureRecord.read(run.directory) == nil else {
      return nil
    }
    if queue == nil { queue = Result { try SlurmClient().tasks() } }
    switch queue! {
    case .success(let states):
      guard let state = task.liveState(in: states) else { return nil }
      return
        "is \(state.state.lowercased()) under Slurm (task \(task.id)); skipped (scancel \(task.id) to train it here)"
    case .failure(let error):
      return "was submitted to Slurm as task \(task.id), and Slurm cannot be asked from here whether it still is "
        + "(\(error)); skipped: if it is not, delete \(SlurmTaskRecord.file(in: run.directory).path) to train it here"
    }
  }
}
