import ArgumentParser
import Foundation
import GraftGAN
import GraftOptimizers
import GraftSweep

/// `graft sweep`: optimizers × learning rates × seeds, each a separate `graft train` process.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a grid of trainings (optimizers x learning rates x seeds) as separate processes.",
    discussion:
      "Every run starts from the same config, given as to `graft train` (a preset, a config file, settings), "
      + "e.g. `graft sweep --optimizers adam,sgda --lrs 1e-3,1e-2 --seeds 3 --preset ring8-mlp --steps 1000`; "
      + "the grid then sets each run's optimizer and learning rate (both players) and seed, so those come from "
      + "--optimizers, --lrs and --seeds and are refused as settings (a preset or config file may set them; the "
      + "grid replaces them). Each run is written as <out>/<run>/config.json and trained by `graft train --config` "
      + "in a process of its own, its output in <out>/<run>/train.log (train.1.log, ... for later attempts).\n\n"
      + "Run the same command again to go on: finished runs are skipped, stopped ones resumed, runs another "
      + "process is training skipped, and failed ones (with a failed.json) reported but run again only with "
      + "--retry-failed. SIGINT or SIGTERM (Ctrl-C) stops the running runs, then the sweep (exit 130 or 143).\n\n"
      + "--executor slurm submits the runs as one Slurm job array instead (one task per run; --partition, --time, "
      + "--cpus-per-task, --mem, --sbatch-option) and follows it to the same summary; the run directories must be on "
      + "a file system the nodes share. A task near its time limit saves a checkpoint and requeues itself "
      + "(--max-requeues). --dry-run prints the job script and submits nothing.\n\n"
      + TrainingOptions.help
  )

  @Option(help: "Comma-separated optimizer names.") var optimizers: String = "adam,sgda"
  @Option(help: "Comma-separated learning rates.") var lrs: String = "0.001"
  @Option(help: "Comma-separated seeds, or a count N for seeds 0..N-1.") var seeds: String = "1"
  @Option(help: "Root directory of the sweep's runs.") var out: String = "runs/sweep"
  @OptionGroup var runner: RunnerOptions
  @OptionGroup var training: TrainingOptions

  /// The settings the grid sets in every run, by the option that gives them.
  static let axisSettings: [(axis: String, flags: [String], sets: String)] = [
    ("--optimizers", ["optimizer", "g-optimizer", "d-optimizer"], "both players' optimizer"),
    ("--lrs", ["lr", "g-lr", "d-lr"], "both players' learning rate"),
    ("--seeds", ["seed"], "the seed"),
  ]

  func validate() throws {
    // A setting the grid replaces would be dropped without a word.
    for word in training.settings where word.hasPrefix("--") {
      let flag = String(word.dropFirst(2).prefix { $0 != "=" })
      if let axis = Self.axisSettings.first(where: { $0.flags.contains(flag) }) {
        throw ValidationError(
          "--\(flag) conflicts with the sweep's \(axis.axis), which sets \(axis.sets) in every run; "
            + "give the values with \(axis.axis) instead")
      }
    }
  }

  func run() throws {
    let optimizerList = try optimizers.split(separator: ",").map { try OptimizerSpec(parsing: String($0)) }
    let rates = try lrs.split(separator: ",").map { text -> Double in
      guard let v = Double(text), v > 0 else { throw ValidationError("--lrs: '\(text)' is not a positive number") }
      return v
    }
    let seedList: [UInt64]
    if !seeds.contains(","), let n = UInt64(seeds), n > 0, n <= 100 {
      seedList = Array(0..<n)
    } else {
      seedList = try seeds.split(separator: ",").map { text in
        guard let v = UInt64(text) else { throw ValidationError("--seeds: '\(text)' is not a seed") }
        return v
      }
    }
    let sweep = Sweep.grid(
      root: URL(fileURLWithPath: out), optimizers: optimizerList, learningRates: rates, seeds: seedList,
      base: try training.resolved())
    _ = try runner.stoppable("sweep") { try sweep.execute(with: runner.makeExecutor()) { print($0) } }
    let markdown = sweep.summaryMarkdown()
    print(markdown)
    let table = URL(fileURLWithPath: out).appendingPathComponent("summary.md")
    try Data(markdown.utf8).write(to: table)
    print("sweep: table written to \(table.path)")
    // Failed now or before, or running elsewhere: the sweep is not complete.
    let unfinished = sweep.runs.filter { !Sweep.isFinished($0) }
    if !unfinished.isEmpty {
      print("sweep: \(unfinished.count) of \(sweep.runs.count) runs have not finished (see the lines above)")
      throw ExitCode(1)
    }
  }
}
