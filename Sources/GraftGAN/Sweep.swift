import Foundation

/// A grid of training runs (optimizers × learning rates × seeds over a base config), each run a
/// separate `graft train` process in its own directory under `root`, a bounded number at a time.
/// Finished runs (those with a summary.json) are skipped, so an interrupted sweep picks up where it
/// stopped.
public struct Sweep: Sendable {
  /// One cell of the grid.
  public struct Run: Sendable, Equatable {
    public var name: String
    public var optimizer: String
    public var learningRate: Float
    public var seed: UInt64
    public var directory: URL
  }

  public var root: URL
  public var optimizers: [String]
  public var learningRates: [Float]
  public var seeds: [UInt64]
  /// Arguments every run gets (e.g. `--preset ring8-mlp --steps 1000`).
  public var baseArguments: [String]

  public init(root: URL, optimizers: [String], learningRates: [Float], seeds: [UInt64], baseArguments: [String]) {
    self.root = root
    self.optimizers = optimizers
    self.learningRates = learningRates
    self.seeds = seeds
    self.baseArguments = baseArguments
  }

  /// The runs in grid order.
  public var runs: [Run] {
    var result: [Run] = []
    for optimizer in optimizers {
      for lr in learningRates {
        for seed in seeds {
          let name = "\(optimizer.replacingOccurrences(of: ":", with: "_"))-lr\(lr)-seed\(seed)"
          result.append(Run(name: name, optimizer: optimizer, learningRate: lr, seed: seed, directory: root.appendingPathComponent(name)))
        }
      }
    }
    return result
  }

  /// The `graft train` arguments of one run.
  public func arguments(_ run: Run) -> [String] {
    baseArguments + ["--optimizer", run.optimizer, "--lr", "\(run.learningRate)", "--seed", "\(run.seed)"]
      + ["--out", run.directory.path]
  }

  /// Whether a run finished before (its summary.json exists).
  public static func isFinished(_ run: Run) -> Bool {
    FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("summary.json").path)
  }

  /// Runs every unfinished run with `executable`, at most `parallel` at a time; each run's output goes
  /// to its directory's `train.log`. A run that stopped before finishing is resumed. Returns the runs
  /// that failed, with their exit status.
  public func execute(
    executable: URL, parallel: Int, log: @escaping @Sendable (String) -> Void
  ) throws -> [(run: Run, status: Int32)] {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let pending = runs.filter { !Self.isFinished($0) }
    log("sweep: \(runs.count) runs, \(runs.count - pending.count) already finished, \(pending.count) to go, \(parallel) at a time")
    let failures = FailureList()
    let slots = DispatchSemaphore(value: max(1, parallel))
    let group = DispatchGroup()
    for run in pending {
      slots.wait()
      group.enter()
      let arguments: [String]
      if FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("config.json").path) {
        arguments = ["train", "--resume", run.directory.path]
      } else {
        arguments = ["train"] + self.arguments(run)
      }
      DispatchQueue.global().async {
        defer {
          slots.signal()
          group.leave()
        }
        let status = Self.launch(executable, arguments, logFile: run.directory.appendingPathComponent("train.log"))
        log("sweep: \(run.name) \(status == 0 ? "finished" : "FAILED with status \(status) (see \(run.directory.path)/train.log)")")
        if status != 0 { failures.append(run, status) }
      }
    }
    group.wait()
    return failures.items
  }

  private static func launch(_ executable: URL, _ arguments: [String], logFile: URL) -> Int32 {
    try? FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    // Runs in parallel share the cores: one BLAS and kernel thread each.
    environment["OPENBLAS_NUM_THREADS"] = "1"
    environment["GRAFT_THREADS"] = "1"
    process.environment = environment
    guard let handle = try? FileHandle(forWritingTo: logFile) else { return -1 }
    process.standardOutput = handle
    process.standardError = handle
    do {
      try process.run()
    } catch {
      return -1
    }
    process.waitUntilExit()
    try? handle.close()
    return process.terminationStatus
  }

  /// A table of the runs' summaries (Markdown).
  public func summaryTable() -> String {
    var lines = ["| run | optimizer | lr | seed | status | loss D | loss G | metric |", "|---|---|---|---|---|---|---|---|"]
    for run in runs {
      let url = run.directory.appendingPathComponent("summary.json")
      guard let data = try? Data(contentsOf: url), let s = try? JSONDecoder().decode(TrainingSummary.self, from: data) else {
        lines.append("| \(run.name) | \(run.optimizer) | \(run.learningRate) | \(run.seed) | missing | | | |")
        continue
      }
      var metric = ""
      if let m = s.mixture { metric = "modes \(m.modesCovered)/\(m.modeCount), hq \(String(format: "%.1f%%", m.highQualityShare * 100))" }
      if let t = s.theory { metric = "modes recovered \(t.modesRecovered)/\(t.bestCosines.count)" }
      lines.append(
        "| \(run.name) | \(run.optimizer) | \(run.learningRate) | \(run.seed) | \(s.status) | "
          + String(format: "%.4f | %.4f | ", s.discriminatorLoss, s.generatorLoss) + metric + " |")
    }
    return lines.joined(separator: "\n")
  }
}

/// Failures collected from worker threads.
private final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var items: [(run: Sweep.Run, status: Int32)] = []
  func append(_ run: Sweep.Run, _ status: Int32) {
    lock.lock()
    items.append((run, status))
    lock.unlock()
  }
}
