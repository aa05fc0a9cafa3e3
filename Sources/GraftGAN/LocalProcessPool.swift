import Foundation

/// Trains runs as `graft` processes on this machine, at most `parallel` at a time, the cores split
/// between them; each run's output goes to its directory's train.log.
public struct LocalProcessPool: RunExecutor {
  /// The `graft` executable (by default this process's own: the command line runs its own sweeps).
  public var executable: URL
  /// Runs at a time.
  public var parallel: Int

  public init(executable: URL = URL(fileURLWithPath: "/proc/self/exe"), parallel: Int = 2) {
    self.executable = executable
    self.parallel = max(1, parallel)
  }

  public func execute(_ runs: [Sweep.Run], log: @escaping @Sendable (String) -> Void) throws -> [RunFailure] {
    let pending = runs.filter { !Sweep.isFinished($0) }
    log(
      "sweep: \(runs.count) runs, \(runs.count - pending.count) already finished, \(pending.count) to go, \(parallel) at a time"
    )
    let failures = FailureList()
    let slots = DispatchSemaphore(value: parallel)
    let group = DispatchGroup()
    // Runs in parallel share the cores: each gets its share of threads.
    let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / parallel)
    for run in pending {
      slots.wait()
      group.enter()
      DispatchQueue.global().async {
        defer {
          slots.signal()
          group.leave()
        }
        let status: Int32
        do {
          status = Self.launch(
            executable, try run.prepare(), threads: threads,
            logFile: run.directory.appendingPathComponent("train.log"))
        } catch {
          log("sweep: \(run.name) could not be prepared: \(error)")
          status = -1
        }
        log(
          "sweep: \(run.name) \(status == 0 ? "finished" : "FAILED with status \(status) (see \(run.directory.path)/train.log)")"
        )
        if status != 0 { failures.append(RunFailure(run: run, status: status)) }
      }
    }
    group.wait()
    return failures.items
  }

  /// Runs `executable` with `arguments` to its end, output to `logFile`; its exit status, or -1 when it
  /// could not be started.
  private static func launch(_ executable: URL, _ arguments: [String], threads: Int, logFile: URL) -> Int32 {
    try? FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_NUM_THREADS"] = "1"
    environment["GRAFT_THREADS"] = "\(threads)"
    process.environment = environment
    guard let handle = try? FileHandle(forWritingTo: logFile) else { return -1 }
    defer { try? handle.close() }
    process.standardOutput = handle
    process.standardError = handle
    do {
      try process.run()
    } catch {
      return -1
    }
    process.waitUntilExit()
    return process.terminationStatus
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
