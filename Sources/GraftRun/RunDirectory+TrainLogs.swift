import Foundation

/// The logs of a run's `graft train` processes, one per attempt, none overwritten: train.log, then
/// train.1.log, train.2.log, … (a sweep's restart resumes a stopped run, or retries a failed one, into
/// the next).
extension RunDirectory {
  /// The log for the next attempt: the first of train.log, train.1.log, … that does not exist.
  public func nextTrainLog() -> URL {
    var candidate = url.appendingPathComponent("train.log")
    var n = 1
    while FileManager.default.fileExists(atPath: candidate.path) {
      candidate = url.appendingPathComponent("train.\(n).log")
      n += 1
    }
    return candidate
  }
}
