import Foundation
import GraftIO
import GraftOptimizers
import GraftRun

/// Training runs, each a `TrainingConfig` trained in its own directory under `root` by a `RunExecutor`
/// (a bounded number of `graft train` processes at a time, on this machine). Finished runs (those with a
/// summary.json) are skipped, and stopped ones resumed, so an interrupted sweep picks up where it
/// stopped; failed ones wait to be asked for (see `LocalProcessPool`). `grid` builds the usual
/// optimizers × learning rates × seeds; experiments can list any runs.
public struct Sweep: Sendable {
  /// One run: its name (also its directory under `root`), its config and what it varies.
  public struct Run: Sendable, Equatable {
    public var name: String
    /// Every setting of the run: what `graft train --config` trains.
    public var config: TrainingConfig
    public var directory: URL
    /// What the run varies, for tables (e.g. [.optimizer: "adam", .learningRate: "0.001", .seed: "0"]).
    public var labels: [RunLabel: String]

    /// The run's seed (from its config) as the key that pairs runs of different arms by seed in
    /// `SeedStatistics` ("7").
    public var seedKey: String { String(config.seed) }

    public init(name: String, config: TrainingConfig, root: URL, labels: [RunLabel: String] = [:]) {
      self.init(name: name, config: config, directory: root.appendingPathComponent(name), labels: labels)
    }

    public init(name: String, config: TrainingConfig, directory: URL, labels: [RunLabel: String] = [:]) {
      self.name = name
      self.config = config
      self.directory = directory
      self.labels = labels
    }
  }

  public var root: URL
  public var runs: [Run]

  public init(root: URL, runs: [Run]) {
    self.root = root
    self.runs = runs
  }

  /// Optimizers × learning rates × seeds over `base`: each run is `base` with the optimizer and the
  /// learning rate of both players, and the seed, set.
  public static func grid(
    root: URL, optimizers: [OptimizerSpec], learningRates: [Double], seeds: [UInt64], base: TrainingConfig
  ) -> Sweep {
    var runs: [Run] = []
    for optimizer in optimizers {
      for lr in learningRates {
        for seed in seeds {
          var config = base
          config.setOptimizer(optimizer)
          config.setLearningRate(lr)
          config.seed = seed
          let name = "\(optimizer.name.replacingOccurrences(of: ":", with: "_"))-lr\(lr)-seed\(seed)"
          runs.append(
            Run(
              name: name, config: config, root: root,
              labels: [.optimizer: optimizer.name, .learningRate: "\(lr)", .seed: "\(seed)"]))
        }
      }
    }
    return Sweep(root: root, runs: runs)
  }

  /// Whether a run finished before (its summary.json exists).
  public static func isFinished(_ run: Run) -> Bool {
    FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("summary.json").path)
  }

  /// Whether a run has an outcome: it finished, or it failed (its `failed.json`). A staged experiment
  /// decides its next runs only from settled ones.
  public static func isSettled(_ run: Run) -> Bool {
    isFinished(run) || RunFailureRecord.read(run.directory) != nil
  }

  /// Trains every unfinished run with `executor` (see `RunExecutor.execute`); returns the failures.
  public func execute(
    with executor: some RunExecutor, log: @escaping @Sendable (String) -> Void
  ) throws -> [RunFailure] {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try checkStartedRunsMatch()
    try checkRunFilesRead()
    return try executor.execute(runs, log: log)
  }

  /// Refuses to go on when a run's directory holds a started run of another config (the experiment or
  /// the grid changed since): skipping it as finished, or resuming it, would report the other config's
  /// outcome under this run's labels.
  public func checkStartedRunsMatch() throws {
    for run in runs {
      let directory = RunDirectory(run.directory)
      guard directory.hasStarted else { continue }
      let stored: TrainingConfig?
      do {
        stored = try directory.savedConfig()
      } catch {
        throw StoredRunMismatch(run: run, problem: "its config.json is not a Graft run config (\(error))")
      }
      guard let stored else { continue }
      let (a, b) = (stored.scheduleResolved, run.config.scheduleResolved)
      if a != b {
        let keys = RunDirectory.differingKeys(a, b)
        throw StoredRunMismatch(
          run: run, problem: "it holds a run of another config (differs in \(keys.joined(separator: ", ")))")
      }
    }
  }

  /// Refuses to go on when a run's summary.json or eval.json is there but does not read: the tables and
  /// verdicts read them where they are, and would count a damaged one as a run that has not finished.
  public func checkRunFilesRead() throws {
    for run in runs {
      let directory = RunDirectory(run.directory)
      do {
        _ = try directory.readSummary()
        _ = try directory.readEvaluation()
      } catch let error as UnreadableRunFile {
        let fix =
          error.file == directory.summary
          ? "move it away and run again: the run resumes from its last checkpoint and writes it again"
          : "move it away, or measure the run again with `graft evaluate \(run.directory.path)`"
        throw DamagedRunFile(run: run, unreadable: error, fix: fix)
      }
    }
  }

  /// A table of the runs' summaries (Markdown).
  public func summaryTable() -> String {
    let keys = Array(Set(runs.flatMap { $0.labels.keys })).sorted()
    var table = MarkdownTable(["run"] + keys.map(\.rawValue) + ["status", "loss D", "loss G", "metric"])
    for run in runs {
      let labels = keys.map { run.labels[$0] ?? "" }
      guard let s = Self.summary(run) else {
        table.add([run.name] + labels + ["missing", "", "", ""])
        continue
      }
      var metric = ""
      if let m = s.mixture {
        metric = "modes \(m.modesCovered)/\(m.modeCount), hq \(String(format: "%.1f%%", m.highQualityShare * 100))"
      }
      if let t = s.theory { metric = "modes recovered \(t.modesRecovered)/\(t.bestCosines.count)" }
      table.add(
        [run.name] + labels
          + [
            "\(s.status)", String(format: "%.4f", s.discriminatorLoss), String(format: "%.4f", s.generatorLoss), metric,
          ])
    }
    return table.markdown
  }

  /// A run's summary.json, if it finished (and it reads: `checkRunFilesRead` refuses one that does not).
  public static func summary(_ run: Run) -> TrainingSummary? {
    (try? RunDirectory(run.directory).readSummary()) ?? nil
  }
}

/// A sweep's run whose summary.json or eval.json is there but does not read, with what to do.
public struct DamagedRunFile: Error, CustomStringConvertible {
  public var run: Sweep.Run
  public var unreadable: UnreadableRunFile
  public var fix: String

  public var description: String { "sweep: run \(run.name): \(unreadable); \(fix)" }
}

/// A sweep's run directory that holds a started run this sweep did not ask for.
public struct StoredRunMismatch: Error, CustomStringConvertible {
  public var run: Sweep.Run
  public var problem: String

  public var description: String {
    "sweep: run \(run.name) in \(run.directory.path): \(problem); move that directory away (or give another --out) "
      + "to run it as asked"
  }
}
