import Foundation

/// Training runs, each a separate `graft train` process in its own directory under `root`, a bounded
/// number at a time. Finished runs (those with a summary.json) are skipped, and stopped ones resumed,
/// so an interrupted sweep picks up where it stopped. `grid` builds the usual optimizers × learning
/// rates × seeds; experiments can list any runs.
public struct Sweep: Sendable {
  /// One run: its name (also its directory under `root`) and its `graft train` arguments.
  public struct Run: Sendable, Equatable {
    public var name: String
    public var arguments: [String]
    public var directory: URL
    /// What the run varies, for tables (e.g. ["optimizer": "adam", "lr": "0.001", "seed": "0"]).
    public var labels: [String: String]

    public init(name: String, arguments: [String], root: URL, labels: [String: String] = [:]) {
      self.name = name
      self.directory = root.appendingPathComponent(name)
      self.arguments = arguments + ["--out", directory.path]
      self.labels = labels
    }
  }

  public var root: URL
  public var runs: [Run]

  public init(root: URL, runs: [Run]) {
    self.root = root
    self.runs = runs
  }

  /// Optimizers × learning rates × seeds over `baseArguments` (e.g. `--preset ring8-mlp`).
  public static func grid(
    root: URL, optimizers: [String], learningRates: [Double], seeds: [UInt64], baseArguments: [String]
  ) -> Sweep {
    var runs: [Run] = []
    for optimizer in optimizers {
      for lr in learningRates {
        for seed in seeds {
          let name = "\(optimizer.replacingOccurrences(of: ":", with: "_"))-lr\(lr)-seed\(seed)"
          runs.append(
            Run(
              name: name, arguments: baseArguments + ["--optimizer", optimizer, "--lr", "\(lr)", "--seed", "\(seed)"],
              root: root, labels: ["optimizer": optimizer, "lr": "\(lr)", "seed": "\(seed)"]))
        }
      }
    }
    return Sweep(root: root, runs: runs)
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
    log(
      "sweep: \(runs.count) runs, \(runs.count - pending.count) already finished, \(pending.count) to go, \(parallel) at a time"
    )
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
        arguments = ["train"] + run.arguments
      }
      DispatchQueue.global().async {
        defer {
          slots.signal()
          group.leave()
        }
        let status = Self.launch(
          executable, arguments, threads: max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, parallel)),
          logFile: run.directory.appendingPathComponent("train.log"))
        log(
          "sweep: \(run.name) \(status == 0 ? "finished" : "FAILED with status \(status) (see \(run.directory.path)/train.log)")"
        )
        if status != 0 { failures.append(run, status) }
      }
    }
    group.wait()
    return failures.items
  }

  private static func launch(_ executable: URL, _ arguments: [String], threads: Int, logFile: URL) -> Int32 {
    try? FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    // Runs in parallel share the cores: each gets its share of threads.
    environment["OPENBLAS_NUM_THREADS"] = "1"
    environment["GRAFT_THREADS"] = "\(threads)"
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
    let keys = Array(Set(runs.flatMap { $0.labels.keys })).sorted()
    var lines = [
      "| run | " + keys.map { $0 + " | " }.joined() + "status | loss D | loss G | metric |",
      "|---|" + String(repeating: "---|", count: keys.count + 4),
    ]
    for run in runs {
      let labels = keys.map { (run.labels[$0] ?? "") + " | " }.joined()
      guard let s = Self.summary(run) else {
        lines.append("| \(run.name) | \(labels)missing | | | |")
        continue
      }
      var metric = ""
      if let m = s.mixture {
        metric = "modes \(m.modesCovered)/\(m.modeCount), hq \(String(format: "%.1f%%", m.highQualityShare * 100))"
      }
      if let t = s.theory { metric = "modes recovered \(t.modesRecovered)/\(t.bestCosines.count)" }
      lines.append(
        "| \(run.name) | \(labels)\(s.status) | "
          + String(format: "%.4f | %.4f | ", s.discriminatorLoss, s.generatorLoss)
          + metric + " |")
    }
    return lines.joined(separator: "\n")
  }

  /// A run's summary.json, if it finished.
  public static func summary(_ run: Run) -> TrainingSummary? {
    guard let data = try? Data(contentsOf: run.directory.appendingPathComponent("summary.json")) else { return nil }
    return try? JSONDecoder().decode(TrainingSummary.self, from: data)
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
