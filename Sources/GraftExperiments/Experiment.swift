import Foundation
import GraftGAN
import GraftRun
import GraftSweep

/// One of the paper's experiments: the runs it makes, each a complete training config, and how their
/// results become tables, figures and claim checks. What the experiments share lives here; each one's
/// file holds only its own runs and summary.
public protocol Experiment: Sendable {
  /// The name `graft reproduce` knows it by (also its directory and its section of results.md).
  static var name: String { get }

  init(root: URL, scale: ExperimentScale)

  /// Where its runs' directories go.
  var root: URL { get }
  var scale: ExperimentScale { get }

  /// Every run it makes: a name (its directory under `root`), a config, and labels for the tables.
  var runs: [Sweep.Run] { get }

  /// Tables, figures and claim checks from the runs' directories (a run that failed counts as the
  /// experiment says).
  func summarize(_ sweep: Sweep) throws -> ExperimentResult
}

extension Experiment {
  public var name: String { Self.name }
  public var sweep: Sweep { Sweep(root: root, runs: runs) }
  /// The seeds each configuration runs on.
  var seeds: Int { scale.seeds }

  /// A run of this experiment, its directory under `root`.
  func makeRun(_ name: String, _ config: TrainingConfig, labels: [RunLabel: String]) -> Sweep.Run {
    Sweep.Run(name: name, config: config, root: root, labels: labels)
  }

  /// Trains every run that has not finished with `executor` (by default `graft` processes on this
  /// machine, two at a time), logging to standard output, then summarizes.
  ///
  /// An experiment in stages (a learning-rate screen, then a confirmation at the chosen rates) lists
  /// only the runs its finished runs call for, so `runs` is asked again after each batch until it names
  /// nothing new. Everything it decides is read back from the run directories, so a protocol stopped at
  /// any point goes on from there when run again.
  public func run(on executor: some RunExecutor = LocalProcessPool()) throws -> ExperimentResult {
    var executed: Set<String> = []
    var failures: [RunFailure] = []
    for stage in 1... {
      let pending = runs.filter { !executed.contains($0.name) }
      if pending.isEmpty { break }
      if stage > 1 { print("reproduce: \(Self.name): stage \(stage), \(pending.count) more run(s) called for") }
      failures += try Sweep(root: root, runs: pending).execute(with: executor) { print($0) }
      executed.formUnion(pending.map(\.name))
    }
    // Diverged runs are results (a NaN stop exits non-zero), not errors of the experiment.
    if !failures.isEmpty {
      print("reproduce: \(failures.count) run(s) stopped early; they count as failed in the tables")
    }
    if failures.contains(where: \.isEarlier) {
      print("reproduce: some of them failed in an earlier execution and were not run again (--retry-failed)")
    }
    try sweep.checkRunFilesRead()
    return try summarize(sweep)
  }
}

/// A preset an experiment builds on. The names are Graft's own, so a miss is a bug here, not an input
/// error (the experiments' tests build every run).
func preset(_ name: String) -> TrainingConfig {
  do {
    return try TrainingConfig.preset(name)
  } catch {
    preconditionFailure("\(error)")
  }
}
