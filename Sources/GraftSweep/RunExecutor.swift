import Foundation
import GraftRun

/// Trains runs, each as its config says, in its own directory: the local process pool today, a cluster
/// scheduler later (a Slurm job array, one task per run). Whatever the executor, a run is trained by
/// `graft train` on the arguments `Sweep.Run.prepare()` returns, so a run's directory reads the same
/// whoever trained it.
public protocol RunExecutor: Sendable {
  /// Trains every run that has not finished (one that stopped is resumed), reporting progress through
  /// `log`; returns the runs that failed, with their exit status. Throws `RunsStopped` when SIGINT or
  /// SIGTERM stopped it (and its runs).
  func execute(_ runs: [Sweep.Run], log: @escaping @Sendable (String) -> Void) throws -> [RunFailure]
}

/// A run whose training failed: `graft train` exited with `status` (-1: it could not be started).
public struct RunFailure: Sendable {
  public var run: Sweep.Run
  public var status: Int32
  /// The log of the failed attempt, when there is one.
  public var log: URL?
  /// Whether it failed in an earlier execution and was not run again this time.
  public var isEarlier: Bool

  public init(run: Sweep.Run, status: Int32, log: URL? = nil, isEarlier: Bool = false) {
    self.run = run
    self.status = status
    self.log = log
    self.isEarlier = isEarlier
  }
}

/// An execution stopped by SIGINT or SIGTERM, after forwarding it to its runs and waiting for them: those
/// `stopped` resume, and those not started start, when the runs are executed again.
public struct RunsStopped: Error, CustomStringConvertible {
  public var signal: Int32
  /// The runs that were training when the signal came.
  public var stopped: [String]
  /// How many runs had not started.
  public var notStarted: Int

  public init(signal: Int32, stopped: [String], notStarted: Int) {
    self.signal = signal
    self.stopped = stopped
    self.notStarted = notStarted
  }

  /// The exit status a command stopped this way ends with (130 for SIGINT, 143 for SIGTERM).
  public var exitStatus: Int32 { Interruption.exitStatus(signal) }

  public var description: String {
    let running = stopped.isEmpty ? "none running" : "\(stopped.count) running (\(stopped.joined(separator: ", ")))"
    return "stopped by \(Interruption.name(signal)): \(running), \(notStarted) not started; "
      + "the same command again resumes them"
  }
}

extension Sweep.Run {
  /// A run that diverged (it has a diverged.json) and is run again: its attempt's files go aside into
  /// attempt-N/ so that it starts again from its config, since resuming would replay the same steps into
  /// the same divergence; with `resume`, it is left to resume from its checkpoint. Says which in `log`.
  public func startAgainIfDiverged(resume: Bool, log: (String) -> Void) throws {
    guard let divergence = DivergenceRecord.read(directory) else { return }
    if resume {
      log("sweep: \(name) diverged at step \(divergence.step) before; resuming it from its checkpoint, as asked")
      try DivergenceRecord.remove(from: directory)
      return
    }
    let folder = try RunDirectory(directory).setAsideAttempt()
    log(
      "sweep: \(name) diverged at step \(divergence.step) before; starting it again from its config (resuming "
        + "would repeat the divergence; that attempt is kept in \(folder.path); --retry-failed --resume resumes instead)"
    )
  }

  /// Readies the run's directory and returns the `graft` arguments that train it. A run that has
  /// started is resumed from its latest checkpoint (`train --resume D`); otherwise its config is written
  /// as D/config.json and trained from there (`train --config D/config.json --out D`), so that the
  /// directory says what will be trained before it starts, and a job on another machine needs nothing
  /// but the path.
  public func prepare() throws -> [String] {
    let run = RunDirectory(directory)
    if run.hasStarted { return ["train", "--resume", directory.path] }
    try run.prepare(config)
    return ["train", "--config", run.config.path, "--out", directory.path]
  }
}
