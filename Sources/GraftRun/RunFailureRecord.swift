import Foundation

/// What a sweep writes as a run's failed.json when the run's `graft train` fails: the exit status, the
/// log of that attempt and when. A run with one is not run again unless asked (`--retry-failed`); a run
/// stopped by SIGINT or SIGTERM has none (it resumes when the sweep runs again).
public struct RunFailureRecord: RunRecordFile, Sendable, Equatable {
  public static let fileName = "failed.json"

  /// `graft train`'s exit status, or 128 + the signal that ended it; -1: it could not be started.
  public var status: Int32
  /// The log of the failed attempt, a file name in the run's directory.
  public var log: String
  /// When it failed (ISO 8601).
  public var time: String
  /// What ended it, when more is known than the status (e.g. "Slurm task 12_3 CANCELLED").
  public var reason: String?

  public init(status: Int32, log: String, reason: String? = nil, time: Date = Date()) {
    self.status = status
    self.log = log
    self.reason = reason
    self.time = ISO8601DateFormatter().string(from: time)
  }

}
