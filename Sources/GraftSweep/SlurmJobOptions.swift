import Foundation
import GraftRun

/// What a sweep asks Slurm for, per array task (one task per run): the `sbatch` options a user chooses,
/// checked before anything is submitted so that a typo is one clear line here rather than a refusal from
/// `sbatch` after the runs were prepared.
public struct SlurmJobOptions: Sendable, Equatable {
  /// `--partition` (nil: the cluster's default).
  public var partition: String?
  /// `--time`, in Slurm's forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (nil: the partition's default).
  public var timeLimit: String?
  /// `--cpus-per-task`: also the threads each run trains with.
  public var cpusPerTask: Int
  /// `--mem`, per node: a number of megabytes, or with a unit K, M, G or T (nil: the cluster's default).
  public var memory: String?
  /// More `sbatch` options, each written as an `#SBATCH` line as given (e.g. "--qos=high", "--account=lab").
  public var extraOptions: [String]
  /// How many times a run requeues itself when its time limit is near (SIGUSR2; see `SlurmRequeue`).
  public var maxRequeues: Int
  /// How long before the time limit Slurm sends SIGUSR2 (`--signal=B:USR2@seconds`). Slurm checks limits
  /// every 30 s or so, so the signal comes up to that much later; a checkpoint takes well under a second.
  public var signalSeconds: Int
  /// At most this many tasks of the array run at once (`--array=0-N%max`); nil: as many as the cluster gives.
  public var maxRunning: Int?

  public init(
    partition: String? = nil, timeLimit: String? = nil, cpusPerTask: Int = 1, memory: String? = nil,
    extraOptions: [String] = [], maxRequeues: Int = 3, signalSeconds: Int = 90, maxRunning: Int? = nil
  ) {
    self.maxRunning = maxRunning
    self.partition = partition
    self.timeLimit = timeLimit
    self.cpusPerTask = cpusPerTask
    self.memory = memory
    self.extraOptions = extraOptions
    self.maxRequeues = maxRequeues
    self.signalSeconds = signalSeconds
  }

  /// Throws `SlurmError` naming the first bad value and the form it should take.
  public func validate() throws {
    if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "\"" }) {
      throw SlurmError("--partition '\(partition)' is not a partition name; give one that `sinfo -s` lists")
    }
    if let timeLimit, !Self.isTimeLimit(timeLimit) {
      throw SlurmError(
        "--time '\(timeLimit)' is not a Slurm time limit; give minutes (30), HH:MM:SS (2:00:00) or D-HH:MM (1-12:00)")
    }
    guard cpusPerTask >= 1 else { throw SlurmError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
    if let memory, memory.wholeMatch(of: /[0-9]+[KMGTkmgt]?/) == nil {
      throw SlurmError("--mem '\(memory)' is not a memory size; give megabytes (4000) or a unit (4G, 500M)")
    }
    for option in extraOptions where !option.hasPrefix("-") || option.contains(where: \.isNewline) {
      throw SlurmError(
        "--sbatch-option '\(option)' is not an sbatch option; give one per flag, as sbatch takes it, e.g. --qos=high")
    }
    guard maxRequeues >= 0 else { throw SlurmError("--max-requeues must be 0 or more, got \(maxRequeues)") }
    if let maxRunning, maxRunning < 1 { throw SlurmError("--parallel must be at least 1, got \(maxRunning)") }
    guard signalSeconds >= 1 else { throw SlurmError("the signal time must be at least 1 s, got \(signalSeconds)") }
  }

  /// Whether `text` is one of Slurm's time-limit forms ("UNLIMITED" too).
  static func isTimeLimit(_ text: String) -> Bool {
    text == "UNLIMITED" || text == "INFINITE" || text.wholeMatch(of: /([0-9]+-)?[0-9]+(:[0-9]+){0,2}/) != nil
  }
}

/// A Slurm executor's error: one line naming the problem and the fix.
public struct SlurmError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
