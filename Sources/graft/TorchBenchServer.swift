import Foundation

/// The PyTorch side of `graft bench`: `Benchmarks/torch_bench.py --serve` for one workload, kept
/// running so that Graft and PyTorch can alternate in short rounds without starting Python each time.
final class TorchBenchServer {
  struct Problem: Error { let message: String }

  /// torch.__version__ as the script reported it.
  private(set) var version = "?"
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let errors = Pipe()
  private var pending = Data()

  /// Starts the script and waits until it has built the workload.
  init(python: String, script: String, workload: String, threads: Int) throws(Problem) {
    guard FileManager.default.fileExists(atPath: script) else {
      throw Problem(message: "\(script) not found (run from the repository root, or pass --torch-script)")
    }
    // A write to a script that died must fail, not kill graft.
    signal(SIGPIPE, SIG_IGN)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script, "--serve", "--workloads", workload, "--threads", "\(threads)"]
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch { throw Problem(message: "cannot start \(python): \(error)") }
    let ready = try reply()
    guard ready["ready"] as? Bool == true else { throw failure("the PyTorch script did not start") }
    version = ready["torch_version"] as? String ?? "?"
  }

  /// PyTorch's median ms per iteration and how many iterations it timed, measured now.
  func time(minReps: Int, minSeconds: Double) throws(Problem) -> (ms: Double, iterations: Int) {
    do {
      try input.fileHandleForWriting.write(contentsOf: Data("\(minReps) \(minSeconds)\n".utf8))
    } catch {
      throw failure("the PyTorch script stopped")
    }
    let answer = try reply()
    guard let ms = answer["ms"] as? Double, let iterations = answer["iterations"] as? Int else {
      throw failure("the PyTorch script printed no time")
    }
    return (ms, iterations)
  }

  /// Closes the script's input, so it exits, and waits for it.
  func close() {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
  }

  /// The next line the script prints, as a JSON object.
  private func reply() throws(Problem) -> [String: Any] {
    let handle = output.fileHandleForReading
    while !pending.contains(UInt8(ascii: "\n")) {
      let chunk = handle.availableData
      if chunk.isEmpty { throw failure("the PyTorch script stopped") }
      pending.append(chunk)
    }
    let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
    let line = pending[pending.startIndex..<end]
    pending = Data(pending[(end + 1)...])
    guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
      throw failure("the PyTorch script printed '\(String(decoding: line, as: UTF8.self))'")
    }
    return object
  }

  /// A problem naming `what` happened, with the end of the script's error output and the fix.
  private func failure(_ what: String) -> Problem {
    if process.isRunning { process.terminate() }
    try? input.fileHandleForWriting.close()
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    let tail = String(decoding: stderr, as: UTF8.self).split(separator: "\n").suffix(2).joined(separator: " / ")
    return Problem(
      message: "\(what) (\(tail)); install torch with `pip install -r Scripts/requirements-dev.txt`")
  }
}
