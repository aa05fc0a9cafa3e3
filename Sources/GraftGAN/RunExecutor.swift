import Foundation

/// Trains runs, each as its config says, in its own directory: the local process pool today, a cluster
/// scheduler later (a Slurm job array, one task per run). Whatever the executor, a run is trained by
/// `graft train` on the arguments `Sweep.Run.prepare()` returns, so a run's directory reads the same
/// whoever trained it.
public protocol RunExecutor: Sendable {
  /// Trains every run that has not finished (one that stopped is resumed), reporting progress through
  /// `log`; returns the runs that failed, with their exit status.
  func execute(_ runs: [Sweep.Run], log: @escaping @Sendable (String) -> Void) throws -> [RunFailure]
}

/// A run whose training failed: `graft train` exited with `status` (-1: it could not be started).
public struct RunFailure: Sendable {
  public var run: Sweep.Run
  public var status: Int32

  public init(run: Sweep.Run, status: Int32) {
    self.run = run
    self.status = status
  }
}

extension Sweep.Run {
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
