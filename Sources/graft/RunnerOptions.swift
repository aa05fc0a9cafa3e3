import ArgumentParser
import GraftGAN

/// How a command that trains many runs executes them. Shared by `sweep` and `reproduce`.
struct RunnerOptions: ParsableArguments {
  @Option(help: "Training runs at a time (each gets its share of the cores).") var parallel: Int = 2

  func validate() throws {
    guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1, got \(parallel)") }
  }

  /// The runner the options describe: this machine's process pool.
  var executor: any RunExecutor { LocalProcessPool(parallel: parallel) }
}
