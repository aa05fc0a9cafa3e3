import ArgumentParser
import Foundation
import GraftGAN

/// How a command that trains many runs executes them. Shared by `sweep` and `reproduce`.
struct RunnerOptions: ParsableArguments {
  @Option(help: "Training runs at a time (each gets its share of the cores).") var parallel: Int = 2
  @Flag(
    help: ArgumentHelp(
      "Run again the runs that failed before (they have a failed.json); each attempt writes a log of its own "
        + "(train.1.log, ...)."))
  var retryFailed = false

  func validate() throws {
    guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1, got \(parallel)") }
  }

  /// The runner the options describe: this machine's process pool.
  var executor: LocalProcessPool { LocalProcessPool(parallel: parallel, retryFailed: retryFailed) }

  /// Runs `body`; when SIGINT or SIGTERM stopped its runs, says which and exits 130 or 143.
  func stoppable<T>(_ command: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let stop as RunsStopped {
      print("\(command): \(stop)")
      throw ExitCode(stop.exitStatus)
    }
  }
}
