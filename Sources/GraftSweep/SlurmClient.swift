import Foundation
import GraftRun

/// Slurm's command-line clients, as a sweep uses them: `sbatch` to submit, `squeue` to follow tasks (no
/// accounting database is needed: `sacct` is not used), `scontrol` for an ended task's state and exit code
/// and to requeue a task. Each is looked up on PATH; a missing one is a `SlurmError` saying so.
struct SlurmClient: Sendable {
  /// A task's state in the queue (`squeue -r -t all`): PENDING, RUNNING, COMPLETED, CANCELLED, ...
  struct TaskState: Sendable, Equatable {
    var state: String
    /// The submitted script's path: which job it is, should the controller have reused the ID (a cluster
    /// started clean, as `Scripts/local-slurm.sh` does, numbers its jobs from 1 again).
    var script: String
    /// Whether the task has ended for good (a requeued task is PENDING again, not ended).
    var hasEnded: Bool { Self.endStates.contains(state) }
    static let endStates: Set<String> = [
      "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
      "OUT_OF_MEMORY", "REVOKED",
    ]
  }

  /// How an ended task ended, from `scontrol show job`: its state and exit status (`ExitCode=code:signal`,
  /// as a shell reports it: 128 + the signal when one ended it), and its script (see `TaskState`).
  struct TaskEnd: Sendable, Equatable {
    var state: String
    var status: Int32
    var script: String
  }

  /// Submits `script`; returns the job's ID.
  func submit(_ script: URL) throws -> String {
    let result = try Self.run("sbatch", ["--parsable", script.path])
    guard result.status == 0 else {
      throw SlurmError(
        "sbatch refused the job: \(result.firstErrorLine); fix the option it names (--partition, --time, --mem, "
          + "--sbatch-option) or see `sinfo -s` for what this cluster offers (script: \(script.path))")
    }
    // --parsable prints "ID" or "ID;cluster".
    let id = result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init)
    guard let id, !id.isEmpty, id.allSatisfy(\.isNumber) else {
      throw SlurmError(
        "sbatch answered '\(result.output)' instead of a job ID; submit \(script.path) by hand to see why")
    }
    return id
  }

  /// This user's tasks in the queue (ended ones too, while the controller remembers them), by ID ("12_3").
  func tasks() throws -> [String: TaskState] {
    let result = try Self.run("squeue", ["--me", "--noheader", "--array", "--states=all", "--format=%i|%T|%o"])
    guard result.status == 0 else {
      throw SlurmError("squeue failed: \(result.firstErrorLine); is the cluster up (`scontrol ping`)?")
    }
    var states: [String: TaskState] = [:]
    for line in result.output.split(separator: "\n") {
      let fields = line.split(separator: "|", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
      if fields.count == 3 { states[fields[0]] = TaskState(state: fields[1], script: fields[2]) }
    }
    return states
  }

  /// How the task `id` ended, or nil when the controller no longer knows it.
  func end(of id: String) -> TaskEnd? {
    guard let result = try? Self.run("scontrol", ["--oneliner", "show", "job", id]), result.status == 0 else {
      return nil
    }
    return Self.parseEnd(result.output)
  }

  /// The state and exit status in `scontrol --oneliner show job` output.
  static func parseEnd(_ text: String) -> TaskEnd? {
    var fields: [String: String] = [:]
    for word in text.split(whereSeparator: \.isWhitespace) {
      let parts = word.split(separator: "=", maxSplits: 1)
      if parts.count == 2, fields[String(parts[0])] == nil { fields[String(parts[0])] = String(parts[1]) }
    }
    guard let state = fields["JobState"] else { return nil }
    let codes = (fields["ExitCode"] ?? "").split(separator: ":").compactMap { Int32($0) }
    let status = codes.count == 2 ? (codes[1] != 0 ? 128 + codes[1] : codes[0]) : -1
    // The script's path may hold spaces: it runs up to the field after it.
    let script = text.firstMatch(of: /Command=(.*?) WorkDir=/).map { String($0.1) } ?? fields["Command"] ?? ""
    return TaskEnd(state: state, status: status, script: script)
  }

  /// Requeues the task `id` (this task's own, from inside it).
  func requeue(_ id: String) throws {
    let result = try Self.run("scontrol", ["requeue", id])
    guard result.status == 0 else { throw SlurmError("scontrol requeue \(id) failed: \(result.firstErrorLine)") }
  }

  struct Result {
    var status: Int32
    var output: String
    var error: String
    var firstErrorLine: String {
      let line = error.split(separator: "\n").first.map(String.init) ?? ""
      return line.isEmpty ? "exit status \(status), no message" : line
    }
  }

  /// Runs `program` (found on PATH) with `arguments`; its exit status, output and error output.
  static func run(_ program: String, _ arguments: [String]) throws -> Result {
    let process = Process()
    process.executableURL = try locate(program)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read before waiting: a full pipe would block the program.
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
      error: String(decoding: err, as: UTF8.self))
  }

  /// `program`'s path on PATH, or a `SlurmError` saying how to get it.
  static func locate(_ program: String) throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(program)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw SlurmError(
      "--executor slurm needs Slurm's \(program) on PATH and it is not there; run on the cluster's login node "
        + "(or `module load slurm`), or try a local cluster: Scripts/local-slurm.sh start")
  }
}
