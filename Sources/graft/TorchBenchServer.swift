import Foundation

/// The PyTorch side of `graft bench`: `Benchmarks/torch_bench.py --serve` for one workload, kept
/// running so that Graft and PyTorch can alternate in short rounds without starting Python each time.
/// The seeds workloads' members (`graft bench --member-seed`) speak the same protocol.
final class TorchBenchServer {
  struct Problem: Error { let message: String }

  /// torch.__version__ as the script reported it.
  private(set) var version = "?"
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private let errors = Pipe()
  private var pending = Data()
  /// What a failure message ends with: how to fix it.
  private let hint: String

  /// Starts the script and waits until it has built the workload.
  convenience init(
    python: String, script: String, workload: String, threads: Int, extraArguments: [String] = []
  ) throws(Problem) {
    guard FileManager.default.fileExists(atPath: script) else {
      throw Problem(message: "\(script) not found (run from the repository root, or pass --torch-script)")
    }
    try self.init(
      executable: URL(fileURLWithPath: "/usr/bin/env"),
      arguments: [python, script, "--serve", "--workloads", workload, "--threads", "\(threads)"] + extraArguments,
      hint: "install torch with `pip install -r Scripts/requirements-dev.txt`")
  }

  /// Starts `executable` (which answers as `torch_bench.py --serve` does) and waits until it is ready.
  init(executable: URL, arguments: [String], environment: [String: String]? = nil, hint: String) throws(Problem) {
    self.hint = hint
    // A write to a script that died must fail, not kill graft.
    signal(SIGPIPE, SIG_IGN)
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch {
      throw Problem(message: "cannot start \(arguments.first ?? executable.path): \(error)")
    }
    let ready = try reply()
    guard ready["ready"] as? Bool == true else { throw failure("the PyTorch script did not start") }
    version = ready["torch_version"] as? String ?? "?"
  }

  /// PyTorch's median ms per iteration and how many iterations it timed, measured now.
  func time(minReps: Int, minSeconds: Double) throws(Problem) -> (ms: Double, iterations: Int) {
    try request(minReps: minReps, minSeconds: minSeconds)
    let answer = try timing()
    return (answer.ms, answer.iterations)
  }

  /// Asks for a time, without waiting for it (`timing` reads it): several servers can so time at once.
  func request(minReps: Int, minSeconds: Double) throws(Problem) {
    do {
      try input.fileHandleForWriting.write(contentsOf: Data("\(minReps) \(minSeconds)\n".utf8))
    } catch {
      throw failure("the PyTorch script stopped")
    }
  }

  /// The answer to the last `request`: median ms per iteration, iterations timed, and (where the
  /// server says) the seconds they took in all.
  func timing() throws(Problem) -> (ms: Double, iterations: Int, seconds: Double?) {
    let answer = try reply()
    guard let ms = answer["ms"] as? Double, let iterations = answer["iterations"] as? Int else {
      throw failure("the PyTorch script printed no time")
    }
    return (ms, iterations, answer["seconds"] as? Double)
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
    return Problem(message: "\(what) (\(tail))" + (hint.isEmpty ? "" : "; \(hint)"))
  }
}
